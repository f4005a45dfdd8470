"""Retention of report files: a deleted job takes its file along once the deletion
commits; staff delete reports they no longer need; a daily task deletes old ones, keeping
the newest of each report and what organisations can download."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.celery import app as celery_app
from reports.jobs.retention import report_jobs_purge
from reports.models import ReportJob
from reports.tasks import task_purge_old_reports
from tests.factories import OrganisationFactory, WorkshopFactory

Kind = ReportJob.Kind
State = ReportJob.State


@pytest.fixture
def workshop(db):
    return WorkshopFactory()


def _job(
    workshop,
    *,
    kind=Kind.PUBLIC_SUMMARY,
    state=State.DONE,
    age_days=0,
    params_hash="same",
    organisation=None,
    released=False,
) -> ReportJob:
    """A job with a real file in MEDIA_ROOT, created `age_days` ago."""
    when = timezone.now() - timedelta(days=age_days)
    job = ReportJob(
        workshop=workshop,
        kind=kind,
        organisation=organisation,
        params_hash=params_hash,
        state=state,
        finished_at=when if state in (State.DONE, State.FAILED) else None,
        released_at=when if released else None,
        file_name="report.pdf",
    )
    if state == State.DONE:
        job.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    job.save()
    ReportJob.objects.filter(pk=job.pk).update(created_at=when)
    return job


def _path(job) -> Path:
    return Path(settings.MEDIA_ROOT) / job.file.name


def _alive(*jobs) -> list[bool]:
    existing = set(ReportJob.objects.values_list("pk", flat=True))
    return [job.pk in existing and _path(job).exists() for job in jobs]


# --- the file goes with its row -----------------------------------------------------------


def test_deleting_a_job_deletes_its_file_after_commit(workshop, django_capture_on_commit_callbacks):
    job = _job(workshop)
    path = _path(job)

    with django_capture_on_commit_callbacks(execute=True):
        job.delete()
        assert path.exists()  # not yet: the deletion might still roll back

    assert not path.exists()


def test_rolled_back_deletion_keeps_the_file(workshop, django_capture_on_commit_callbacks):
    job = _job(workshop)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                ReportJob.objects.filter(pk=job.pk).delete()
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    assert callbacks == []
    assert _alive(job) == [True]


def test_deleting_a_workshop_deletes_its_report_files(workshop, django_capture_on_commit_callbacks):
    job = _job(workshop)

    with django_capture_on_commit_callbacks(execute=True):
        workshop.delete()

    assert not _path(job).exists()


# --- staff delete a report ----------------------------------------------------------------


def _delete_url(job):
    return reverse("reports:delete", args=[job.workshop.code, job.code])


def test_staff_confirm_then_delete_a_report(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    job = _job(workshop)
    path = _path(job)
    client.force_login(staff)

    confirm = client.get(_delete_url(job))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_delete_url(job))

    assert confirm.status_code == 200
    assert "Delete this report" in confirm.content.decode()
    assert ReportJob.objects.filter(pk=job.pk).exists() is False
    assert not path.exists()
    assert response["Location"] == reverse("reports:index", args=[workshop.code])


@pytest.mark.parametrize(
    ("state", "released", "message"),
    [
        (State.QUEUED, False, "A report that is queued or being built cannot be deleted."),
        (State.RUNNING, False, "A report that is queued or being built cannot be deleted."),
        (State.DONE, True, "This feedback report is released"),
    ],
)
def test_active_or_released_reports_cannot_be_deleted(
    client, staff, workshop, state, released, message, django_capture_on_commit_callbacks
):
    job = _job(
        workshop,
        kind=Kind.FEEDBACK,
        organisation=OrganisationFactory(),
        state=state,
        released=released,
    )
    client.force_login(staff)

    confirm = client.get(_delete_url(job))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_delete_url(job), follow=True)

    assert message in confirm.content.decode()
    assert "Delete this report" not in confirm.content.decode()
    assert [str(m) for m in response.context["messages"]][0].startswith(message)
    assert ReportJob.objects.filter(pk=job.pk).exists()
    if state == State.DONE:
        assert _path(job).exists()


def test_index_offers_delete_only_for_deletable_reports(client, staff, workshop):
    done = _job(workshop)
    running = _job(workshop, state=State.RUNNING, params_hash="other")
    client.force_login(staff)

    body = client.get(reverse("reports:index", args=[workshop.code])).content.decode()

    assert _delete_url(done) in body
    assert _delete_url(running) not in body


def test_delete_of_another_workshops_report_is_404(client, staff, workshop):
    job = _job(workshop)
    client.force_login(staff)
    url = reverse("reports:delete", args=[WorkshopFactory().code, job.code])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert _alive(job) == [True]


@pytest.mark.parametrize("persona", ["evaluator", "reviewer", "outsider"])
def test_delete_refuses_others(client, request, persona, workshop):
    """404: a job they may not see (the released feedback's members get 403: see
    tests/reports/test_permissions.py)."""
    job = _job(workshop)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_delete_url(job)).status_code == 404
    assert client.post(_delete_url(job)).status_code == 404
    assert _alive(job) == [True]


def test_delete_sends_anonymous_to_login(client, workshop):
    job = _job(workshop)

    response = client.post(_delete_url(job))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert _alive(job) == [True]


# --- the daily purge ----------------------------------------------------------------------


def test_purge_deletes_old_jobs_but_keeps_the_newest_of_each_report(
    workshop, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RETENTION_DAYS = 30
    oldest = _job(workshop, age_days=100)
    older = _job(workshop, age_days=60)
    newest_old = _job(workshop, age_days=40)  # the newest done one of its report: kept
    failed = _job(workshop, state=State.FAILED, age_days=50, params_hash="broken")
    recent = _job(workshop, age_days=5, params_hash="recent")
    recent_older = _job(workshop, age_days=20, params_hash="recent")  # not old enough
    other_kind = _job(workshop, kind=Kind.SCORES_CSV, age_days=200)  # alone in its report

    with django_capture_on_commit_callbacks(execute=True):
        deleted = report_jobs_purge()

    assert deleted == 3
    assert _alive(oldest, older, newest_old, recent, recent_older, other_kind) == [
        False,
        False,
        True,
        True,
        True,
        True,
    ]
    assert not ReportJob.objects.filter(pk=failed.pk).exists()


def test_purge_keeps_the_newest_done_job_even_when_a_newer_one_failed(
    workshop, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RETENTION_DAYS = 30
    done = _job(workshop, age_days=90)
    _job(workshop, state=State.FAILED, age_days=60)

    with django_capture_on_commit_callbacks(execute=True):
        report_jobs_purge()

    assert _alive(done) == [True]


def test_purge_keeps_each_organisations_latest_released_feedback(
    workshop, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RETENTION_DAYS = 30
    organisation = OrganisationFactory()

    def feedback(age, released, params_hash="fb"):
        return _job(
            workshop,
            kind=Kind.FEEDBACK,
            organisation=organisation,
            age_days=age,
            released=released,
            params_hash=params_hash,
        )

    released_old = feedback(300, True)
    released_latest = feedback(200, True, params_hash="fb-en")
    unreleased_newer = feedback(100, False, params_hash="fb-en")  # newest of its report
    superseded = feedback(250, False, params_hash="fb-en")
    released_earlier = feedback(280, True, params_hash="fb-en")  # released, not the latest

    with django_capture_on_commit_callbacks(execute=True):
        report_jobs_purge()

    # released_old is the newest done job of its own report ("fb"): kept by that rule;
    # released_latest only because its organisation's members download it now.
    assert _alive(
        released_old, released_latest, unreleased_newer, superseded, released_earlier
    ) == [True, True, True, False, False]


def test_purge_never_touches_queued_or_running_jobs(
    workshop, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RETENTION_DAYS = 1
    queued = _job(workshop, state=State.QUEUED, age_days=400, params_hash="q")
    running = _job(workshop, state=State.RUNNING, age_days=400, params_hash="r")

    with django_capture_on_commit_callbacks(execute=True):
        assert report_jobs_purge() == 0

    assert ReportJob.objects.filter(pk__in=[queued.pk, running.pk]).count() == 2


def test_purge_task_runs_the_purge_and_is_scheduled_daily(
    workshop, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RETENTION_DAYS = 30
    old = _job(workshop, age_days=100)
    _job(workshop, age_days=1)

    with django_capture_on_commit_callbacks(execute=True):
        task_purge_old_reports.delay()

    assert _alive(old) == [False]
    schedule = celery_app.conf.beat_schedule["purge-old-reports"]
    assert schedule["task"] == task_purge_old_reports.name
    assert schedule["schedule"] == 24 * 3600.0
