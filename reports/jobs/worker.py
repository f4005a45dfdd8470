"""A report job on the worker's side: what one delivery of task_build_report does.

Celery only carries "look at job N" messages, which may arrive twice (acks_late: a message
is delivered again when its worker is lost) or late. So:

- a delivery first *claims* the job under a row lock: queued -> running, counting the
  attempt. A running job is taken over only by a re-delivery of the same message (its
  worker was lost) or when its heartbeat is stale; a done or failed job is left alone;
- every progress write and the final write name the attempt they belong to, so a
  delivery that lost its claim cannot overwrite the work of the one that took over, and
  the file is written and the job set done exactly once;
- after MAX_ATTEMPTS claims the job fails for good: a poison job (one that kills its
  worker every time) cannot loop forever.

Requesting, retrying and releasing jobs are the staff's side, in
reports.services.report_jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.services.audit import audit_record
from reports.jobs.types import BuildResult, JobSuperseded
from reports.models import ReportJob

logger = logging.getLogger(__name__)

State = ReportJob.State

MAX_ATTEMPTS = 3
# A running job whose heartbeat is older than this is presumed lost. Builders beat at
# every section or evaluation, far more often than this.
STALE_AFTER = timedelta(minutes=15)
# Failures worth another attempt by themselves; anything else fails the job at once, with
# its reason, for staff to retry once they have fixed the cause.
TRANSIENT_ERRORS = (DatabaseError, OSError, ConnectionError, TimeoutError)


def report_job_claim(
    *, job_id: int, delivery: str, stale_after: timedelta = STALE_AFTER
) -> ReportJob | None:
    """Take the job for this delivery, or None when there is nothing to do."""
    now = timezone.now()
    with transaction.atomic():
        # The builders need the workshop and the organisation: read with the job, one
        # query less per report (a bulk run builds a thousand). Only the job row is locked.
        job = (
            ReportJob.objects.select_for_update(of=("self",))
            .select_related("workshop", "organisation")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            logger.info("Report job %s is gone; nothing to build", job_id)
            return None
        if job.state in (State.DONE, State.FAILED):
            return None
        if job.state == State.RUNNING:
            same_message = bool(delivery) and job.claimed_by == delivery
            stale = job.heartbeat_at is None or job.heartbeat_at < now - stale_after
            if not (same_message or stale):
                # Another delivery is working on it: a duplicate message, or a retry of a
                # message whose first delivery is still alive. Leave it.
                return None
        if job.attempts >= MAX_ATTEMPTS:
            job.state = State.FAILED
            job.finished_at = now
            job.error = _(
                "Gave up after %(count)d attempts: the worker building this report stopped "
                "each time (for example, it ran out of memory). Last error: %(error)s"
            ) % {"count": job.attempts, "error": job.error or _("none recorded")}
            job.save(update_fields=["state", "finished_at", "error"])
            logger.error("Report job %s failed after %s attempts", job.code, job.attempts)
            _record_failure(job, error_class="", attempts=job.attempts, gave_up=True)
            return None
        job.state = State.RUNNING
        job.attempts += 1
        job.claimed_by = delivery
        job.progress = 0
        job.heartbeat_at = now
        job.started_at = now
        job.save(
            update_fields=[
                "state",
                "attempts",
                "claimed_by",
                "progress",
                "heartbeat_at",
                "started_at",
            ]
        )
        return job


def report_job_progress(*, job_id: int, attempt: int, progress: int) -> None:
    """Record progress (and a heartbeat) for the attempt that holds the job."""
    updated = ReportJob.objects.filter(pk=job_id, attempts=attempt, state=State.RUNNING).update(
        progress=max(0, min(99, int(progress))), heartbeat_at=timezone.now()
    )
    if not updated:
        raise JobSuperseded(job_id)


def _job_for_log(job_id: int, job: ReportJob | None) -> ReportJob:
    """The job as the audit log names it (code, workshop, kind, who asked for it): the one
    the caller holds, else read."""
    if job is not None and job.pk == job_id:
        return job
    return ReportJob.objects.only("code", "workshop_id", "kind", "created_by_id").get(pk=job_id)


# The snapshot's counts the log keeps (what the report was built from), not its texts.
_SNAPSHOT_COUNTS = ("evaluations", "cohort_evaluations", "reviewers", "reviews")


def _record_failure(
    job: ReportJob, *, error_class: str, attempts: int, gave_up: bool = False
) -> None:
    # By the worker: the system actor (the task, named by portal.celery). The error's
    # class only: its message may quote anything the builder met.
    audit_record(
        action="report.failed",
        obj=job,
        details={
            "kind": job.kind,
            "error_class": error_class or None,
            "attempts": attempts,
            # The worker stopped at every attempt (killed, out of memory): no exception.
            "gave_up": gave_up,
            "requested_by": job.created_by_id,
        },
    )


def report_job_finish(
    *, job_id: int, attempt: int, result: BuildResult, job: ReportJob | None = None
) -> bool:
    """Store the file and mark the job done, once. False if the attempt lost its claim.
    `job`: the claimed job, if the caller holds it (the audit event names it)."""
    stored = ReportJob(pk=job_id)
    # The file first, under a random name of its own, then one conditional update: only
    # the attempt that still holds the claim can set the job done (the database re-checks
    # the condition under the row lock), and an attempt that lost deletes its own file. No
    # SELECT ... FOR UPDATE; the transaction holds the update and its audit event.
    stored.file.save(result.file_name, ContentFile(result.content), save=False)
    name = stored.file.name
    finished_at = timezone.now()
    try:
        with transaction.atomic():
            updated = ReportJob.objects.filter(
                pk=job_id, attempts=attempt, state=State.RUNNING
            ).update(
                file=name,
                file_name=result.file_name,
                content_type=result.content_type,
                file_size=len(result.content),
                page_count=result.page_count,
                snapshot=result.snapshot,
                state=State.DONE,
                progress=100,
                error="",
                finished_at=finished_at,
                heartbeat_at=finished_at,
            )
            if updated:
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
                            key: result.snapshot[key]
                            for key in _SNAPSHOT_COUNTS
                            if key in result.snapshot
                        },
                    },
                )
    except Exception:
        # The row was not written: its file must not linger, unreferenced.
        stored.file.storage.delete(name)
        raise
    if not updated:
        stored.file.storage.delete(name)
        return False
    return True


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
    fields = {"error": error[:4000]}
    if final:
        fields.update(state=State.FAILED, finished_at=timezone.now())
    else:
        fields.update(state=State.QUEUED, claimed_by="", heartbeat_at=None)
    with transaction.atomic():
        updated = ReportJob.objects.filter(pk=job_id, attempts=attempt, state=State.RUNNING).update(
            **fields
        )
        if updated and final:
            _record_failure(_job_for_log(job_id, job), error_class=error_class, attempts=attempt)


def _transient_failure(
    *, job: ReportJob, attempt: int, exc: BaseException, retry: Callable[[int], None] | None
) -> bool:
    final = retry is None or attempt >= MAX_ATTEMPTS
    logger.warning("Report job %s attempt %s failed", job.code, attempt, exc_info=True)
    report_job_fail(
        job_id=job.pk,
        attempt=attempt,
        error=_describe(exc),
        final=final,
        error_class=type(exc).__name__,
        job=job,
    )
    if not final:
        retry(30 * attempt)
    return False


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


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
        report_job_progress(job_id=job_id, attempt=attempt, progress=percent)

    logger.info("Building report %s (%s), attempt %s", job.code, job.kind, attempt)
    try:
        result = build_report(job=job, progress=progress)
    except JobSuperseded:
        logger.warning("Report job %s attempt %s was taken over; stopping", job.code, attempt)
        return False
    except TRANSIENT_ERRORS as exc:
        return _transient_failure(job=job, attempt=attempt, exc=exc, retry=retry)
    except Exception as exc:
        logger.exception("Report job %s failed", job.code)
        report_job_fail(
            job_id=job_id,
            attempt=attempt,
            error=_describe(exc),
            final=True,
            error_class=type(exc).__name__,
            job=job,
        )
        return False
    try:
        finished = report_job_finish(job_id=job_id, attempt=attempt, result=result, job=job)
    except TRANSIENT_ERRORS as exc:
        # Storing the file or the final write failed (a full disk, a lost database
        # connection): the same bounded retry as a failed build, instead of a job left
        # running until its heartbeat goes stale.
        return _transient_failure(job=job, attempt=attempt, exc=exc, retry=retry)
    if not finished:
        logger.warning(
            "Report job %s attempt %s finished after losing its claim", job.code, attempt
        )
        return False
    return True
