"""The OpenReview importer, through the services: preview rows and reasons, exactly what
apply writes, re-imports that update, all-or-nothing apply."""

import hashlib
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assignment.matching.data import load_matching_data
from imports import services
from imports.models import ImportedRecord, ImportedReviewText, ImportRun
from portal.models import Organisation, User
from reviews.models import Assignment, Review, ReviewerApplication
from reviews.selectors.aggregates import (
    reviewers_for_rating,
    submission_aggregates,
    submitted_reviews_of_submission,
    workshop_aggregates,
)
from reviews.selectors.applications import reviewers_of_workshop
from reviews.selectors.progress import reviewer_candidates, workshop_progress_totals
from reviews.selectors.visibility import reviewer_labels
from submissions.models import Submission, SubmissionFile
from tests.factories import ReviewerApplicationFactory
from tests.imports.conftest import (
    PDF_A,
    PDF_B,
    notes_bytes,
    notes_json,
    notes_upload,
    pdfs_upload,
)

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
        ("cComment01", "other", "skip"),
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
        "Not imported: only submissions and official reviews are "
        "(this is a “Official Comment” note)."
    ]
    # Not a submission: no organisation is asked for it on the preview page.
    assert {r["source_id"]: r["kind"] for r in rows}["cComment01"] == "other"
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


# --- mapped official reviews become portal reviews ----------------------------------------

MAPPED = {"rating": "REL-1", "confidence": "VAL-1"}
PLACEHOLDER_EMAIL = re.compile(r"^openreview-[0-9a-f]{12}@imported\.invalid$")


def _fixture_notes() -> list[dict]:
    return json.loads(notes_bytes())


def _second_review(**content) -> dict:
    return {
        "id": "rReview003",
        "forum": "aB3dE5fG7h",
        "replyto": "aB3dE5fG7h",
        "invitations": ["Org/2026/Workshop/Submission12/-/Official_Review"],
        "cdate": 1767484800000,
        "signatures": ["Org/2026/Workshop/Submission12/Reviewer_efgh"],
        "content": {key: {"value": value} for key, value in content.items()},
    }


def _mapped_run(workshop, staff, organisation, notes=None):
    options = {"organisation": organisation.code, "review_field_map": MAPPED}
    data = notes_json(notes) if notes is not None else None
    return _run(workshop, staff, options=options, data=data)


def _levels(review) -> dict[str, int | None]:
    return {s.criterion.code: s.level for s in review.scores.select_related("criterion")}


def test_mapped_review_preview_says_it_becomes_a_review(
    workshop, staff, target_organisation, criteria_set
):
    rows = _rows(_mapped_run(workshop, staff, target_organisation))
    row = rows["rReview001"]
    assert (row["kind"], row["action"]) == ("review", "create")
    assert row["data"]["scores"] == {"REL-1": 3, "VAL-1": 4}
    assert row["data"]["texts"] == {
        "summary": "The uplift study is careful.",
        "strengths": "",
        "main_gaps": "",
    }
    assert PLACEHOLDER_EMAIL.match(row["data"]["reviewer"]["email"])
    assert row["data"]["reviewer"]["name"] == "OpenReview reviewer abcd"
    # A review of a refused submission is refused as a review: its fields were mapped.
    assert (rows["rReview002"]["kind"], rows["rReview002"]["action"]) == ("review", "refuse")


def test_mapped_review_becomes_a_submitted_portal_review(
    workshop, staff, target_organisation, criteria_set
):
    notes = _fixture_notes()
    notes.append(
        _second_review(
            summary="A summary.",
            strengths="Careful design.",
            weaknesses="Small sample.",
            rating="1: poor",
        )
    )
    run = services.import_run_apply(
        run=_mapped_run(workshop, staff, target_organisation, notes), user=staff
    )
    assert run.state == ImportRun.State.APPLIED, run.error
    assert run.result == {"created": 4, "updated": 0, "skipped": 1, "refused": 7}
    submission = Submission.objects.get(title__startswith="Red-teaming")
    first = Review.objects.get(assignment__reviewer__full_name="OpenReview reviewer abcd")
    second = Review.objects.get(assignment__reviewer__full_name="OpenReview reviewer efgh")
    assert Review.objects.count() == 2
    assert first.state == Review.State.SUBMITTED
    assert first.submitted_at.isoformat() == "2026-01-03T00:00:00+00:00"
    assert first.criteria_set == criteria_set
    assert _levels(first) == {"REL-1": 3, "VAL-1": 4}
    assert (first.summary, first.strengths, first.main_gaps) == (
        "The uplift study is careful.",
        "",
        "",
    )
    assert _levels(second) == {"REL-1": 1}
    assert (second.summary, second.strengths, second.main_gaps) == (
        "A summary.",
        "Careful design.",
        "Small sample.",
    )
    assignment = first.assignment
    assert assignment.submission == submission
    assert assignment.source == Assignment.Source.IMPORTED
    assert assignment.state == Assignment.State.ACCEPTED
    # One inactive placeholder per signature, never able to log in.
    placeholders = User.objects.filter(email__endswith="@imported.invalid")
    assert placeholders.count() == 2
    for placeholder in placeholders:
        assert PLACEHOLDER_EMAIL.match(placeholder.email)
        assert not placeholder.is_active
        assert not placeholder.has_usable_password()
        assert not placeholder.reviewer_applications.exists()
    # A version as submit makes it; the set is frozen as after a first submit.
    version = first.versions.get()
    assert version.number == 1
    assert {s["criterion"]: s["level"] for s in version.data["scores"]} == {
        "REL-1": 3,
        "VAL-1": 4,
        "ELI-2": None,
    }
    criteria_set.refresh_from_db()
    assert criteria_set.is_frozen
    # The original is kept too, linked to the review.
    text = ImportedReviewText.objects.get(review=first)
    assert text.content["review"] == "The uplift study is careful."
    assert ImportedReviewText.objects.count() == 2
    assert set(
        ImportedRecord.objects.filter(kind="review").values_list("source_id", "object_code")
    ) == {("rReview001", first.code), ("rReview003", second.code)}


def test_reimport_updates_the_review_without_duplicating(
    workshop, staff, target_organisation, criteria_set
):
    services.import_run_apply(run=_mapped_run(workshop, staff, target_organisation), user=staff)
    review = Review.objects.get()
    placeholder = review.assignment.reviewer
    # The same export again: nothing changed, no new version.
    again = _mapped_run(workshop, staff, target_organisation)
    assert (_rows(again)["rReview001"]["kind"], _rows(again)["rReview001"]["action"]) == (
        "review",
        "update",
    )
    services.import_run_apply(run=again, user=staff)
    assert review.versions.count() == 1
    # A changed rating: the level is updated in place, a second version records it.
    notes = _fixture_notes()
    for note in notes:
        if note["id"] == "rReview001":
            note["content"]["rating"]["value"] = "1: poor"
    run = services.import_run_apply(
        run=_mapped_run(workshop, staff, target_organisation, notes), user=staff
    )
    assert run.result["updated"] == 3
    assert Review.objects.get() == review
    assert Assignment.objects.count() == 1
    assert User.objects.filter(email__endswith="@imported.invalid").get() == placeholder
    assert ImportedReviewText.objects.count() == 1
    review.refresh_from_db()
    assert _levels(review) == {"REL-1": 1, "VAL-1": 4}
    assert list(review.versions.values_list("number", flat=True)) == [1, 2]
    assert review.versions.get(number=2).data["scores"][0]["level"] == 1


def test_unmapped_review_stays_imported_text(workshop, staff, target_organisation, criteria_set):
    options = {"organisation": target_organisation.code, "review_field_map": {"soundness": "REL-1"}}
    run = _run(workshop, staff, options=options)
    assert _rows(run)["rReview001"]["kind"] == "imported_review_text"
    services.import_run_apply(run=run, user=staff)
    assert not Review.objects.exists()
    assert not User.objects.filter(email__endswith="@imported.invalid").exists()
    assert ImportedReviewText.objects.get().review is None


def test_imported_review_counts_in_the_staff_aggregates(
    workshop, staff, target_organisation, criteria_set
):
    services.import_run_apply(run=_mapped_run(workshop, staff, target_organisation), user=staff)
    submission = Submission.objects.get(title__startswith="Red-teaming")
    placeholder = User.objects.get(email__endswith="@imported.invalid")
    (version,) = submission_aggregates(submission=submission)
    assert version.criteria_set == criteria_set
    assert version.reviewer_ids == [placeholder.pk]
    rows = {row.criterion.code: row for row in version.rows}
    assert rows["REL-1"].stats.count == 1
    assert rows["REL-1"].stats.mean == 3
    assert rows["REL-1"].cells[0].level == 3
    assert list(submitted_reviews_of_submission(submission=submission)) == [placeholder.pk]
    assert reviewer_labels(submission=submission) == {placeholder.pk: "Reviewer A"}
    (overview,) = workshop_aggregates(workshop=workshop)
    assert overview.review_count == 1


def test_placeholders_are_never_reviewer_candidates(
    workshop, staff, target_organisation, criteria_set
):
    services.import_run_apply(run=_mapped_run(workshop, staff, target_organisation), user=staff)
    placeholder = User.objects.get(email__endswith="@imported.invalid")
    real = ReviewerApplicationFactory(
        workshop=workshop, state=ReviewerApplication.State.APPROVED
    ).user
    # Even if staff gave the placeholder an approved application by hand, it stays out:
    # every pool reads active accounts only.
    ReviewerApplicationFactory(
        workshop=workshop, user=placeholder, state=ReviewerApplication.State.APPROVED
    )
    assert list(reviewers_of_workshop(workshop=workshop)) == [real]
    assert list(reviewer_candidates(workshop=workshop)) == [real]
    assert list(load_matching_data(workshop=workshop).rev_ids) == [real.pk]
    assert list(reviewers_for_rating(workshop=workshop)) == [real]


def test_staff_pages_show_the_imported_review(
    client, workshop, staff, target_organisation, criteria_set
):
    services.import_run_apply(run=_mapped_run(workshop, staff, target_organisation), user=staff)
    submission = Submission.objects.get(title__startswith="Red-teaming")
    submission.state = Submission.State.ELIGIBLE
    submission.save()
    client.force_login(staff)
    pages = [
        reverse("reviews:aggregate_submission", args=[workshop.code, submission.code]),
        reverse("reviews:staff_submission_reviewers", args=[submission.code]),
        reverse("reviews:staff_progress", args=[workshop.code]) + "?tab=reviewers",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "OpenReview reviewer abcd" in response.content.decode(), url
    progress = client.get(pages[2]).content.decode()
    assert "inactive account" in progress
    assert "no longer approved" not in progress
    totals = workshop_progress_totals(workshop=workshop)
    assert (totals["accepted_count"], totals["submitted_count"]) == (1, 1)
