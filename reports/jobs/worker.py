"""A report job on the worker's side: what one delivery of task_build_report does.

The claim, the attempts, the heartbeat and the single final write are portal.jobs' (shared
with the data exports); here they are bound to ReportJob and to the report builders.

Requesting, retrying and releasing jobs are the staff's side, in
reports.services.report_jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from portal import jobs
from portal.services.audit import audit_record
from reports.jobs.types import BuildResult
from reports.models import ReportJob

logger = logging.getLogger(__name__)

State = ReportJob.State

MAX_ATTEMPTS = jobs.MAX_ATTEMPTS
# A running job whose heartbeat is older than this is presumed lost. Builders beat at
# every section or evaluation, far more often than this.
STALE_AFTER = jobs.STALE_AFTER
TRANSIENT_ERRORS = jobs.TRANSIENT_ERRORS


def _gave_up(count: int, error: str) -> str:
    return _(
        "Gave up after %(count)d attempts: the worker building this report stopped "
        "each time (for example, it ran out of memory). Last error: %(error)s"
    ) % {"count": count, "error": error or _("none recorded")}


def _job_for_log(job_id: int, job: ReportJob | None) -> ReportJob:
    """The job as the audit log names it (code, workshop, kind, who asked for it): the one
    the caller holds, else read."""
    if job is not None and job.pk == job_id:
        return job
    return ReportJob.objects.only("code", "workshop_id", "kind", "created_by_id").get(pk=job_id)


# The snapshot's counts the log keeps (what the report was built from), not its texts.
_SNAPSHOT_COUNTS = ("evaluations", "cohort_evaluations", "reviews", "reviewers")


def _failure_recorder(job: ReportJob | None = None) -> jobs.FailureHook:
    def record(job_id: int, *, error_class: str, attempts: int, gave_up: bool) -> None:
        # By the worker: the system actor (the task, named by portal.celery). The error's
        # class only: its message may quote anything the builder met.
        logged = _job_for_log(job_id, job)
        audit_record(
            action="report.failed",
            obj=logged,
            details={
                "kind": logged.kind,
                "error_class": error_class or None,
                "attempts": attempts,
                # The worker stopped at every attempt (killed, out of memory): no exception.
                "gave_up": gave_up,
                "requested_by": logged.created_by_id,
            },
        )

    return record


def report_job_claim(
    *, job_id: int, delivery: str, stale_after: timedelta = STALE_AFTER
) -> ReportJob | None:
    """Take the job for this delivery, or None when there is nothing to do."""
    # The builders need the workshop and the organisation: read with the job, one query
    # less per report (a bulk run builds a thousand).
    return jobs.job_claim(
        model=ReportJob,
        job_id=job_id,
        delivery=delivery,
        gave_up=_gave_up,
        stale_after=stale_after,
        max_attempts=MAX_ATTEMPTS,
        related=("workshop", "organisation"),
        on_failure=_failure_recorder(),
    )


def report_job_progress(*, job_id: int, attempt: int, progress: int) -> None:
    """Record progress (and a heartbeat) for the attempt that holds the job."""
    jobs.job_progress(model=ReportJob, job_id=job_id, attempt=attempt, progress=progress)


def report_job_finish(
    *, job_id: int, attempt: int, result: BuildResult, job: ReportJob | None = None
) -> bool:
    """Store the file and mark the job done, once. False if the attempt lost its claim.
    `job`: the claimed job, if the caller holds it (the audit event names it)."""

    def record_built() -> None:
        logged = _job_for_log(job_id, job)
        audit_record(
            action="report.built",
            obj=logged,
            details={
                "kind": logged.kind,
                "file_size": len(result.content),
                "page_count": result.page_count,
                "content_type": result.content_type,
                "attempt": attempt,
                "requested_by": logged.created_by_id,
                "snapshot": {
                    key: result.snapshot[key] for key in _SNAPSHOT_COUNTS if key in result.snapshot
                },
            },
        )

    return jobs.job_finish(
        model=ReportJob,
        job_id=job_id,
        attempt=attempt,
        file_name=result.file_name,
        content=ContentFile(result.content),
        fields={
            "file_name": result.file_name,
            "content_type": result.content_type,
            "file_size": len(result.content),
            "page_count": result.page_count,
            "snapshot": result.snapshot,
        },
        then=record_built,
    )


def report_job_fail(
    *,
    job_id: int,
    attempt: int,
    error: str,
    final: bool,
    error_class: str = "",
    job: ReportJob | None = None,
) -> None:
    """Record a failed attempt: queued again for the next one, or failed for good (which
    the audit log records, with `error_class`)."""
    jobs.job_fail(
        model=ReportJob,
        job_id=job_id,
        attempt=attempt,
        error=error,
        final=final,
        error_class=error_class,
        on_failure=_failure_recorder(job),
    )


def report_job_run(
    *,
    job_id: int,
    delivery: str,
    retry: Callable[[int], None] | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> bool:
    """Claim the job, build its file, store it: True when this delivery did. Called by
    the task; safe to call again.

    `retry(countdown)` asks for another delivery after a transient failure; without it a
    failure is final.
    """
    # The services import this module in the web process; the builders load WeasyPrint and
    # matplotlib, which only a report worker needs.
    from reports.builders import build_report  # noqa: PLC0415 -- heavy: see above

    job = report_job_claim(job_id=job_id, delivery=delivery, stale_after=stale_after)
    if job is None:
        return False
    attempt = job.attempts

    def progress(percent: int) -> None:
        # Looked up at each call: the crash test's worker wraps report_job_progress.
        report_job_progress(job_id=job_id, attempt=attempt, progress=percent)

    logger.info("Building report %s (%s), attempt %s", job.code, job.kind, attempt)
    return jobs.job_execute(
        job=job,
        build=lambda: build_report(job=job, progress=progress),
        finish=lambda result: report_job_finish(
            job_id=job_id, attempt=attempt, result=result, job=job
        ),
        retry=retry,
        max_attempts=MAX_ATTEMPTS,
        on_failure=_failure_recorder(job),
    )
