"""The publication pages: the person's own list, forms, import, and what others get."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expertise.models import Publication
from portal.permissions import has_perm
from tests.factories import ReviewerApplicationFactory, WorkshopFactory

FILES = Path(__file__).parent / "files"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [3, 60])
def test_list_queries_constant(client, author, make_publication, django_assert_num_queries, size):
    for index in range(size):
        make_publication(author, title=f"Paper {index}", year=2000 + index % 20)
    client.force_login(author)

    # session, user, staff group (navigation), publications
    with django_assert_num_queries(4):
        response = client.get(reverse("expertise:publication_list"))

    assert len(response.context["publications"]) == size
    assert response.content.decode().count("/edit/") == size


def test_list_shows_only_own_publications(client, author, outsider, make_publication):
    make_publication(author, title="Mine", doi="10.5555/mine")
    make_publication(outsider, title="Theirs")
    client.force_login(author)

    response = client.get(reverse("expertise:publication_list"))

    assert [p.title for p in response.context["publications"]] == ["Mine"]
    assert 'href="https://doi.org/10.5555/mine"' in response.content.decode()


@pytest.mark.parametrize("view", ["expertise:publication_edit", "expertise:publication_delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_elses_publication_is_not_found(
    client, author, outsider, staff, make_publication, view, method
):
    publication = make_publication(outsider, title="Theirs")
    url = reverse(view, args=[publication.code])

    for user in (author, staff):
        client.force_login(user)
        response = getattr(client, method)(url, {"title": "Mine now", "kind": "publication"})
        assert response.status_code == 404
    publication.refresh_from_db()
    assert publication.title == "Theirs"


def test_add_by_hand(client, author):
    client.force_login(author)

    response = client.post(
        reverse("expertise:publication_create"),
        {
            "kind": "evaluation",
            "title": "Cyber uplift evaluation of a frontier model",
            "year": "2025",
            "venue": "AI Office workshop",
            "doi": "",
            "url": "https://example.org/report",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("expertise:publication_list")
    publication = Publication.objects.get(user=author)
    assert (publication.kind, publication.year, publication.url) == (
        "evaluation",
        2025,
        "https://example.org/report",
    )


def test_add_with_an_invalid_address_keeps_the_form(client, author):
    client.force_login(author)

    response = client.post(
        reverse("expertise:publication_create"),
        {"kind": "publication", "title": "Kept", "url": "javascript:alert(1)"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "url": ["Enter a web address starting with https:// or http://."]
    }
    assert 'value="Kept"' in response.content.decode()
    assert not Publication.objects.exists()


def test_edit_shows_current_values_and_saves(client, author, make_publication):
    publication = make_publication(author, title="Draft title", year=2022, venue="arXiv")
    client.force_login(author)
    url = reverse("expertise:publication_edit", args=[publication.code])

    page = client.get(url)
    response = client.post(
        url, {"kind": "publication", "title": "Final title", "year": "2023", "venue": "ICML"}
    )

    assert 'value="Draft title"' in page.content.decode()
    assert response.status_code == 302
    publication.refresh_from_db()
    assert (publication.title, publication.year, publication.venue) == ("Final title", 2023, "ICML")


def test_delete_asks_then_deletes_on_post(client, author, make_publication):
    publication = make_publication(author, title="To go")
    client.force_login(author)
    url = reverse("expertise:publication_delete", args=[publication.code])

    page = client.get(url)
    assert Publication.objects.filter(pk=publication.pk).exists()
    response = client.post(url)

    assert "“To go” will be deleted from your list." in page.content.decode()
    assert response.status_code == 302
    assert not Publication.objects.filter(pk=publication.pk).exists()


def _upload(client, source, name, data=None):
    data = (FILES / name).read_bytes() if data is None else data
    return client.post(
        reverse("expertise:publications_import"),
        {"source": source, "file": SimpleUploadedFile(name, data)},
    )


def test_import_shows_the_result(client, author):
    client.force_login(author)

    response = _upload(client, "bibtex", "publications.bib")

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 publications added" in html
    assert "1 duplicate skipped" in html
    assert "1 entry without a title ignored" in html
    # The next file is likely of the same kind.
    assert response.context["form"].initial == {"source": "bibtex"}
    assert Publication.objects.filter(user=author).count() == 2


def test_import_broken_file_names_the_problem_and_keeps_the_format(client, author):
    client.force_login(author)

    response = _upload(client, "dblp", "dblp_bomb.xml")

    assert response.status_code == 400
    form = response.context["form"]
    assert form["source"].value() == "dblp"
    assert form.errors["file"][0].startswith("The file declares XML entities")
    assert "Nothing was imported." in response.content.decode()
    assert not Publication.objects.exists()


def test_import_without_a_file(client, author):
    client.force_login(author)

    response = client.post(reverse("expertise:publications_import"), {"source": "orcid"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"file": ["This field is required."]}


def test_import_too_large_stopped_while_uploading(client, author, settings):
    settings.PUBLICATION_IMPORT_MAX_MB = 1
    client.force_login(author)

    response = _upload(client, "bibtex", "big.bib", b"%" * (1024 * 1024 + 10))

    assert response.status_code == 400
    assert response.context["form"].errors == {"file": ["The file is larger than the 1 MB limit."]}
    assert response.context["form"]["source"].value() == "bibtex"


def test_profile_links_to_the_list(client, author):
    client.force_login(author)

    html = client.get(reverse("portal:profile")).content.decode()

    assert f'href="{reverse("expertise:publication_list")}"' in html
    assert "Add your publications: they improve matching" in html


# --- on the reviewer application ---------------------------------------------------------
@pytest.fixture
def applied(author, make_publication):
    make_publication(author, title="Older work", year=2019, venue="NeurIPS", doi="10.5555/older")
    make_publication(author, title="Newer work", year=2024, url="https://example.org/new")
    return ReviewerApplicationFactory(user=author, workshop=WorkshopFactory())


def test_staff_see_the_applicants_publications(client, staff, applied):
    client.force_login(staff)

    response = client.get(reverse("reviews:application_detail", args=[applied.code]))

    assert [p.title for p in response.context["publications"]] == ["Newer work", "Older work"]
    html = response.content.decode()
    assert 'href="https://doi.org/10.5555/older"' in html
    assert "2019 · NeurIPS" in html


def test_applicant_sees_their_list_and_the_link(client, author, applied):
    client.force_login(author)

    response = client.get(reverse("reviews:application_detail", args=[applied.code]))

    assert len(response.context["publications"]) == 2
    assert "Add your publications: they improve matching" in response.content.decode()


def test_application_form_links_to_the_list(client, author):
    workshop = WorkshopFactory()
    client.force_login(author)

    html = client.get(reverse("reviews:application_apply", args=[workshop.code])).content.decode()

    assert f'href="{reverse("expertise:publication_list")}"' in html


def test_staff_application_list_counts_publications(client, staff, applied):
    ReviewerApplicationFactory(workshop=applied.workshop)
    client.force_login(staff)

    response = client.get(reverse("reviews:staff_application_list", args=[applied.workshop.code]))

    counts = {a.user_id: a.publication_count for a in response.context["page"].object_list}
    assert counts[applied.user_id] == 2
    assert sorted(counts.values()) == [0, 2]


# --- rules -------------------------------------------------------------------------------
def test_rules(author, outsider, staff, make_publication):
    publication = make_publication(author)

    assert has_perm(author, "expertise.edit_publication", publication)
    assert has_perm(author, "expertise.remove_publication", publication)
    assert not has_perm(outsider, "expertise.edit_publication", publication)
    assert not has_perm(staff, "expertise.remove_publication", publication)
    assert has_perm(author, "expertise.see_publications_of", author)
    assert has_perm(staff, "expertise.see_publications_of", author)
    assert not has_perm(outsider, "expertise.see_publications_of", author)
