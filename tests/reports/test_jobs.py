"""The life of a report job: de-duplication, claiming, attempts, failure and retry."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from reports.jobs import worker
from reports.jobs.types import BuildResult, JobSuperseded
from reports.models import ReportJob
from reports.params import report_params_hash
from reports.services import report_jobs
from tests.factories import WorkshopFactory

Kind = ReportJob.Kind
State = ReportJob.State


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Jobs workshop")


def _request(workshop, user=None, **params):
    return report_jobs.report_job_request(
        workshop=workshop, kind=Kind.PUBLIC_SUMMARY, params=params, user=user
    )


def test_request_twice_returns_the_same_queued_job(
    workshop, staff, django_capture_on_commit_callbacks
):
    with mock.patch("reports.services.report_jobs._enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            first = _request(workshop, staff)
        with django_capture_on_commit_callbacks(execute=True):
            second = _request(workshop, staff)

    assert second.pk == first.pk
    assert ReportJob.objects.count() == 1
    assert enqueue.call_count == 1


def test_request_with_other_params_is_another_job(workshop, staff):
    first = _request(workshop, staff)
    second = _request(workshop, staff, include_ai_office_only=True)

    assert second.pk != first.pk


def test_request_after_the_job_is_done_queues_a_new_one(workshop, staff):
    first = _request(workshop, staff)
    ReportJob.objects.filter(pk=first.pk).update(state=State.DONE)

    second = _request(workshop, staff)

    assert second.pk != first.pk


def test_two_clicks_on_generate_queue_one_job(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = reverse("reports:generate", args=[workshop.code])
    data = {"kind": Kind.PUBLIC_SUMMARY, "language": "en"}
    with mock.patch("reports.services.report_jobs._enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, data)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, data)

    assert ReportJob.objects.filter(workshop=workshop).count() == 1
    assert enqueue.call_count == 1


def test_database_refuses_a_second_active_job_with_the_same_params(workshop):
    params = {"include_ai_office_only": False, "criteria_set_version": None, "language": "en"}
    digest = report_params_hash(params)
    ReportJob.objects.create(
        workshop=workshop, kind=Kind.PUBLIC_SUMMARY, params=params, params_hash=digest
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJob.objects.create(
            workshop=workshop, kind=Kind.PUBLIC_SUMMARY, params=params, params_hash=digest
        )


def test_claim_takes_a_queued_job_and_counts_the_attempt(workshop):
    job = _request(workshop)

    claimed = worker.report_job_claim(job_id=job.pk, delivery="task-1")

    assert (claimed.state, claimed.attempts, claimed.claimed_by) == (State.RUNNING, 1, "task-1")


def test_claim_leaves_a_done_job_alone(workshop):
    job = _request(workshop)
    ReportJob.objects.filter(pk=job.pk).update(state=State.DONE, attempts=1)

    assert worker.report_job_claim(job_id=job.pk, delivery="task-1") is None
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.DONE, 1)


def test_claim_leaves_a_job_another_delivery_is_working_on(workshop):
    job = _request(workshop)
    worker.report_job_claim(job_id=job.pk, delivery="task-1")

    assert worker.report_job_claim(job_id=job.pk, delivery="task-2") is None
    job.refresh_from_db()
    assert (job.attempts, job.claimed_by) == (1, "task-1")


def test_claim_by_a_redelivery_of_the_same_message_takes_the_job_over(workshop):
    job = _request(workshop)
    worker.report_job_claim(job_id=job.pk, delivery="task-1")

    claimed = worker.report_job_claim(job_id=job.pk, delivery="task-1")

    assert claimed.attempts == 2


def test_claim_takes_over_a_job_with_a_stale_heartbeat(workshop):
    job = _request(workshop)
    worker.report_job_claim(job_id=job.pk, delivery="task-1")
    ReportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - worker.STALE_AFTER - timedelta(seconds=1)
    )

    claimed = worker.report_job_claim(job_id=job.pk, delivery="task-2")

    assert (claimed.attempts, claimed.claimed_by) == (2, "task-2")


def test_poison_job_fails_after_the_last_attempt(workshop):
    job = _request(workshop)
    for _attempt in range(worker.MAX_ATTEMPTS):
        assert worker.report_job_claim(job_id=job.pk, delivery="task-1") is not None

    assert worker.report_job_claim(job_id=job.pk, delivery="task-1") is None
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.attempts == worker.MAX_ATTEMPTS
    assert job.error.startswith("Gave up after 3 attempts")


def test_attempt_that_lost_its_claim_cannot_finish(workshop):
    job = _request(workshop)
    worker.report_job_claim(job_id=job.pk, delivery="task-1")
    worker.report_job_claim(job_id=job.pk, delivery="task-1")  # the message came back
    result = BuildResult(
        content=b"%PDF-1.7", file_name="x.pdf", content_type="application/pdf", snapshot={}
    )

    assert worker.report_job_finish(job_id=job.pk, attempt=1, result=result) is False
    with pytest.raises(JobSuperseded):
        worker.report_job_progress(job_id=job.pk, attempt=1, progress=50)
    assert worker.report_job_finish(job_id=job.pk, attempt=2, result=result) is True
    assert worker.report_job_finish(job_id=job.pk, attempt=2, result=result) is False
    job.refresh_from_db()
    assert (job.state, job.progress, job.file_size) == (State.DONE, 100, 8)


def test_builder_error_fails_the_job_with_its_reason(
    workshop, staff, django_capture_on_commit_callbacks
):
    with (
        mock.patch("reports.builders.build_report", side_effect=ValueError("template broke")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = _request(workshop, staff)

    job.refresh_from_db()
    assert (job.state, job.error, job.attempts) == (State.FAILED, "ValueError: template broke", 1)


def test_transient_error_is_retried_up_to_the_attempt_limit(
    workshop, django_capture_on_commit_callbacks
):
    with (
        mock.patch("reports.builders.build_report", side_effect=OSError("disk full")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = _request(workshop)

    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (State.FAILED, 3, "OSError: disk full")


def test_a_failure_to_store_the_file_is_retried_and_the_job_completes(
    scored_workshop, django_capture_on_commit_callbacks, settings, tmp_path
):
    from django.core.files.storage import FileSystemStorage

    settings.MEDIA_ROOT = tmp_path
    original = FileSystemStorage._save
    calls = []

    def disk_full_once(storage, name, content):
        calls.append(name)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return original(storage, name, content)

    with (
        mock.patch.object(FileSystemStorage, "_save", disk_full_once),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = _request(scored_workshop["workshop"])

    job.refresh_from_db()
    assert (job.state, job.attempts, job.progress) == (State.DONE, 2, 100)
    with job.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    assert len(calls) == 2


def test_staff_retry_of_a_failed_job_builds_it(
    scored_workshop, staff, client, django_capture_on_commit_callbacks
):
    workshop = scored_workshop["workshop"]
    with (
        mock.patch("reports.builders.build_report", side_effect=ValueError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = _request(workshop, staff)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[workshop.code, job.code]))

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (State.DONE, 1, "")
    assert job.snapshot["evaluations"] == 3


def test_retry_of_a_job_that_is_not_failed_is_refused(workshop, staff):
    job = _request(workshop, staff)

    with pytest.raises(ValidationError):
        report_jobs.report_job_retry(job=job, user=staff)


def test_status_endpoint_reports_progress(client, staff, workshop):
    job = _request(workshop, staff)
    ReportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, progress=40)
    client.force_login(staff)

    response = client.get(reverse("reports:status", args=[workshop.code, job.code]))

    data = response.json()
    assert (data["state"], data["progress"], data["download_url"]) == ("running", 40, "")


def test_index_page_shows_an_accessible_progress_bar(client, staff, workshop):
    job = _request(workshop, staff)
    ReportJob.objects.filter(pk=job.pk).update(state=State.RUNNING, progress=40)
    client.force_login(staff)

    response = client.get(reverse("reports:index", args=[workshop.code]))

    html = response.content.decode()
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="40"' in html
    assert 'aria-live="polite"' in html
    assert "portal/job-progress.js" in html
    assert " style=" not in html
    assert "<script>" not in html


def test_request_again_resends_a_job_queued_long_ago(workshop, django_capture_on_commit_callbacks):
    with mock.patch("reports.services.report_jobs._enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            job = _request(workshop)
        ReportJob.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - report_jobs.REQUEUE_AFTER - timedelta(seconds=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            again = _request(workshop)

    assert again.pk == job.pk
    assert enqueue.call_count == 2


def test_staff_may_retry_a_job_whose_worker_was_lost(workshop, staff):
    job = _request(workshop, staff)
    worker.report_job_claim(job_id=job.pk, delivery="task-1")
    ReportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - worker.STALE_AFTER - timedelta(seconds=1)
    )
    job.refresh_from_db()

    retried = report_jobs.report_job_retry(job=job, user=staff)

    assert (retried.state, retried.attempts, retried.claimed_by) == (State.QUEUED, 0, "")
