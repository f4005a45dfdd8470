"""Writes of publication lists: by hand, and imported with duplicates skipped."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from expertise import services
from expertise.models import Publication
from portal.models import AuditEvent

FILES = Path(__file__).parent / "files"
pytestmark = pytest.mark.django_db


def _import(user, source, name):
    return services.publications_import(user=user, source=source, data=(FILES / name).read_bytes())


def test_import_bibtex_counts_added_duplicates_and_untitled(author):
    result = _import(author, "bibtex", "publications.bib")

    # The fourth entry is the first again (same title and year, other spelling).
    assert result == services.ImportResult(added=2, duplicates=1, untitled=1)
    assert sorted(Publication.objects.filter(user=author).values_list("title", "source")) == [
        ("Capability Elicitation for Cyber-Offence Benchmarks", "bibtex"),
        ("Schön Bayesian Red-Teaming of Large Language Models", "bibtex"),
    ]
    event = AuditEvent.objects.get(action="publications.imported")
    assert event.details == {"source": "bibtex", "added": 2, "duplicates": 1, "untitled": 1}


def test_import_skips_what_the_list_already_holds_by_doi_or_title_and_year(
    author, make_publication
):
    make_publication(author, title="Another title", doi="10.5555/JAIS.2021.0042")
    make_publication(author, title="Capability elicitation for cyber offence benchmarks", year=2023)

    result = _import(author, "bibtex", "publications.bib")

    assert result == services.ImportResult(added=0, duplicates=3, untitled=1)


def test_import_the_same_file_twice_adds_nothing_the_second_time(author):
    _import(author, "dblp", "dblp_person.xml")

    again = _import(author, "dblp", "dblp_person.xml")

    assert again == services.ImportResult(added=0, duplicates=3, untitled=0)
    assert Publication.objects.filter(user=author).count() == 3


def test_import_across_formats_finds_the_same_work(author):
    _import(author, "orcid", "orcid_record.json")

    result = _import(author, "dblp", "dblp_person.xml")

    assert result == services.ImportResult(added=2, duplicates=1, untitled=0)


def test_other_users_lists_do_not_count_as_duplicates(author, outsider):
    _import(outsider, "openreview", "openreview_archive.jsonl")

    result = _import(author, "openreview", "openreview_archive.jsonl")

    assert result.added == 2


def test_broken_file_adds_nothing_and_names_the_problem(author):
    with pytest.raises(ValidationError) as caught:
        _import(author, "bibtex", "unclosed.bib")

    assert caught.value.message_dict["file"][0].startswith("Line 10, in the entry “broken2021”")
    assert Publication.objects.count() == 0
    assert not AuditEvent.objects.filter(action="publications.imported").exists()


def test_too_large_file_refused(author, settings):
    settings.PUBLICATION_IMPORT_MAX_MB = 1
    data = b"@misc{a, title={A}}\n" + b"%" * (1024 * 1024)

    with pytest.raises(ValidationError) as caught:
        services.publications_import(user=author, source="bibtex", data=data)

    assert caught.value.message_dict == {"file": ["The file is larger than the 1 MB limit."]}


def test_unknown_format_refused(author):
    with pytest.raises(ValidationError) as caught:
        services.publications_import(user=author, source="manual", data=b"")

    assert caught.value.message_dict == {"source": ["Choose the format of the file."]}


def test_create_cleans_doi_and_audits_text_as_hashes(author):
    publication = services.publication_create(
        user=author,
        title="  Uplift studies  ",
        year=2024,
        doi="https://doi.org/10.5555/u.1",
        url="https://example.org/u",
    )

    assert (publication.title, publication.doi, publication.source) == (
        "Uplift studies",
        "10.5555/u.1",
        "manual",
    )
    event = AuditEvent.objects.get(action="publication.created")
    assert event.object_code == publication.code
    assert event.changes["year"] == [None, 2024]
    assert event.changes["title"][1]["length"] == len("Uplift studies")


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": " "}, {"title": ["Enter the title."]}),
        (
            {"title": "T", "url": "javascript:alert(1)"},
            {"url": ["Enter a web address starting with https:// or http://."]},
        ),
        (
            {"title": "T", "doi": "not-a-doi"},
            {"doi": ["Enter a DOI such as 10.1234/abcd, or leave it empty."]},
        ),
        ({"title": "T", "kind": "poem"}, {"kind": ["Choose the kind of work."]}),
    ],
)
def test_create_refuses_invalid_fields(author, fields, errors):
    with pytest.raises(ValidationError) as caught:
        services.publication_create(user=author, **fields)

    assert caught.value.message_dict == errors


def test_update_records_only_what_changed(author, make_publication):
    publication = make_publication(author, title="Old", year=2020)

    services.publication_update(
        publication=publication, user=author, title="Old", kind="evaluation", year=2021
    )

    publication.refresh_from_db()
    assert (publication.kind, publication.year) == ("evaluation", 2021)
    event = AuditEvent.objects.get(action="publication.updated")
    assert event.changes == {"kind": ["publication", "evaluation"], "year": [2020, 2021]}


def test_delete(author, make_publication):
    publication = make_publication(author)

    services.publication_delete(publication=publication, user=author)

    assert not Publication.objects.exists()
    assert AuditEvent.objects.get(action="publication.deleted").object_code == publication.code
