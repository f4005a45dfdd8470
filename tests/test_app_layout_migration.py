"""Automatic assignment and the reports moved out of the reviews app (assignment 0001,
reports 0001, reviews 0202 and 0203) with their tables: rows written through the old
layout's historical models are the same rows, read through the new apps' models, and their
content types (with the permissions and admin log entries on them) follow.

Runs on SQLite and, in CI, on PostgreSQL (DATABASE_URL)."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assignment.models import AssignmentRun, Bid, ProposedPair
from reports.models import CriterionNote, FeedbackRemark, QuoteSelection, ReportJob, WorkshopSummary
from tests.factories import (
    CompleteSubmissionFactory,
    CriterionScoreFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEFORE_THE_MOVE = ("reviews", "0201_report_edits_and_retention")
MOVED = {
    "assignment": ["assignmentrun", "bid", "proposedpair"],
    "reports": [
        "criterionnote",
        "feedbackremark",
        "quoteselection",
        "reportjob",
        "workshopsummary",
    ],
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_layout():
    """The database migrated back to before the move (the new apps unapplied), and the old
    layout's historical models; migrated forward to the latest again afterwards, whatever
    the test did, so that the tests after it find the schema they expect."""
    latest = _latest()
    executor = _migrate([BEFORE_THE_MOVE, ("assignment", None), ("reports", None)])
    try:
        yield executor.loader.project_state(BEFORE_THE_MOVE).apps
    finally:
        _migrate(latest)


def test_moved_models_keep_their_rows_and_content_types(old_layout):
    score = CriterionScoreFactory()
    submission = score.review.assignment.submission
    workshop = submission.workshop
    reviewer = score.review.assignment.reviewer
    staff = UserFactory(email="staff-member@example.org")
    organisation = OrganisationFactory(name="Remarked Lab")
    other = CompleteSubmissionFactory(workshop=workshop, state="eligible")
    types_before = {
        (app, model): ContentType.objects.get(app_label="reviews", model=model).pk
        for app, models in MOVED.items()
        for model in models
    }
    old = old_layout

    bid = old.get_model("reviews", "Bid").objects.create(
        workshop_id=workshop.pk, submission_id=other.pk, reviewer_id=reviewer.pk, value="eager"
    )
    run = old.get_model("reviews", "AssignmentRun").objects.create(
        code="run000000001",
        workshop_id=workshop.pk,
        created_by_id=staff.pk,
        state="done",
        progress=100,
        settings={"k": 2},
        summary={"objective": 1.5},
    )
    pair = old.get_model("reviews", "ProposedPair").objects.create(
        run_id=run.pk,
        submission_id=other.pk,
        reviewer_id=reviewer.pk,
        score=0.75,
        why={"bid": "eager"},
        kept=True,
        origin="staff",
    )
    finished = timezone.now() - timedelta(days=1)
    job = old.get_model("reviews", "ReportJob").objects.create(
        code="job000000001",
        workshop_id=workshop.pk,
        kind="feedback",
        organisation_id=organisation.pk,
        params={"language": "en"},
        params_hash="a" * 64,
        state="done",
        progress=100,
        attempts=1,
        file="reports/abc.pdf",
        file_name="feedback.pdf",
        content_type="application/pdf",
        file_size=1234,
        page_count=3,
        snapshot={"evaluations": 1},
        created_by_id=staff.pk,
        finished_at=finished,
        released_at=finished,
        released_by_id=staff.pk,
    )
    summary = old.get_model("reviews", "WorkshopSummary").objects.create(
        workshop_id=workshop.pk, executive_summary_md="# Summary", insights_md="Insights"
    )
    note = old.get_model("reviews", "CriterionNote").objects.create(
        workshop_id=workshop.pk, criterion_code="REL-1", notes_md="Agreed.", updated_by_id=staff.pk
    )
    quote = old.get_model("reviews", "QuoteSelection").objects.create(
        code="quote0000001",
        workshop_id=workshop.pk,
        score_id=score.pk,
        position=2,
        selected_by_id=staff.pk,
        edited_text="Shortened.",
        revision=3,
    )
    remark = old.get_model("reviews", "FeedbackRemark").objects.create(
        workshop_id=workshop.pk,
        organisation_id=organisation.pk,
        remarks_md="Well done.",
        revision=2,
    )
    bid_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="reviews", model="bid"
    )
    # The admin log is not in the old layout's state; its table is the same.
    LogEntry.objects.create(
        user_id=staff.pk,
        content_type_id=bid_type.pk,
        object_id=str(bid.pk),
        object_repr="bid",
        action_flag=CHANGE,
    )

    _migrate(_latest())

    assert Bid.objects.values_list("pk", "workshop", "submission", "reviewer", "value").get() == (
        bid.pk,
        workshop.pk,
        other.pk,
        reviewer.pk,
        "eager",
    )
    moved_run = AssignmentRun.objects.get()
    assert (moved_run.pk, moved_run.code, moved_run.workshop, moved_run.created_by) == (
        run.pk,
        "run000000001",
        workshop,
        staff,
    )
    assert (moved_run.state, moved_run.settings, moved_run.summary) == (
        "done",
        {"k": 2},
        {"objective": 1.5},
    )
    assert list(moved_run.pairs.values_list("pk", "submission", "reviewer", "score", "why")) == [
        (pair.pk, other.pk, reviewer.pk, 0.75, {"bid": "eager"})
    ]
    assert ProposedPair.objects.get().origin == "staff"
    moved_job = ReportJob.objects.get()
    assert (moved_job.pk, moved_job.code, moved_job.organisation, moved_job.released_by) == (
        job.pk,
        "job000000001",
        organisation,
        staff,
    )
    assert (moved_job.file.name, moved_job.file_size, moved_job.finished_at) == (
        "reports/abc.pdf",
        1234,
        finished,
    )
    assert WorkshopSummary.objects.values_list("pk", "workshop", "executive_summary_md").get() == (
        summary.pk,
        workshop.pk,
        "# Summary",
    )
    assert CriterionNote.objects.values_list("pk", "criterion_code", "updated_by").get() == (
        note.pk,
        "REL-1",
        staff.pk,
    )
    moved_quote = QuoteSelection.objects.get()
    assert (moved_quote.pk, moved_quote.score, moved_quote.edited_text, moved_quote.revision) == (
        quote.pk,
        score,
        "Shortened.",
        3,
    )
    assert FeedbackRemark.objects.values_list("pk", "organisation", "remarks_md").get() == (
        remark.pk,
        organisation.pk,
        "Well done.",
    )
    types_after = {
        (app, model): ContentType.objects.get(app_label=app, model=model).pk
        for app, models in MOVED.items()
        for model in models
    }
    assert types_after == types_before
    assert not ContentType.objects.filter(
        app_label="reviews", model__in=[m for models in MOVED.values() for m in models]
    ).exists()
    assert Permission.objects.get(codename="view_bid").content_type.app_label == "assignment"
    assert Permission.objects.get(codename="view_reportjob").content_type.app_label == "reports"
    assert LogEntry.objects.get().get_edited_object() == Bid.objects.get()
