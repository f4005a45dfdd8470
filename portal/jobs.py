"""What one delivery of a background job's task does, for every kind of job whose row is
the source of truth (portal.models.jobs.BackgroundJob: report jobs, data exports).

Celery only carries "look at job N" messages, which may arrive twice (acks_late: a message
is delivered again when its worker is lost) or late. So:

- a delivery first *claims* the job under a row lock: queued -> running, counting the
  attempt. A running job is taken over only by a re-delivery of the same message (its
  worker was lost) or when its heartbeat is stale; a done or failed job is left alone;
- every progress write and the final write name the attempt they belong to, so a
  delivery that lost its claim cannot overwrite the work of the one that took over, and
  the file is written and the job set done exactly once;
- after `max_attempts` claims the job fails for good: a poison job (one that kills its
  worker every time) cannot loop forever.

Each kind wraps these with its model and its builder (reports.jobs.worker,
privacy.exports.worker).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone

from portal.models.jobs import BackgroundJob

logger = logging.getLogger(__name__)

State = BackgroundJob.State
Job = TypeVar("Job", bound=BackgroundJob)
Result = TypeVar("Result")

MAX_ATTEMPTS = 3
# A running job whose heartbeat is older than this is presumed lost. Builders beat far
# more often than this.
STALE_AFTER = timedelta(minutes=15)
# Failures worth another attempt by themselves; anything else fails the job at once, with
# its reason, for someone to retry once the cause is fixed.
TRANSIENT_ERRORS = (DatabaseError, OSError, ConnectionError, TimeoutError)


# Told when a job fails for good (its audit event): the job's id, then the failing
# exception's class name ("" when the worker stopped at every attempt), the attempts used,
# and whether the job was given up for that. Runs in the transaction of the final write.
FailureHook = Callable[..., None]


class JobSuperseded(Exception):
    """The attempt lost its claim: another delivery took the job over."""


def job_claim(
    *,
    model: type[Job],
    job_id: int,
    delivery: str,
    gave_up: Callable[[int, str], str],
    stale_after: timedelta = STALE_AFTER,
    max_attempts: int = MAX_ATTEMPTS,
    related: tuple[str, ...] = (),
    on_failure: FailureHook | None = None,
) -> Job | None:
    """Take the job for this delivery, or None when there is nothing to do.

    `gave_up(attempts, last_error)` words the error of a job that has used up its
    attempts; `related` what the builder needs read with the job (only the job's row is
    locked)."""
    now = timezone.now()
    label = model._meta.verbose_name
    with transaction.atomic():
        query = model.objects.select_for_update(of=("self",))
        if related:
            query = query.select_related(*related)
        job = query.filter(pk=job_id).first()
        if job is None:
            logger.info("%s %s is gone; nothing to build", label, job_id)
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
        if job.attempts >= max_attempts:
            job.state = State.FAILED
            job.finished_at = now
            job.error = gave_up(job.attempts, job.error)
            job.save(update_fields=["state", "finished_at", "error"])
            logger.error("%s %s failed after %s attempts", label, job.pk, job.attempts)
            if on_failure is not None:
                on_failure(job.pk, error_class="", attempts=job.attempts, gave_up=True)
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


def job_progress(*, model: type[BackgroundJob], job_id: int, attempt: int, progress: int) -> None:
    """Record progress (and a heartbeat) for the attempt that holds the job."""
    updated = model.objects.filter(pk=job_id, attempts=attempt, state=State.RUNNING).update(
        progress=max(0, min(99, int(progress))), heartbeat_at=timezone.now()
    )
    if not updated:
        raise JobSuperseded(job_id)


def job_finish(
    *,
    model: type[BackgroundJob],
    job_id: int,
    attempt: int,
    file_name: str,
    content: File,
    fields: dict[str, Any],
    finished_at: datetime | None = None,
    then: Callable[[], None] | None = None,
) -> bool:
    """Store the file and mark the job done, once. False if the attempt lost its claim.

    `fields` are the kind's own columns written with the final state (size, snapshot);
    `then()` runs in the final write's transaction once it has set the job done (an audit
    event that must commit with it)."""
    job = model(pk=job_id)
    # The file first, under a random name of its own, then one conditional update: only
    # the attempt that still holds the claim can set the job done (the database re-checks
    # the condition under the row lock), and an attempt that lost deletes its own file. No
    # transaction and no SELECT ... FOR UPDATE: one statement less per job.
    job.file.save(file_name, content, save=False)
    name = job.file.name
    finished_at = finished_at or timezone.now()
    values = dict(
        file=name,
        state=State.DONE,
        progress=100,
        error="",
        finished_at=finished_at,
        heartbeat_at=finished_at,
        **fields,
    )
    running = model.objects.filter(pk=job_id, attempts=attempt, state=State.RUNNING)
    try:
        if then is None:
            updated = running.update(**values)
        else:
            with transaction.atomic():
                updated = running.update(**values)
                if updated:
                    then()
    except Exception:
        # The row was not written: its file must not linger, unreferenced.
        job.file.storage.delete(name)
        raise
    if not updated:
        job.file.storage.delete(name)
        return False
    return True


def job_is_lost(job: BackgroundJob, *, stale_after: timedelta = STALE_AFTER) -> bool:
    """Running, but no heartbeat for longer than any step takes: its worker is gone."""
    return job.state == State.RUNNING and (
        job.heartbeat_at is None or job.heartbeat_at < timezone.now() - stale_after
    )


def job_waiting_too_long(job: BackgroundJob, *, after: timedelta) -> bool:
    """Queued long ago and never claimed: its message may have been lost (the broker was
    down when it was sent). Another message is harmless: only one delivery can claim it."""
    return (
        job.state == State.QUEUED
        and job.created_at < timezone.now() - after
        and job.heartbeat_at is None
    )


def job_fail(
    *,
    model: type[BackgroundJob],
    job_id: int,
    attempt: int,
    error: str,
    final: bool,
    error_class: str = "",
    on_failure: FailureHook | None = None,
) -> None:
    """Record a failed attempt: queued again for the next one, or failed for good (told to
    `on_failure`, in the same transaction)."""
    fields: dict[str, Any] = {"error": error[:4000]}
    if final:
        fields.update(state=State.FAILED, finished_at=timezone.now())
    else:
        fields.update(state=State.QUEUED, claimed_by="", heartbeat_at=None)
    with transaction.atomic():
        updated = model.objects.filter(pk=job_id, attempts=attempt, state=State.RUNNING).update(
            **fields
        )
        if updated and final and on_failure is not None:
            on_failure(job_id, error_class=error_class, attempts=attempt, gave_up=False)


def job_describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def job_execute(
    *,
    job: BackgroundJob,
    build: Callable[[], Result],
    finish: Callable[[Result], bool],
    retry: Callable[[int], None] | None,
    max_attempts: int = MAX_ATTEMPTS,
    on_failure: FailureHook | None = None,
) -> bool:
    """Build and store a claimed job's result: True when this attempt did.

    `retry(countdown)` asks for another delivery after a transient failure; without it a
    failure is final."""
    model = type(job)
    label = model._meta.verbose_name
    attempt = job.attempts

    def failed(exc: BaseException) -> bool:
        final = retry is None or attempt >= max_attempts
        logger.warning("%s %s attempt %s failed", label, job.pk, attempt, exc_info=True)
        job_fail(
            model=model,
            job_id=job.pk,
            attempt=attempt,
            error=job_describe(exc),
            final=final,
            error_class=type(exc).__name__,
            on_failure=on_failure,
        )
        if not final:
            retry(30 * attempt)
        return False

    try:
        result = build()
    except JobSuperseded:
        logger.warning("%s %s attempt %s was taken over; stopping", label, job.pk, attempt)
        return False
    except TRANSIENT_ERRORS as exc:
        return failed(exc)
    except Exception as exc:
        logger.exception("%s %s failed", label, job.pk)
        job_fail(
            model=model,
            job_id=job.pk,
            attempt=attempt,
            error=job_describe(exc),
            final=True,
            error_class=type(exc).__name__,
            on_failure=on_failure,
        )
        return False
    try:
        finished = finish(result)
    except TRANSIENT_ERRORS as exc:
        # Storing the file or the final write failed (a full disk, a lost database
        # connection): the same bounded retry as a failed build, instead of a job left
        # running until its heartbeat goes stale.
        return failed(exc)
    if not finished:
        logger.warning("%s %s attempt %s finished after losing its claim", label, job.pk, attempt)
        return False
    return True
