"""Bids: how much each approved reviewer wants each eligible submission.

A "conflict" bid is a declared conflict of interest: it is recorded as a ConflictRecord
(action BID), which is what every conflict check reads (reviews.selectors.conflicts), so
the pair disappears from the reviewer's lists and from automatic assignment alike. Which
submissions a reviewer may see and bid on in the pages is the bidding pages' selector's
business; these services refuse what a reviewer may never bid on.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignment.models import Bid
from portal.models import User, Workshop
from portal.services.audit import audit_record
from reviews.models import ConflictRecord, ReviewerApplication
from reviews.selectors.conflicts import computed_conflict_reasons
from submissions.models import Submission


def approved_application(*, workshop: Workshop, user: User) -> ReviewerApplication | None:
    return ReviewerApplication.objects.filter(
        workshop=workshop,
        user=user,
        state=ReviewerApplication.State.APPROVED,
        user__is_active=True,
    ).first()


def _check_may_bid(*, reviewer: User, submission: Submission) -> None:
    application = approved_application(workshop=submission.workshop, user=reviewer)
    if application is None:
        raise ValidationError(_("Only approved reviewers of this call can bid."))
    if submission.state != Submission.State.ELIGIBLE:
        raise ValidationError(_("Bids are only possible on eligible submissions."))
    if (
        submission.confidentiality == Submission.Confidentiality.AI_OFFICE_ONLY
        and not application.cleared_for_confidential
    ):
        # Looks like any other submission the reviewer cannot see.
        raise ValidationError(_("This submission is not open for bids."))
    # A conflict the reviewer declared by bidding does not stop them changing that bid;
    # any other conflict hides the submission from them.
    records = ConflictRecord.objects.filter(
        reviewer=reviewer, submission=submission, revoked_at__isnull=True
    ).values_list("action", flat=True)
    actions = set(records)
    if ConflictRecord.Action.RECORDED in actions or (
        ConflictRecord.Action.DISMISSED not in actions
        and computed_conflict_reasons(reviewer=reviewer, submission=submission)
    ):
        raise ValidationError(_("This submission is not open for bids."))


@transaction.atomic
def bid_set(*, reviewer: User, submission: Submission, value: str) -> Bid:
    """Record the reviewer's bid. A "conflict" bid also records a declared conflict
    (ConflictRecord, action BID), which every conflict check reads; changing the bid
    to anything else withdraws that declaration."""
    if value not in Bid.Value.values:
        raise ValidationError({"value": _("Choose eager, willing, not willing or conflict.")})
    _check_may_bid(reviewer=reviewer, submission=submission)
    # Serialise bids on the pair so that two clicks cannot record the conflict twice.
    Submission.objects.select_for_update().filter(pk=submission.pk).values_list("pk").first()
    before = (
        Bid.objects.filter(submission=submission, reviewer=reviewer)
        .values_list("value", flat=True)
        .first()
    )
    bid, _created = Bid.objects.update_or_create(
        submission=submission,
        reviewer=reviewer,
        defaults={"workshop_id": submission.workshop_id, "value": value},
    )
    declared = ConflictRecord.objects.filter(
        reviewer=reviewer,
        submission=submission,
        action=ConflictRecord.Action.BID,
        revoked_at__isnull=True,
    )
    if value == Bid.Value.CONFLICT:
        if not declared.exists():
            ConflictRecord.objects.create(
                reviewer=reviewer,
                submission=submission,
                action=ConflictRecord.Action.BID,
                reason=_("Declared by the reviewer when bidding."),
                created_by=reviewer,
            )
    else:
        declared.update(revoked_at=timezone.now(), revoked_by=reviewer)
    if before != value:
        audit_record(
            action="bid.set",
            obj=bid,
            actor=reviewer,
            changes={"value": [before, value]},
            details={"submission": submission.code},
        )
    return bid


@transaction.atomic
def bid_withdraw(*, reviewer: User, submission: Submission) -> None:
    """Remove the reviewer's bid (and a conflict they declared with it)."""
    bid = Bid.objects.select_for_update().filter(reviewer=reviewer, submission=submission).first()
    if bid is not None:
        audit_record(
            action="bid.withdrawn",
            obj=bid,
            actor=reviewer,
            changes={"value": [bid.value, None]},
            details={"submission": submission.code},
        )
        bid.delete()
    ConflictRecord.objects.filter(
        reviewer=reviewer,
        submission=submission,
        action=ConflictRecord.Action.BID,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now(), revoked_by=reviewer)
