"""A real worker process dies while building a report: the job is picked up again and
completes once, with one file; a job that kills its worker every time ends failed.

This starts its own worker (prefork pool, one child, its own queue) rather than using the
session's solo worker: the crash kills a pool *child*, the parent sees the lost worker
and, with acks_late and reject_on_worker_lost, puts the message back on the queue, as in
production. The session's worker never sees this queue.
"""

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from portal.models import AuditEvent
from reports.jobs.worker import MAX_ATTEMPTS
from reports.models import ReportJob
from reports.services.report_jobs import report_job_request
from tests.factories import WorkshopFactory
from tests.worker import (
    _celery_executable,
    _ensure_broker_folders,
    _stop,
    _wait_until_ready,
    database_url_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.slow]

QUEUE = f"reports-crash-test-{os.getpid()}"
WAIT_SECONDS = 120


@pytest.fixture(scope="session")
def crash_worker(django_db_setup, tmp_path_factory):
    from django.db import connection

    media = tmp_path_factory.mktemp("crash-media")
    var_dir = Path(settings.VAR_DIR)
    (var_dir / "log").mkdir(parents=True, exist_ok=True)
    _ensure_broker_folders()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url_for(connection.settings_dict),
        DATABASE_CONN_MAX_AGE="0",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        PORTAL_VAR_DIR=str(var_dir),
        DJANGO_MEDIA_ROOT=str(media),
        PYTHONUNBUFFERED="1",
    )
    log_path = var_dir / "log" / "test-reports-crash-worker.log"
    command = [
        _celery_executable(),
        "-A",
        "tests.reports.crash_worker",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--queues",
        QUEUE,
        "--loglevel",
        "INFO",
        "--hostname",
        f"reports-crash-{os.getpid()}@%h",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
    ]
    with log_path.open("w") as log_file:
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(process, log_path)
        yield {"process": process, "log_path": log_path, "media": media}
    finally:
        _stop(process)


@pytest.fixture
def routed(crash_worker, settings, monkeypatch):
    """Jobs requested in the test go to the crash worker's queue. Explicitly per message:
    Celery caches its router, so changing task_routes after the first send does nothing."""
    from reports.services import report_jobs
    from reports.tasks import task_build_report

    settings.MEDIA_ROOT = crash_worker["media"]
    monkeypatch.setattr(
        report_jobs,
        "_enqueue",
        lambda job_id: task_build_report.apply_async(kwargs={"job_id": job_id}, queue=QUEUE),
    )
    return crash_worker


def _wait_for_end(job: ReportJob, worker) -> ReportJob:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (ReportJob.State.DONE, ReportJob.State.FAILED):
            return job
        time.sleep(0.5)
    pytest.fail(
        f"Job still {job.state} after {WAIT_SECONDS} s. Worker log:\n"
        f"{worker['log_path'].read_text(errors='replace')[-4000:]}"
    )


def _report_files(media: Path) -> list[Path]:
    folder = media / "reports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_report_survives_a_worker_crash_and_completes_once(transactional_db, routed, staff):
    workshop = WorkshopFactory(title="Workshop [crash-once]")
    before = _report_files(routed["media"])

    job = report_job_request(
        workshop=workshop, kind=ReportJob.Kind.PUBLIC_SUMMARY, params={}, user=staff
    )
    job = _wait_for_end(job, routed)

    log = routed["log_path"].read_text(errors="replace")
    assert job.state == ReportJob.State.DONE, job.error
    assert job.attempts == 2
    assert "exitcode 1" in log
    assert routed["process"].poll() is None
    files = [path for path in _report_files(routed["media"]) if path not in before]
    assert [path.name for path in files] == [Path(job.file.name).name]
    assert files[0].read_bytes().startswith(b"%PDF-")
    # Built once, by the task (the system actor), for the staff member who asked.
    built = AuditEvent.objects.get(action="report.built", object_code=job.code)
    assert (built.actor_id, built.actor_system) == (None, "task:reports.tasks.task_build_report")
    assert (built.details["attempt"], built.details["requested_by"]) == (2, staff.pk)


def test_job_that_kills_its_worker_every_time_ends_failed(transactional_db, routed, staff):
    workshop = WorkshopFactory(title="Workshop [crash-always]")

    job = report_job_request(
        workshop=workshop, kind=ReportJob.Kind.PUBLIC_SUMMARY, params={}, user=staff
    )
    job = _wait_for_end(job, routed)

    assert job.state == ReportJob.State.FAILED
    assert job.attempts == MAX_ATTEMPTS
    assert job.error.startswith(f"Gave up after {MAX_ATTEMPTS} attempts")
    assert not job.file
    failed = AuditEvent.objects.get(action="report.failed", object_code=job.code)
    assert failed.actor_system == "task:reports.tasks.task_build_report"
    assert (failed.details["gave_up"], failed.details["attempts"]) == (True, MAX_ATTEMPTS)


def test_a_worker_loads_the_report_libraries_when_it_starts():
    """worker_init (sent in the main worker process, before the pool forks) loads
    WeasyPrint and matplotlib, so no child pays for them on its first report. In a fresh
    interpreter: the test process has long imported both."""
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import sys, django; django.setup()\n"
        "import reports.tasks\n"
        "from celery.signals import worker_init\n"
        "before = {m for m in ('matplotlib', 'weasyprint') if m in sys.modules}\n"
        "worker_init.send(sender=None)\n"
        "after = {m for m in ('matplotlib', 'weasyprint') if m in sys.modules}\n"
        "print(sorted(before), sorted(after))\n"
    )
    output = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert output.strip().splitlines()[-1] == "[] ['matplotlib', 'weasyprint']"
