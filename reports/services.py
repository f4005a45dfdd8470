"""Writes for reports: staff's inputs, and the life of a report job.

A job goes queued -> running -> done, or -> failed with the reason shown to staff. The
row is the source of truth; Celery only carries "look at job N" messages, which may arrive
twice (acks_late: a message is delivered again when its worker is lost) or late. So:

- requesting a report that is already queued or running returns that job (a lock on the
  workshop row, and a partial unique constraint as the backstop);
- a delivery first *claims* the job under a row lock: queued -> running, counting the
  attempt. A running job is taken over only by a re-delivery of the same message (its
  worker was lost) or when its heartbeat is stale; a done or failed job is left alone;
- every progress write and the final write name the attempt they belong to, so a
  delivery that lost its claim cannot overwrite the work of the one that took over, and
  the file is written and the job set done exactly once;
- after MAX_ATTEMPTS claims the job fails for good: a poison job (one that kills its
  worker every time) cannot loop forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Organisation, User, Workshop
from reports.models import CriterionNote, FeedbackRemark, QuoteSelection, ReportJob, WorkshopSummary
from reports.params import report_params_hash, report_params_normalise
from reviews.models import CriterionScore

logger = logging.getLogger(__name__)

State = ReportJob.State

MAX_ATTEMPTS = 3
# A running job whose heartbeat is older than this is presumed lost. Builders beat at
# every section or evaluation, far more often than this.
STALE_AFTER = timedelta(minutes=15)
# Failures worth another attempt by themselves; anything else fails the job at once, with
# its reason, for staff to retry once they have fixed the cause.
# A queued job nobody has claimed after this long is sent to the broker again when it is
# requested again.
REQUEUE_AFTER = timedelta(minutes=2)
TRANSIENT_ERRORS = (DatabaseError, OSError, ConnectionError, TimeoutError)
MARKDOWN_MAX_LENGTH = 50_000


class JobSuperseded(Exception):
    """The attempt lost its claim: another delivery took the job over."""


@dataclass
class BuildResult:
    content: bytes
    file_name: str
    content_type: str
    snapshot: dict
    page_count: int | None = None
    extra: dict = field(default_factory=dict)


# --- staff's inputs ------------------------------------------------------------------------


def _markdown(value: str, *, field_name: str) -> str:
    value = (value or "").strip()
    if len(value) > MARKDOWN_MAX_LENGTH:
        raise ValidationError(
            {field_name: _("Keep this under %(max)d characters.") % {"max": MARKDOWN_MAX_LENGTH}}
        )
    return value


@transaction.atomic
def workshop_summary_save(
    *, workshop: Workshop, executive_summary_md: str, insights_md: str, user: User
) -> WorkshopSummary:
    summary, _created = WorkshopSummary.objects.update_or_create(
        workshop=workshop,
        defaults={
            "executive_summary_md": _markdown(
                executive_summary_md, field_name="executive_summary_md"
            ),
            "insights_md": _markdown(insights_md, field_name="insights_md"),
            "updated_by": user,
        },
    )
    return summary


@transaction.atomic
def criterion_note_save(
    *, workshop: Workshop, criterion_code: str, notes_md: str, user: User
) -> CriterionNote:
    from criteria.models import Criterion

    if not Criterion.objects.filter(criteria_set__workshop=workshop, code=criterion_code).exists():
        raise ValidationError(_("This workshop's criteria have no such code."))
    note, _created = CriterionNote.objects.update_or_create(
        workshop=workshop,
        criterion_code=criterion_code,
        defaults={"notes_md": _markdown(notes_md, field_name="notes_md"), "updated_by": user},
    )
    return note


def summary_texts_version(*, workshop: Workshop) -> str:
    """What the summary page's texts were when loaded: the time of the last save of the
    executive summary, the insights or any criterion note ("" before the first)."""
    stamps = [
        WorkshopSummary.objects.filter(workshop=workshop)
        .values_list("updated_at", flat=True)
        .first(),
        CriterionNote.objects.filter(workshop=workshop).aggregate(latest=Max("updated_at"))[
            "latest"
        ],
    ]
    latest = max((stamp for stamp in stamps if stamp), default=None)
    return latest.isoformat() if latest else ""


class SummaryTextsStale(Exception):
    """Someone saved the summary texts after this edit was started."""

    def __init__(self, *, current_version: str):
        super().__init__("stale summary texts")
        self.current_version = current_version


@transaction.atomic
def summary_texts_save(
    *,
    workshop: Workshop,
    executive_summary_md: str,
    insights_md: str,
    notes: dict[str, str],
    user: User,
    version: str,
) -> None:
    """Save the summary page as one: the executive summary, the insights and the notes
    per criterion (criterion code -> Markdown), all or nothing, and only if nobody saved
    any of them since `version` (summary_texts_version when the page was loaded)."""
    # Serialises saves of one workshop's texts (SQLite serialises writers anyway).
    Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    current = summary_texts_version(workshop=workshop)
    if current != version:
        raise SummaryTextsStale(current_version=current)
    workshop_summary_save(
        workshop=workshop,
        executive_summary_md=executive_summary_md,
        insights_md=insights_md,
        user=user,
    )
    for code, notes_md in notes.items():
        criterion_note_save(workshop=workshop, criterion_code=code, notes_md=notes_md, user=user)


class StaleEditError(Exception):
    """Someone saved the text after this edit was started; saving would overwrite theirs."""

    def __init__(self, *, current_revision: int, current_text: str):
        super().__init__(f"stale edit; current revision {current_revision}")
        self.current_revision = current_revision
        self.current_text = current_text


@transaction.atomic
def feedback_remark_save(
    *,
    workshop: Workshop,
    organisation: Organisation,
    remarks_md: str,
    user: User,
    revision: int | None = None,
) -> FeedbackRemark:
    """Save staff's remarks to an organisation. With `revision` (the one the edit started
    from, 0 when there was no remark yet) an edit racing another is refused with
    StaleEditError instead of overwriting it."""
    remarks_md = _markdown(remarks_md, field_name="remarks_md")
    remark = (
        FeedbackRemark.objects.select_for_update()
        .filter(workshop=workshop, organisation=organisation)
        .first()
    )
    current = remark.revision if remark else 0
    if revision is not None and revision != current:
        raise StaleEditError(
            current_revision=current, current_text=remark.remarks_md if remark else ""
        )
    if remark is None:
        try:
            # A savepoint: two first saves race past the lock (there is no row to lock
            # yet), and the unique constraint refuses the second.
            with transaction.atomic():
                return FeedbackRemark.objects.create(
                    workshop=workshop,
                    organisation=organisation,
                    remarks_md=remarks_md,
                    updated_by=user,
                )
        except IntegrityError:
            winner = FeedbackRemark.objects.get(workshop=workshop, organisation=organisation)
            if revision is not None:
                raise StaleEditError(
                    current_revision=winner.revision, current_text=winner.remarks_md
                ) from None
            remark = winner
    remark.remarks_md = remarks_md
    remark.updated_by = user
    remark.revision += 1
    remark.save(update_fields=["remarks_md", "updated_by", "revision", "updated_at"])
    return remark


@transaction.atomic
def quote_select(*, workshop: Workshop, score: CriterionScore, user: User) -> QuoteSelection:
    """Quote a reviewer's justification (anonymised) in the summary. Only tagged gap or
    aligned justifications of submitted reviews whose submitters allow citing qualify."""
    from reports.data import quotable_scores

    if not quotable_scores(workshop=workshop).filter(pk=score.pk).exists():
        raise ValidationError(
            _(
                "Only a justification tagged “gap” or “aligned”, from a submitted review of "
                "an evaluation whose submitters allow citing it, can be quoted."
            )
        )
    last = QuoteSelection.objects.filter(workshop=workshop).order_by("-position").first()
    selection, _created = QuoteSelection.objects.get_or_create(
        score=score,
        defaults={
            "workshop": workshop,
            "selected_by": user,
            "position": (last.position + 1) if last else 0,
        },
    )
    return selection


@transaction.atomic
def quote_remove(*, workshop: Workshop, score: CriterionScore) -> None:
    QuoteSelection.objects.filter(workshop=workshop, score=score).delete()


QUOTE_MAX_LENGTH = 5_000


def _locked_quote(*, selection: QuoteSelection, revision: int) -> QuoteSelection:
    locked = (
        QuoteSelection.objects.select_for_update()
        .select_related("score")
        .filter(pk=selection.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This quote was removed from the summary meanwhile."), code="gone")
    if locked.revision != revision:
        raise StaleEditError(
            current_revision=locked.revision,
            current_text=locked.edited_text or locked.score.justification,
        )
    return locked


@transaction.atomic
def quote_edit(
    *, selection: QuoteSelection, text: str, revision: int, user: User
) -> QuoteSelection:
    """Set the text the summary prints for a quote (to shorten it, or to remove an
    identifying detail). The reviewer's justification stays as written; the edit is
    recorded with who made it and when, and the summary marks the quote as edited."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": _("Enter the text to print, or remove the quote from the summary.")}
        )
    if len(text) > QUOTE_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep this under %(max)d characters.") % {"max": QUOTE_MAX_LENGTH}}
        )
    locked = _locked_quote(selection=selection, revision=revision)
    if text == locked.score.justification.strip():
        # Unchanged from the original: not an edit, and the summary must not say it is.
        text = ""
    locked.edited_text = text
    locked.edited_by = user if text else None
    locked.edited_at = timezone.now() if text else None
    locked.revision += 1
    locked.save(update_fields=["edited_text", "edited_by", "edited_at", "revision"])
    return locked


@transaction.atomic
def quote_revert(*, selection: QuoteSelection, revision: int, user: User) -> QuoteSelection:
    """Print the reviewer's justification as written again."""
    locked = _locked_quote(selection=selection, revision=revision)
    locked.edited_text = ""
    locked.edited_by = None
    locked.edited_at = None
    locked.revision += 1
    locked.save(update_fields=["edited_text", "edited_by", "edited_at", "revision"])
    logger.info("Quote %s reverted to the original by user %s", locked.code, user.pk)
    return locked


# --- requesting jobs -----------------------------------------------------------------------


def _enqueue(job_id: int) -> None:
    from reports.tasks import task_build_report

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
    from reports.data import organisations_with_reviews

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
    locked.released_at = timezone.now() if release else None
    locked.released_by = user if release else None
    locked.save(update_fields=["released_at", "released_by"])
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
    return ReportJob.objects.filter(pk__in=newest.values(), released_at__isnull=True).update(
        released_at=timezone.now(), released_by=user
    )


# --- running jobs --------------------------------------------------------------------------


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


def report_job_finish(*, job_id: int, attempt: int, result: BuildResult) -> bool:
    """Store the file and mark the job done, once. False if the attempt lost its claim."""
    job = ReportJob(pk=job_id)
    # The file first, under a random name of its own, then one conditional update: only
    # the attempt that still holds the claim can set the job done (the database re-checks
    # the condition under the row lock), and an attempt that lost deletes its own file. No
    # transaction and no SELECT ... FOR UPDATE: one statement less per report.
    job.file.save(result.file_name, ContentFile(result.content), save=False)
    name = job.file.name
    finished_at = timezone.now()
    try:
        updated = ReportJob.objects.filter(pk=job_id, attempts=attempt, state=State.RUNNING).update(
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
    except Exception:
        # The row was not written: its file must not linger, unreferenced.
        job.file.storage.delete(name)
        raise
    if not updated:
        job.file.storage.delete(name)
        return False
    return True


def report_job_fail(*, job_id: int, attempt: int, error: str, final: bool) -> None:
    """Record a failed attempt: queued again for the next one, or failed for good."""
    fields = {"error": error[:4000]}
    if final:
        fields.update(state=State.FAILED, finished_at=timezone.now())
    else:
        fields.update(state=State.QUEUED, claimed_by="", heartbeat_at=None)
    ReportJob.objects.filter(pk=job_id, attempts=attempt, state=State.RUNNING).update(**fields)


def _transient_failure(
    *, job: ReportJob, attempt: int, exc: BaseException, retry: Callable[[int], None] | None
) -> bool:
    final = retry is None or attempt >= MAX_ATTEMPTS
    logger.warning("Report job %s attempt %s failed", job.code, attempt, exc_info=True)
    report_job_fail(job_id=job.pk, attempt=attempt, error=_describe(exc), final=final)
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
    from reports.builders import build_report

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
        report_job_fail(job_id=job_id, attempt=attempt, error=_describe(exc), final=True)
        return False
    try:
        finished = report_job_finish(job_id=job_id, attempt=attempt, result=result)
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


# --- retention -----------------------------------------------------------------------------


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
    locked.delete()


def _report_jobs_kept() -> set[int]:
    """Jobs retention never deletes: the newest finished one of each report (the same
    workshop, kind, parameters and organisation), and the newest released feedback
    report of each organisation in each workshop (what its members download now)."""
    kept: set[int] = set()
    seen: set[tuple] = set()
    rows = (
        ReportJob.objects.filter(state=State.DONE)
        .order_by("workshop_id", "kind", "params_hash", "organisation_id", "-finished_at", "-pk")
        .values_list("pk", "workshop_id", "kind", "params_hash", "organisation_id")
    )
    for job_id, *key in rows.iterator():
        if tuple(key) not in seen:
            seen.add(tuple(key))
            kept.add(job_id)
    released = (
        ReportJob.objects.filter(kind=ReportJob.Kind.FEEDBACK, released_at__isnull=False)
        .order_by("workshop_id", "organisation_id", "-released_at", "-pk")
        .values_list("pk", "workshop_id", "organisation_id")
    )
    seen.clear()
    for job_id, *key in released.iterator():
        if tuple(key) not in seen:
            seen.add(tuple(key))
            kept.add(job_id)
    return kept


PURGE_BATCH = 500


def report_jobs_purge(*, now: datetime | None = None) -> int:
    """Delete finished and failed report jobs older than REPORT_RETENTION_DAYS, and their
    files, except those _report_jobs_kept() names. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_RETENTION_DAYS)
    kept = _report_jobs_kept()
    candidates = [
        job_id
        for job_id in ReportJob.objects.annotate(ended=Coalesce("finished_at", F("created_at")))
        .filter(state__in=[State.DONE, State.FAILED], ended__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator()
        if job_id not in kept
    ]
    deleted = 0
    for start in range(0, len(candidates), PURGE_BATCH):
        batch = candidates[start : start + PURGE_BATCH]
        with transaction.atomic():
            # Locked and re-checked: a job retried since the list was read is queued
            # again and must stay. Files go as each batch commits (see the post_delete
            # receiver in reports.models).
            ids = list(
                ReportJob.objects.select_for_update()
                .filter(pk__in=batch, state__in=[State.DONE, State.FAILED])
                .values_list("pk", flat=True)
            )
            deleted += (
                ReportJob.objects.filter(pk__in=ids).delete()[1].get(ReportJob._meta.label, 0)
            )
    if deleted:
        logger.info("Report retention deleted %s jobs older than %s", deleted, cutoff)
    return deleted
