"""Staff decisions on conflicts of interest, kept as an audit trail.

What counts as a conflict is decided in reviews.selectors.conflicts; these services only
write ConflictRecord rows. Nothing is deleted: a decision is reversed by revoking its row,
so the trail shows who decided what, when, and why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.services.audit import audit_record, personal
from reviews.models import ConflictRecord
from reviews.selectors.conflicts import computed_conflict_reasons
from submissions.models import Submission

Action = ConflictRecord.Action

# Staff may reverse their own kinds of decision; a conflict the reviewer declared is theirs.
REVOCABLE_ACTIONS = (Action.RECORDED, Action.DISMISSED)


def _clean_reason(reason: str, *, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def _lock_pair(*, submission: Submission) -> None:
    # Decisions on one submission are serialised on its row, so two staff members clicking
    # at once cannot leave two active records of the same kind for a pair.
    Submission.objects.select_for_update().filter(pk=submission.pk).values_list("pk").first()


def _record_event(action: str, record: ConflictRecord, *, user: User, **details) -> None:
    # The reason is about people (a supervisor, a rival): the log keeps its hash only.
    audit_record(
        action=action,
        obj=record,
        actor=user,
        workshop=record.submission.workshop,
        details={
            "submission": record.submission.code,
            "reviewer": record.reviewer_id,
            "reason": personal(record.reason),
            **details,
        },
    )


def _active(*, reviewer: User, submission: Submission, action: str):
    return ConflictRecord.objects.filter(
        reviewer=reviewer, submission=submission, action=action, revoked_at__isnull=True
    )


@transaction.atomic
def conflict_record(
    *, reviewer: User, submission: Submission, reason: str, user: User
) -> ConflictRecord:
    """Staff record a conflict the rules cannot see (a former supervisor, a rival grant)."""
    reason = _clean_reason(reason, message=_("Say why this reviewer has a conflict."))
    _lock_pair(submission=submission)
    if _active(reviewer=reviewer, submission=submission, action=Action.RECORDED).exists():
        raise ValidationError(
            _("A conflict of %(name)s with this submission is already recorded.")
            % {"name": reviewer}
        )
    record = ConflictRecord.objects.create(
        reviewer=reviewer,
        submission=submission,
        action=Action.RECORDED,
        reason=reason,
        created_by=user,
    )
    _record_event("conflict.recorded", record, user=user)
    return record


@transaction.atomic
def conflict_dismiss(
    *, reviewer: User, submission: Submission, reason: str, user: User
) -> ConflictRecord:
    """Staff set aside a computed conflict (say, a tie that is too remote to matter)."""
    reason = _clean_reason(reason, message=_("Say why the conflict does not prevent this review."))
    _lock_pair(submission=submission)
    if not computed_conflict_reasons(reviewer=reviewer, submission=submission):
        raise ValidationError(
            _(
                "%(name)s has no conflict with this submission from membership or declared "
                "ties; there is nothing to dismiss."
            )
            % {"name": reviewer}
        )
    if _active(reviewer=reviewer, submission=submission, action=Action.DISMISSED).exists():
        raise ValidationError(
            _("The conflict of %(name)s with this submission is already dismissed.")
            % {"name": reviewer}
        )
    record = ConflictRecord.objects.create(
        reviewer=reviewer,
        submission=submission,
        action=Action.DISMISSED,
        reason=reason,
        created_by=user,
    )
    _record_event("conflict.dismissed", record, user=user)
    return record


@transaction.atomic
def conflict_revoke(*, record: ConflictRecord, user: User) -> ConflictRecord:
    """Reverse a staff decision. The row stays, marked revoked, for the audit trail."""
    locked = ConflictRecord.objects.select_for_update().get(pk=record.pk)
    if locked.action not in REVOCABLE_ACTIONS:
        raise ValidationError(_("Only the reviewer can withdraw a conflict they declared."))
    if locked.revoked_at is not None:
        raise ValidationError(_("This decision was already revoked."))
    record.revoked_at = timezone.now()
    record.revoked_by = user
    record.save(update_fields=["revoked_at", "revoked_by"])
    _record_event("conflict.revoked", record, user=user, decision=locked.action)
    return record
