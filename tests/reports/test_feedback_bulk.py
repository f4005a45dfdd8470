"""Bulk feedback reports: one request for every organisation, the cohort computed once per
worker process but never served stale, a fixed number of queries per report, and one
file per job whatever the attempts."""

from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.utils import timezone

from portal.models import Organisation
from reports.data import annex, feedback_data
from reports.jobs import worker
from reports.jobs.types import BuildResult
from reports.models import ReportJob
from reports.services import report_jobs
from reviews.models import Review
from submissions.models import Submission
from tests.audit_support import audit_event_queries
from tests.factories import (
    CriteriaSetFactory,
    CriterionScoreFactory,
    ReviewFactory,
    SubmissionFactory,
    WorkshopFactory,
)

Kind = ReportJob.Kind
State = ReportJob.State


def _reviewed_workshop(*, organisations: int, evaluations_each: int = 1):
    """A workshop whose organisations each have evaluations with one submitted review."""
    workshop = WorkshopFactory()
    criteria_set = CriteriaSetFactory(workshop=workshop)
    for n in range(organisations):
        organisation = Organisation.objects.create(name=f"Lab {n:02d}", type="research")
        for _ in range(evaluations_each):
            submission = SubmissionFactory(workshop=workshop, organisation=organisation)
            review = ReviewFactory(
                assignment__submission=submission,
                criteria_set=criteria_set,
                state=Review.State.SUBMITTED,
            )
            CriterionScoreFactory(review=review, level=2 + n % 2)
    return workshop


@pytest.mark.parametrize("organisations", [2, 6])
def test_feedback_for_all_is_a_fixed_number_of_queries(
    organisations, staff, django_assert_num_queries, django_capture_on_commit_callbacks
):
    workshop = _reviewed_workshop(organisations=organisations)

    with (
        mock.patch("reports.services.report_jobs._enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
        # Organisations, savepoint, workshop lock, active jobs, one insert, one audit event
        # for the lot, release.
        django_assert_num_queries(6 + audit_event_queries()),
    ):
        jobs = report_jobs.report_jobs_request_feedback(workshop=workshop, params={}, user=staff)

    assert [job.organisation.name for job in jobs] == [f"Lab {n:02d}" for n in range(organisations)]
    assert sorted(call.args[0] for call in enqueue.call_args_list) == sorted(j.pk for j in jobs)
    assert ReportJob.objects.filter(workshop=workshop, state=State.QUEUED).count() == organisations


def test_feedback_for_all_twice_queues_nothing_new(staff, django_capture_on_commit_callbacks):
    workshop = _reviewed_workshop(organisations=3)
    with mock.patch("reports.services.report_jobs._enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            first = report_jobs.report_jobs_request_feedback(
                workshop=workshop, params={}, user=staff
            )
        with django_capture_on_commit_callbacks(execute=True):
            second = report_jobs.report_jobs_request_feedback(
                workshop=workshop, params={}, user=staff
            )

    assert [job.pk for job in second] == [job.pk for job in first]
    assert enqueue.call_count == 3
    assert ReportJob.objects.filter(workshop=workshop).count() == 3


def test_feedback_for_all_sends_again_a_job_lost_in_the_queue(
    staff, django_capture_on_commit_callbacks
):
    workshop = _reviewed_workshop(organisations=2)
    with mock.patch("reports.services.report_jobs._enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            lost, waiting = report_jobs.report_jobs_request_feedback(
                workshop=workshop, params={}, user=staff
            )
        ReportJob.objects.filter(pk=lost.pk).update(
            created_at=timezone.now() - report_jobs.REQUEUE_AFTER - timedelta(seconds=1)
        )
        enqueue.reset_mock()
        with django_capture_on_commit_callbacks(execute=True):
            again = report_jobs.report_jobs_request_feedback(
                workshop=workshop, params={}, user=staff
            )

    assert [job.pk for job in again] == [lost.pk, waiting.pk]
    assert [call.args[0] for call in enqueue.call_args_list] == [lost.pk]


def test_feedback_for_all_keeps_a_job_an_organisation_already_has(
    staff, django_capture_on_commit_callbacks
):
    workshop = _reviewed_workshop(organisations=2)
    organisation = Organisation.objects.get(name="Lab 01")
    with mock.patch("reports.services.report_jobs._enqueue"):
        single = report_jobs.report_job_request(
            workshop=workshop, kind=Kind.FEEDBACK, params={}, user=staff, organisation=organisation
        )
        with django_capture_on_commit_callbacks(execute=True):
            jobs = report_jobs.report_jobs_request_feedback(
                workshop=workshop, params={}, user=staff
            )

    assert jobs[1].pk == single.pk
    assert ReportJob.objects.filter(workshop=workshop, organisation=organisation).count() == 1


def _cohort_mean(data, code: str) -> float:
    return next(item.stats.mean for item in data.cohort if item.criterion.code == code)


def test_cohort_follows_a_changed_review(scored_workshop):
    annex._COHORT_CACHE.clear()
    workshop = scored_workshop["workshop"]
    s1 = scored_workshop["submissions"]["S1"]
    before = feedback_data(workshop=workshop, organisation=s1.organisation)
    score = scored_workshop["scores"][("S3", 0, "REL-1")]  # level 1 -> 4

    score.level = 4
    score.save()
    review = score.review
    review.revision += 1
    review.save()  # as the review services do with every change: updated_at moves
    after = feedback_data(workshop=workshop, organisation=s1.organisation)

    # REL-1 over S1-S3: 24 / 9 before, 27 / 9 after.
    assert (round(_cohort_mean(before, "REL-1"), 2), _cohort_mean(after, "REL-1")) == (2.67, 3.0)


def test_cohort_follows_a_changed_confidentiality(scored_workshop):
    annex._COHORT_CACHE.clear()
    workshop = scored_workshop["workshop"]
    s1 = scored_workshop["submissions"]["S1"]
    before = feedback_data(workshop=workshop, organisation=s1.organisation)
    s3 = scored_workshop["submissions"]["S3"]

    s3.confidentiality = Submission.Confidentiality.AI_OFFICE_ONLY
    s3.save()
    after = feedback_data(workshop=workshop, organisation=s1.organisation)

    assert (before.cohort_evaluations, after.cohort_evaluations) == (3, 2)
    # REL-1 over S1-S2: 16 / 6.
    assert round(_cohort_mean(after, "REL-1"), 2) == 2.67
    assert after.cohort[0].evaluations == 2


def test_cohort_is_computed_once_for_many_reports(scored_workshop):
    annex._COHORT_CACHE.clear()
    workshop = scored_workshop["workshop"]
    with mock.patch.object(annex, "score_stats", wraps=annex.score_stats) as stats:
        for key in ("S1", "S2", "S3"):
            feedback_data(
                workshop=workshop, organisation=scored_workshop["submissions"][key].organisation
            )

    assert stats.call_count == 3  # once per criterion, for the first report only


@pytest.mark.parametrize("evaluations", [1, 4])
def test_feedback_data_is_a_fixed_number_of_queries(
    db, evaluations, django_assert_num_queries, settings
):
    settings.REPORT_MIN_GROUP_SIZE = 1
    workshop = _reviewed_workshop(organisations=2, evaluations_each=evaluations)
    organisation = Organisation.objects.get(name="Lab 00")
    feedback_data(workshop=workshop, organisation=organisation)  # the cohort, once

    # Versions, criteria, submissions' last change, own scores, evaluations,
    # justifications, reviews, reviewer labels, final consolidated assessments, remarks.
    with django_assert_num_queries(10):
        data = feedback_data(workshop=workshop, organisation=organisation)

    assert len(data.entries) == evaluations
    assert [entry.columns[0].label for entry in data.entries] == ["Reviewer A"] * evaluations


def test_feedback_data_for_a_version_without_reviews(scored_workshop):
    workshop = scored_workshop["workshop"]
    newer = CriteriaSetFactory(
        workshop=workshop, version=scored_workshop["criteria_set"].version + 1
    )

    data = feedback_data(
        workshop=workshop,
        organisation=scored_workshop["submissions"]["S1"].organisation,
        version=newer.version,
    )

    assert (data.criteria_set, data.entries, data.cohort_evaluations) == (newer, [], 0)
    assert [c.code for c in data.criteria] == ["REL-1", "VAL-1", "ELI-2"]


def test_attempt_that_lost_its_claim_leaves_no_file(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = report_jobs.report_job_request(
        workshop=WorkshopFactory(), kind=Kind.PUBLIC_SUMMARY, params={}, user=None
    )
    worker.report_job_claim(job_id=job.pk, delivery="task-1")
    worker.report_job_claim(job_id=job.pk, delivery="task-1")  # the message came back
    result = BuildResult(
        content=b"%PDF-1.7", file_name="x.pdf", content_type="application/pdf", snapshot={}
    )

    assert worker.report_job_finish(job_id=job.pk, attempt=1, result=result) is False
    assert worker.report_job_finish(job_id=job.pk, attempt=2, result=result) is True
    job.refresh_from_db()
    assert [path.name for path in (tmp_path / "reports").iterdir()] == [
        job.file.name.rsplit("/", 1)[-1]
    ]


def test_claim_reads_workshop_and_organisation_with_the_job(
    scored_workshop, django_assert_num_queries
):
    organisation = scored_workshop["submissions"]["S1"].organisation
    with mock.patch("reports.services.report_jobs._enqueue"):
        job = report_jobs.report_job_request(
            workshop=scored_workshop["workshop"],
            kind=Kind.FEEDBACK,
            params={},
            user=None,
            organisation=organisation,
        )

    # Savepoint, the locked read, the update, release.
    with django_assert_num_queries(4):
        claimed = worker.report_job_claim(job_id=job.pk, delivery="task-1")
        names = (claimed.workshop.title, claimed.organisation.name)

    assert names == (scored_workshop["workshop"].title, "Open Lab")


def test_worker_keeps_a_sound_connection_between_tasks():
    from portal import celery

    with mock.patch("django.db.close_old_connections") as close_old:
        celery._close_old_connections(task=SimpleNamespace(request=SimpleNamespace(is_eager=True)))
        assert close_old.call_count == 0
        celery._close_old_connections(task=SimpleNamespace(request=SimpleNamespace(is_eager=False)))
        assert close_old.call_count == 1
    assert celery.app.conf.db_reuse_max == 500
