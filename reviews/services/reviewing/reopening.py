"""Staff reopen a submitted review: it goes back to the reviewer as a draft, with the reason.

A submitted review can already be changed by its reviewer until the deadline, by submitting
it again; reopening is for when the AI Office asks for that change (a missing justification,
a score against the wrong criterion). Until it is submitted again the review counts nowhere:
aggregates, progress and the submitters' page read submitted reviews only, and the versions
keep every earlier submit. The reviewer needs time to act, so a review whose deadline has
passed is reopened only after staff extended that reviewer's deadline.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.models import User
from portal.permissions import require_perm
from portal.services.audit import audit_record, personal
from reviews.models import Review
from reviews.review_window import review_window_open
from reviews.services.assignments import assignment_notify
from reviews.services.reviewing.warming import aggregates_warm_after_commit

REASON_MAX_LENGTH = 2000


@transaction.atomic
def review_reopen(
    *, review: Review, user: User, reason: str, now: datetime | None = None
) -> Review:
    """Turn a submitted review back into a draft and tell the reviewer why by email."""
    require_perm(user, "reviews.reopen_review", review)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the reviewer what to change.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep the reason to %(max)d characters or fewer.")
                % {"max": REASON_MAX_LENGTH}
            }
        )
    locked = (
        Review.objects.select_for_update(of=("self",))
        .select_related("assignment__workshop", "assignment__reviewer", "assignment__submission")
        .get(pk=review.pk)
    )
    if locked.state != Review.State.SUBMITTED:
        raise ValidationError(_("Only a submitted review can be reopened."))
    assignment = locked.assignment
    if not review_window_open(assignment=assignment, now=now):
        raise ValidationError(
            _(
                "The review deadline of %(name)s has passed, so they could not change the "
                "review. Extend their deadline first, then reopen the review."
            )
            % {"name": assignment.reviewer}
        )
    locked.state = Review.State.DRAFT
    # A page still open on the submitted review must not submit it again unawares.
    locked.revision += 1
    locked.save(update_fields=["state", "revision", "updated_at"])
    last_version = locked.versions.aggregate(last=Max("number"))["last"]
    audit_record(
        action="review.reopened",
        obj=locked,
        actor=user,
        workshop=assignment.workshop,
        changes={"state": [Review.State.SUBMITTED, Review.State.DRAFT]},
        # Staff's words about the reviewer's work: the log keeps their hash only.
        details={
            "assignment": assignment.code,
            "version": last_version,
            "reason": personal(reason),
        },
    )
    assignment_notify(assignment=assignment, template="review_reopened", reason=reason)
    aggregates_warm_after_commit(workshop_id=assignment.workshop_id)
    return locked
