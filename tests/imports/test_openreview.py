"""The OpenReview importer, through the services: preview rows and reasons, exactly what
apply writes, re-imports that update, all-or-nothing apply."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from imports import services
from imports.models import ImportedRecord, ImportedReviewText, ImportRun
from portal.models import Organisation
from submissions.models import Submission, SubmissionFile
from tests.imports.conftest import PDF_A, PDF_B, notes_json, notes_upload, pdfs_upload

pytestmark = pytest.mark.django_db


def _run(workshop, staff, *, options=None, data=None, files=True):
    run = services.import_run_create(
        workshop=workshop,
        source="openreview",
        data_file=data or notes_upload(),
        files_archive=pdfs_upload() if files else None,
        options=options,
        user=staff,
    )
    return services.import_run_preview(run=run)


def _rows(run):
    # The first row of each note: a duplicate's refusal comes after it.
    rows = {}
    for r in run.preview["rows"]:
        rows.setdefault(r["source_id"], r)
    return rows


def test_preview_rows_actions_and_reasons(workshop, staff, target_organisation):
    run = _run(workshop, staff, options={"organisation": target_organisation.code})
    assert run.state == ImportRun.State.PREVIEWED
    rows = run.preview["rows"]
    actions = [(r["source_id"], r["kind"], r["action"]) for r in rows]
    assert actions == [
        ("aB3dE5fG7h", "submission", "create"),
        ("bC4eF6gH8i", "submission", "create"),
        ("cNoTitle01", "submission", "refuse"),
        ("dMissingPd", "submission", "refuse"),
        ("eNotAPdf01", "submission", "refuse"),
        ("fTooLong01", "submission", "refuse"),
        ("aB3dE5fG7h", "submission", "refuse"),
        ("gBadDate01", "submission", "refuse"),
        ("cComment01", "submission", "skip"),
        ("rReview001", "imported_review_text", "create"),
        ("rReview002", "imported_review_text", "refuse"),
    ]
    assert run.preview["counts"] == {"create": 3, "update": 0, "skip": 1, "refuse": 7}
    reasons = {r["source_id"]: r["reasons"] for r in rows if r["action"] != "create"}
    assert reasons["cNoTitle01"] == ["The note has no title."]
    assert reasons["dMissingPd"] == ["Missing PDF: /pdf/cccc3333.pdf is not among the files."]
    assert reasons["eNotAPdf01"][0].startswith("Invalid file: “dddd4444.pdf”")
    assert reasons["fTooLong01"] == ["Field too long: title has 301 characters, at most 300."]
    assert reasons["gBadDate01"] == [
        "Date unreadable: pdate/cdate must be milliseconds since 1970."
    ]
    assert rows[6]["reasons"] == ["Duplicate: the note aB3dE5fG7h appears twice."]
    assert reasons["cComment01"] == [
        "A Official Comment note: only submissions and official reviews are imported."
    ]
    assert reasons["rReview002"] == ["Its submission (cNoTitle01) is not imported."]
    # A preview writes nothing.
    assert not Submission.objects.exists()
    assert not ImportedRecord.objects.exists()


def test_apply_creates_exactly_what_was_previewed(workshop, staff, target_organisation):
    run = _run(workshop, staff, options={"organisation": target_organisation.code})
    run = services.import_run_apply(run=run, user=staff)
    assert run.state == ImportRun.State.APPLIED, run.error
    assert run.result == {"created": 3, "updated": 0, "skipped": 1, "refused": 7}
    first, second = Submission.objects.order_by("title")
    assert second.title == "Red-teaming cyber-offence uplift in frontier models"
    assert second.keywords == "cyber offence, uplift"
    assert second.abstract == "We measure uplift."
    assert second.state == Submission.State.SUBMITTED
    assert second.submitted_at.isoformat() == "2026-01-01T00:00:00+00:00"
    assert second.organisation == target_organisation
    assert second.contact == staff
    assert second.workshop == workshop
    assert [(a.name, a.affiliation) for a in second.authors.order_by("position")] == [
        ("Ada Lovelace", "Analytical Engines Institute"),
        ("Charles Babbage", ""),
    ]
    assert [a.name for a in first.authors.order_by("position")] == ["Grace Hopper", "Alan Turing"]
    main = SubmissionFile.objects.get(submission=second)
    assert main.kind == SubmissionFile.Kind.MAIN
    assert main.sha256 == hashlib.sha256(PDF_A).hexdigest()
    with main.file.open("rb") as stored:
        assert stored.read() == PDF_A
    assert main.original_name == "aaaa1111.pdf"
    assert SubmissionFile.objects.get(submission=first).sha256 == hashlib.sha256(PDF_B).hexdigest()
    version = second.versions.get()
    assert version.number == 1
    assert list(version.files.all()) == [main]
    text = ImportedReviewText.objects.get()
    assert text.submission == second
    assert text.signature == "Org/2026/Workshop/Submission12/Reviewer_abcd"
    assert text.content["review"] == "The uplift study is careful."
    assert text.scores == {}
    assert set(ImportedRecord.objects.values_list("kind", "source_id", "object_code")) == {
        ("submission", "aB3dE5fG7h", second.code),
        ("submission", "bC4eF6gH8i", first.code),
        ("imported_review_text", "rReview001", text.code),
    }


def test_second_import_updates_instead_of_duplicating(workshop, staff, target_organisation):
    options = {"organisation": target_organisation.code}
    services.import_run_apply(run=_run(workshop, staff, options=options), user=staff)
    again = _run(workshop, staff, options=options)
    rows = _rows(again)
    assert rows["bC4eF6gH8i"]["action"] == "update"
    assert rows["rReview001"]["action"] == "update"
    applied = services.import_run_apply(run=again, user=staff)
    assert applied.result == {"created": 0, "updated": 3, "skipped": 1, "refused": 7}
    assert Submission.objects.count() == 2
    assert ImportedReviewText.objects.count() == 1
    submission = Submission.objects.get(title__startswith="Red-teaming")
    # Same PDF: not stored twice; a second version records the re-import.
    assert submission.files.count() == 1
    assert list(submission.versions.values_list("number", flat=True)) == [1, 2]
    assert submission.authors.count() == 2


def test_withdrawn_in_the_portal_is_skipped_on_reimport(workshop, staff, target_organisation):
    options = {"organisation": target_organisation.code}
    services.import_run_apply(run=_run(workshop, staff, options=options), user=staff)
    Submission.objects.filter(title__startswith="Biosecurity").update(
        state=Submission.State.WITHDRAWN
    )
    rows = _rows(_run(workshop, staff, options=options))
    assert rows["bC4eF6gH8i"]["action"] == "skip"
    assert rows["bC4eF6gH8i"]["reasons"] == [
        "Imported before, and withdrawn in the portal since: left as it is."
    ]


def test_apply_is_all_or_nothing(workshop, staff, target_organisation, monkeypatch):
    run = _run(workshop, staff, options={"organisation": target_organisation.code})

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("imports.sources.openreview._apply_reviews", broken)
    run = services.import_run_apply(run=run, user=staff)
    assert run.state == ImportRun.State.FAILED
    assert "nothing was written" in run.error
    assert not Submission.objects.exists()
    assert not SubmissionFile.objects.exists()
    assert not ImportedRecord.objects.exists()
    assert not Organisation.objects.filter(name="Analytical Engines Institute").exists()


def test_organisation_per_row_new_and_unknown(workshop, staff, target_organisation):
    options = {
        "organisation": target_organisation.code,
        "organisations": {"aB3dE5fG7h": "new", "bC4eF6gH8i": "nosuchcode"},
    }
    run = _run(workshop, staff, options=options)
    rows = _rows(run)
    assert rows["aB3dE5fG7h"]["data"]["organisation"] == {
        "new": {"name": "Analytical Engines Institute", "country": "GB"},
        "name": "Analytical Engines Institute",
    }
    assert rows["bC4eF6gH8i"]["reasons"] == ["Unknown organisation “nosuchcode”."]
    services.import_run_apply(run=run, user=staff)
    made = Organisation.objects.get(name="Analytical Engines Institute")
    assert made.country == "GB"
    assert Submission.objects.get().organisation == made


def test_no_organisation_refuses(workshop, staff):
    rows = _rows(_run(workshop, staff))
    assert rows["bC4eF6gH8i"]["reasons"] == [
        "No organisation chosen: choose one for this row, or a default."
    ]


def test_review_field_map_gives_levels(workshop, staff, target_organisation, criteria_set):
    options = {
        "organisation": target_organisation.code,
        "review_field_map": {"rating": "REL-1", "confidence": "VAL-1"},
    }
    run = _run(workshop, staff, options=options)
    assert _rows(run)["rReview001"]["data"]["scores"] == {"REL-1": 3, "VAL-1": 4}
    services.import_run_apply(run=run, user=staff)
    text = ImportedReviewText.objects.get()
    assert text.scores == {"REL-1": 3, "VAL-1": 4}
    assert text.criteria_set == criteria_set


def test_review_value_outside_levels_refuses(workshop, staff, target_organisation, criteria_set):
    notes = [
        {
            "id": "s1",
            "forum": "s1",
            "invitations": ["V/-/Submission"],
            "cdate": 0,
            "content": {"title": {"value": "S"}},
        },
        {
            "id": "r1",
            "forum": "s1",
            "replyto": "s1",
            "invitations": ["V/Submission1/-/Official_Review"],
            "content": {"rating": {"value": "9: superb"}},
        },
    ]
    options = {
        "organisation": target_organisation.code,
        "review_field_map": {"rating": "REL-1"},
        "without_pdf": True,
    }
    rows = _rows(_run(workshop, staff, options=options, data=notes_json(notes), files=False))
    assert rows["s1"]["action"] == "create"
    assert rows["r1"]["reasons"] == ["rating: “9: superb” is not a level of REL-1 (0, 1, 2, 3, 4)."]


def test_invalid_json_fails_the_preview_with_line_and_column(workshop, staff):
    run = _run(workshop, staff, data=notes_upload(b'[{"id": "x",\n "forum": }]'), files=False)
    assert run.state == ImportRun.State.FAILED
    assert run.error == "“notes.json” is not valid JSON: there is an error on line 2, column 11."


def test_not_a_list_fails_the_preview(workshop, staff):
    run = _run(workshop, staff, data=notes_upload(b'{"id": "x"}'), files=False)
    assert run.state == ImportRun.State.FAILED
    assert "must be a JSON list of notes" in run.error


def test_a_data_file_that_is_not_json_is_refused(workshop, staff):
    with pytest.raises(ValidationError, match="must be a .json file"):
        services.import_run_create(
            workshop=workshop,
            source="openreview",
            data_file=notes_upload(b"a,b\n", name="notes.csv"),
            user=staff,
        )


def test_preview_and_apply_as_jobs_when_large(
    workshop, staff, target_organisation, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        run = _run(workshop, staff, options={"organisation": target_organisation.code})
    run.refresh_from_db()
    assert run.state == ImportRun.State.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        services.import_run_apply(run=run, user=staff)
    run.refresh_from_db()
    assert run.state == ImportRun.State.APPLIED
    assert Submission.objects.count() == 2


def test_apply_refused_unless_previewed(workshop, staff, target_organisation):
    run = _run(workshop, staff, data=notes_upload(b"{}"), files=False)
    with pytest.raises(ValidationError, match="Only a previewed import"):
        services.import_run_apply(run=run, user=staff)


def test_discard(workshop, staff, target_organisation, django_capture_on_commit_callbacks):
    run = _run(workshop, staff, options={"organisation": target_organisation.code})
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_run_discard(run=run)
    assert run.state == ImportRun.State.DISCARDED
    assert not run.data_file.storage.exists(run.data_file.name)


def test_set_options_previews_again(workshop, staff, target_organisation):
    run = _run(workshop, staff)
    assert run.preview["counts"]["create"] == 0
    run = services.import_run_set_options(
        run=run, options={"organisation": target_organisation.code}
    )
    assert run.preview["counts"]["create"] == 3
