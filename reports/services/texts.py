"""Staff's texts for the reports: the public summary's executive summary, insights and
notes per criterion (saved as one page), and the remarks to each organisation that its
feedback report prints. A save racing another is refused (portal.concurrency)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from criteria.models import Criterion
from portal.concurrency import StaleEditError, check_revision
from portal.models import Organisation, User, Workshop
from portal.services.audit import audit_changes, audit_record
from reports.models import CriterionNote, FeedbackRemark, WorkshopSummary

MARKDOWN_MAX_LENGTH = 50_000


def _markdown(value: str, *, field_name: str) -> str:
    value = (value or "").strip()
    if len(value) > MARKDOWN_MAX_LENGTH:
        raise ValidationError(
            {field_name: _("Keep this under %(max)d characters.") % {"max": MARKDOWN_MAX_LENGTH}}
        )
    return value


_SUMMARY_FIELDS = ("executive_summary_md", "insights_md")


def _summary_write(
    *, workshop: Workshop, executive_summary_md: str, insights_md: str, user: User
) -> tuple[WorkshopSummary, dict]:
    """The summary saved, and its changes for the audit log."""
    before = dict.fromkeys(_SUMMARY_FIELDS, "")
    stored = WorkshopSummary.objects.filter(workshop=workshop).values(*_SUMMARY_FIELDS).first()
    before.update(stored or {})
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
    after = {name: getattr(summary, name) for name in _SUMMARY_FIELDS}
    return summary, audit_changes(before, after)


def _note_write(
    *, workshop: Workshop, criterion_code: str, notes_md: str, user: User
) -> tuple[CriterionNote, dict]:
    """The note saved, and its change for the audit log."""
    if not Criterion.objects.filter(criteria_set__workshop=workshop, code=criterion_code).exists():
        raise ValidationError(_("This workshop's criteria have no such code."))
    before = (
        CriterionNote.objects.filter(workshop=workshop, criterion_code=criterion_code)
        .values_list("notes_md", flat=True)
        .first()
    )
    note, _created = CriterionNote.objects.update_or_create(
        workshop=workshop,
        criterion_code=criterion_code,
        defaults={"notes_md": _markdown(notes_md, field_name="notes_md"), "updated_by": user},
    )
    return note, audit_changes({"notes_md": before or ""}, {"notes_md": note.notes_md})


@transaction.atomic
def workshop_summary_save(
    *, workshop: Workshop, executive_summary_md: str, insights_md: str, user: User
) -> WorkshopSummary:
    summary, changes = _summary_write(
        workshop=workshop,
        executive_summary_md=executive_summary_md,
        insights_md=insights_md,
        user=user,
    )
    if changes:
        audit_record(action="workshop_summary.edited", obj=summary, actor=user, changes=changes)
    return summary


@transaction.atomic
def criterion_note_save(
    *, workshop: Workshop, criterion_code: str, notes_md: str, user: User
) -> CriterionNote:
    note, changes = _note_write(
        workshop=workshop, criterion_code=criterion_code, notes_md=notes_md, user=user
    )
    if changes:
        audit_record(
            action="criterion_note.edited",
            obj=note,
            actor=user,
            changes=changes,
            details={"criterion": criterion_code},
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
    _summary, changes = _summary_write(
        workshop=workshop,
        executive_summary_md=executive_summary_md,
        insights_md=insights_md,
        user=user,
    )
    for code, notes_md in notes.items():
        _note, note_changes = _note_write(
            workshop=workshop, criterion_code=code, notes_md=notes_md, user=user
        )
        if note_changes:
            changes[f"notes_md:{code}"] = note_changes["notes_md"]
    # One event for the page saved as one; a criterion's note is named "notes_md:<code>".
    if changes:
        audit_record(action="summary_texts.edited", obj=workshop, actor=user, changes=changes)


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
    details = {"organisation": organisation.code}
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
                created = FeedbackRemark.objects.create(
                    workshop=workshop,
                    organisation=organisation,
                    remarks_md=remarks_md,
                    updated_by=user,
                )
                if remarks_md:
                    audit_record(
                        action="feedback_remark.edited",
                        obj=created,
                        actor=user,
                        changes={"remarks_md": ["", remarks_md]},
                        details=details,
                    )
                return created
        except IntegrityError:
            winner = FeedbackRemark.objects.get(workshop=workshop, organisation=organisation)
            if revision is not None:
                raise StaleEditError(
                    current=winner.revision, current_value=winner.remarks_md
                ) from None
            remark = winner
    before = remark.remarks_md
    remark.remarks_md = remarks_md
    remark.updated_by = user
    remark.revision += 1
    remark.save(update_fields=["remarks_md", "updated_by", "revision", "updated_at"])
    if before != remarks_md:
        audit_record(
            action="feedback_remark.edited",
            obj=remark,
            actor=user,
            changes={"remarks_md": [before, remarks_md]},
            details=details,
        )
    return remark
