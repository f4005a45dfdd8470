"""Writes for reports: staff's inputs, and requesting, retrying, releasing and deleting
report jobs.

A job goes queued -> running -> done, or -> failed with the reason shown to staff. The
row is the source of truth; Celery only carries "look at job N" messages, which may arrive
twice or late. Requesting a report that is already queued or running returns that job (a
lock on the workshop row, and a partial unique constraint as the backstop). What a
delivery does with a job (claim, progress, finish, fail) is in reports.jobs.worker.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.concurrency import StaleEditError, check_revision
from portal.models import Organisation, User, Workshop
from reports.jobs.worker import STALE_AFTER
from reports.models import CriterionNote, FeedbackRemark, QuoteSelection, ReportJob, WorkshopSummary
from reports.params import report_params_hash, report_params_normalise
from reports.tasks import task_build_report
from reviews.models import CriterionScore

logger = logging.getLogger(__name__)

State = ReportJob.State

# A queued job nobody has claimed after this long is sent to the broker again when it is
# requested again.
REQUEUE_AFTER = timedelta(minutes=2)
MARKDOWN_MAX_LENGTH = 50_000


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
    any of them since `version` (summary_texts_version when the page was loaded), else
    StaleEditError (`current`: the version now)."""
    # Serialises saves of one workshop's texts (SQLite serialises writers anyway).
    Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
    check_revision(expected=version, current=summary_texts_version(workshop=workshop))
    workshop_summary_save(
        workshop=workshop,
        executive_summary_md=executive_summary_md,
        insights_md=insights_md,
        user=user,
    )
    for code, notes_md in notes.items():
        criterion_note_save(workshop=workshop, criterion_code=code, notes_md=notes_md, user=user)


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
    StaleEditError (`current_value`: the remarks saved now) instead of overwriting it."""
    remarks_md = _markdown(remarks_md, field_name="remarks_md")
    remark = (
        FeedbackRemark.objects.select_for_update()
        .filter(workshop=workshop, organisation=organisation)
        .first()
    )
    if revision is not None:
        check_revision(
            expected=revision,
            current=remark.revision if remark else 0,
            current_value=remark.remarks_md if remark else "",
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
                    current=winner.revision, current_value=winner.remarks_md
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
    check_revision(
        expected=revision,
        current=locked.revision,
        current_value=locked.edited_text or locked.score.justification,
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
