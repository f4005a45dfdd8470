"""A reviewer's answer to an assignment: accept it, or decline it with a reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.permissions import require_perm
from portal.services.audit import audit_record, personal
from reviews.models import Assignment


@transaction.atomic
def assignment_accept(*, assignment: Assignment, user: User) -> Assignment:
    # The views reach assignments through assignment_get_for_reviewer; this guards any
    # other caller from acting in another reviewer's name.
    require_perm(user, "reviews.see_assignment", assignment)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.state != Assignment.State.ASSIGNED:
        raise ValidationError(_("You already answered this assignment."))
    locked.state = Assignment.State.ACCEPTED
    locked.responded_at = timezone.now()
    locked.save(update_fields=["state", "responded_at"])
    audit_record(
        action="assignment.accepted",
        obj=locked,
        actor=user,
        changes={"state": [Assignment.State.ASSIGNED, locked.state]},
    )
    return locked


@transaction.atomic
def assignment_decline(*, assignment: Assignment, user: User, reason: str) -> Assignment:
    """Decline with a reason; staff see it on their progress board."""
    # The views reach assignments through assignment_get_for_reviewer; this guards any
    # other caller from acting in another reviewer's name.
    require_perm(user, "reviews.see_assignment", assignment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the AI Office why you decline.")})
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.state != Assignment.State.ASSIGNED:
        raise ValidationError(_("You already answered this assignment."))
    locked.state = Assignment.State.DECLINED
    locked.decline_reason = reason
    locked.responded_at = timezone.now()
    locked.save(update_fields=["state", "decline_reason", "responded_at"])
    audit_record(
        action="assignment.declined",
        obj=locked,
        actor=user,
        changes={"state": [Assignment.State.ASSIGNED, locked.state]},
        # The reviewer's reasons can be personal (leave, illness): their hash only.
        details={"reason": personal(reason)},
    )
    return locked
