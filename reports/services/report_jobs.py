"""Report jobs, the staff's side: requesting, retrying, releasing and deleting them.

A job goes queued -> running -> done, or -> failed with the reason shown to staff. The
row is the source of truth; Celery only carries "look at job N" messages, which may arrive
twice or late. Requesting a report that is already queued or running returns that job (a
lock on the workshop row, and a partial unique constraint as the backstop). What a
delivery does with a job (claim, progress, finish, fail) is in reports.jobs.worker; the
daily retention in reports.jobs.retention.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Organisation, User, Workshop
from portal.services.audit import audit_record
from reports.data import organisations_with_reviews
from reports.jobs.worker import STALE_AFTER
from reports.models import ReportJob
from reports.params import report_params_hash, report_params_normalise
from reports.tasks import task_build_report

logger = logging.getLogger(__name__)

State = ReportJob.State

# A queued job nobody has claimed after this long is sent to the broker again when it is
# requested again.
REQUEUE_AFTER = timedelta(minutes=2)


def _enqueue(job_id: int) -> None:
    try:
        task_build_report.delay(job_id=job_id)
    except Exception:  # noqa: BLE001 - any broker failure: the job stays queued, visibly
        logger.warning("Broker unavailable; report job %s stays queued", job_id, exc_info=True)


def _lost_in_queue(job: ReportJob) -> bool:
    # Queued long ago and never claimed: its message may have been lost (broker down when
    # it was sent). Another message is harmless, since only one delivery can claim the job.
    return (
        job.state == State.QUEUED
        and job.created_at < timezone.now() - REQUEUE_AFTER
        and job.heartbeat_at is None
    )


def report_job_request(
    *,
    workshop: Workshop,
    kind: str,
    params: dict | None,
    user: User | None,
    organisation: Organisation | None = None,
) -> ReportJob:
    """Queue a report, or return the identical one already queued or running."""
    params = report_params_normalise(kind=kind, params=params, organisation=organisation)
    params_hash = report_params_hash(params)
    try:
        with transaction.atomic():
            # Serialises requests for one workshop, so that two clicks cannot both miss
            # each other's job (SQLite has no row locks, but serialises writers anyway).
            Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
            active = ReportJob.objects.filter(
                workshop=workshop,
                kind=kind,
                params_hash=params_hash,
                state__in=ReportJob.ACTIVE_STATES,
            ).first()
            if active is not None:
                if _lost_in_queue(active):
                    active_id = active.pk
                    transaction.on_commit(lambda: _enqueue(active_id))
                return active
            job = ReportJob.objects.create(
                workshop=workshop,
                kind=kind,
                organisation=organisation,
                params=params,
                params_hash=params_hash,
                created_by=user,
            )
            audit_record(
                action="report.requested",
                obj=job,
                actor=user,
                details={"kind": kind, "params": params},
            )
            job_id = job.pk
            # After commit: the worker must find the row it is told about.
            transaction.on_commit(lambda: _enqueue(job_id))
            return job
    except IntegrityError:
        # The unique constraint caught a race the lock could not (another database).
        return ReportJob.objects.get(
            workshop=workshop,
            kind=kind,
            params_hash=params_hash,
            state__in=ReportJob.ACTIVE_STATES,
        )


def report_jobs_request_feedback(
    *, workshop: Workshop, params: dict | None, user: User | None
) -> list[ReportJob]:
    """One feedback report per organisation with a reviewed submission in the workshop:
    the queued or running one of an organisation is returned as it is (a second click
    queues nothing), the others are created. In one transaction, one lock and one insert
    whatever the number of organisations (a thousand single requests took 12 s)."""
    kind = ReportJob.Kind.FEEDBACK
    wanted: dict[str, ReportJob] = {}
    for organisation in organisations_with_reviews(workshop=workshop):
        job_params = report_params_normalise(kind=kind, params=params, organisation=organisation)
        params_hash = report_params_hash(job_params)
        wanted[params_hash] = ReportJob(
            workshop=workshop,
            kind=kind,
            organisation=organisation,
            params=job_params,
            params_hash=params_hash,
            created_by=user,
        )
    try:
        with transaction.atomic():
            # As in report_job_request: serialises requests for the workshop.
            Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
            active = {
                job.params_hash: job
                for job in ReportJob.objects.filter(
                    workshop=workshop,
                    kind=kind,
                    params_hash__in=list(wanted),
                    state__in=ReportJob.ACTIVE_STATES,
                ).select_related("organisation")
            }
            created = ReportJob.objects.bulk_create(
                [job for params_hash, job in wanted.items() if params_hash not in active]
            )
            if created:
                # One event for the lot: a fixed number of queries whatever the number of
                # organisations. The jobs are listed by code with their organisation's.
                shared = {k: v for k, v in created[0].params.items() if k != "organisation"}
                audit_record(
                    action="report.requested",
                    obj=workshop,
                    actor=user,
                    details={
                        "kind": kind,
                        "params": shared,
                        "jobs": [[job.code, job.params["organisation"]] for job in created],
                    },
                )
            send = [job.pk for job in created]
            send += [job.pk for job in active.values() if _lost_in_queue(job)]
            # After commit: the worker must find the rows it is told about.
            transaction.on_commit(lambda: [_enqueue(job_id) for job_id in send])
    except IntegrityError:
        # A single request raced this one past the lock (another database): take the
        # organisations one by one, each finding its job or making it.
        return [
            report_job_request(
                workshop=workshop,
                kind=kind,
                params=params,
                user=user,
                organisation=job.organisation,
            )
            for job in wanted.values()
        ]
    return [active.get(params_hash, job) for params_hash, job in wanted.items()]


def report_job_is_lost(job: ReportJob, *, stale_after: timedelta = STALE_AFTER) -> bool:
    """Running, but no heartbeat for longer than any step takes: its worker is gone."""
    return job.state == State.RUNNING and (
        job.heartbeat_at is None or job.heartbeat_at < timezone.now() - stale_after
    )


def report_job_retry(*, job: ReportJob, user: User | None) -> ReportJob:
    """Queue a failed (or lost) job again, with a fresh budget of attempts."""
    try:
        with transaction.atomic():
            locked = ReportJob.objects.select_for_update().get(pk=job.pk)
            if locked.state != State.FAILED and not report_job_is_lost(locked):
                raise ValidationError(_("Only a failed report can be retried."))
            before = {"state": locked.state, "attempts": locked.attempts}
            locked.state = State.QUEUED
            locked.attempts = 0
            locked.progress = 0
            locked.error = ""
            locked.claimed_by = ""
            locked.heartbeat_at = None
            locked.started_at = None
            locked.finished_at = None
            locked.save(
                update_fields=[
                    "state",
                    "attempts",
                    "progress",
                    "error",
                    "claimed_by",
                    "heartbeat_at",
                    "started_at",
                    "finished_at",
                ]
            )
            audit_record(
                action="report.retried",
                obj=locked,
                actor=user,
                changes={
                    "state": [before["state"], locked.state],
                    "attempts": [before["attempts"], locked.attempts],
                },
                details={"kind": locked.kind},
            )
            job_id = locked.pk
            transaction.on_commit(lambda: _enqueue(job_id))
            return locked
    except IntegrityError:
        # The same report was requested again meanwhile: that one is the retry.
        return ReportJob.objects.get(
            workshop=job.workshop_id,
            kind=job.kind,
            params_hash=job.params_hash,
            state__in=ReportJob.ACTIVE_STATES,
        )


@transaction.atomic
def report_job_release(*, job: ReportJob, user: User, release: bool = True) -> ReportJob:
    """Let the organisation's members download a finished feedback report (or stop it)."""
    locked = ReportJob.objects.select_for_update().get(pk=job.pk)
    if locked.kind != ReportJob.Kind.FEEDBACK:
        raise ValidationError(_("Only feedback reports are released to organisations."))
    if release and locked.state != State.DONE:
        raise ValidationError(_("Only a finished report can be released."))
    before = locked.released_at
    if not release and before is None:
        return locked  # nothing to withdraw
    locked.released_at = timezone.now() if release else None
    locked.released_by = user if release else None
    locked.save(update_fields=["released_at", "released_by"])
    audit_record(
        action="report.released" if release else "report.withdrawn",
        obj=locked,
        actor=user,
        changes={"released_at": [before, locked.released_at]},
        details={"kind": locked.kind, "organisation": locked.params.get("organisation")},
    )
    return locked


@transaction.atomic
def report_jobs_release_feedback(*, workshop: Workshop, user: User) -> int:
    """Release the newest finished feedback report of each organisation."""
    newest: dict[int, int] = {}
    for job_id, organisation_id in (
        ReportJob.objects.filter(workshop=workshop, kind=ReportJob.Kind.FEEDBACK, state=State.DONE)
        .order_by("organisation_id", "-finished_at", "-pk")
        .values_list("pk", "organisation_id")
    ):
        newest.setdefault(organisation_id, job_id)
    jobs = list(
        ReportJob.objects.select_for_update()
        .filter(pk__in=newest.values(), released_at__isnull=True)
        .only("pk", "code", "workshop_id", "kind", "params")
    )
    now = timezone.now()
    ReportJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
        released_at=now, released_by=user
    )
    # One event per report: each is what one organisation's members may now download.
    for job in jobs:
        audit_record(
            action="report.released",
            obj=job,
            actor=user,
            changes={"released_at": [None, now]},
            details={"kind": job.kind, "organisation": job.params.get("organisation")},
        )
    return len(jobs)


@transaction.atomic
def report_job_delete(*, job: ReportJob, user: User) -> None:
    """Delete a report staff no longer need; its file goes once the deletion commits."""
    locked = ReportJob.objects.select_for_update().filter(pk=job.pk).first()
    if locked is None:
        return
    if locked.state in ReportJob.ACTIVE_STATES:
        raise ValidationError(
            _(
                "A report that is queued or being built cannot be deleted. Wait until it "
                "is done or has failed."
            )
        )
    if locked.released_at is not None:
        raise ValidationError(
            _(
                "This feedback report is released: the organisation's members can download "
                "it. Withdraw it first, then delete it."
            )
        )
    logger.info("Report job %s (%s) deleted by user %s", locked.code, locked.kind, user.pk)
    audit_record(
        action="report.deleted",
        obj=locked,
        actor=user,
        details={
            "kind": locked.kind,
            "state": locked.state,
            "organisation": locked.params.get("organisation"),
            "file_name": locked.file_name,
        },
    )
    locked.delete()
