"""Assigning reviewers to submissions, by staff now and by the automatic assignment later.

`assignment_create` is the one way an Assignment comes to exist: it checks approval,
eligibility, confidentiality and conflicts for the pair in a handful of small queries, so
the automatic assignment can call it in a loop.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.services.audit import audit_record
from portal.services.mail import absolute_url, email_queue_from_templates
from reviews.models import Assignment, Review, ReviewerApplication
from reviews.selectors.conflicts import conflict_reasons
from submissions.models import Submission


def assignment_review_url(*, assignment: Assignment) -> str:
    """Absolute link to the reviewer's page for this assignment."""
    path = reverse("reviews:review_detail", args=[assignment.code])
    return absolute_url(path)


def _refuse(reviewer: User, reason: str) -> ValidationError:
    return ValidationError(
        _("Cannot assign %(name)s: %(reason)s") % {"name": reviewer, "reason": reason},
        code="refused",
    )


def _format_in_workshop_zone(moment: datetime, workshop) -> str:
    local = timezone.localtime(moment, workshop.tzinfo)
    return f"{local:%Y-%m-%d %H:%M} ({workshop.timezone})"


def assignment_notify(*, assignment: Assignment, template: str, **extra) -> None:
    """Email the reviewer about their assignment, in their language, after commit."""
    reviewer = assignment.reviewer
    email_queue_from_templates(
        to=[reviewer.email],
        template_prefix=f"reviews/email/{template}",
        context={
            "assignment": assignment,
            "reviewer": reviewer,
            "submission": assignment.submission,
            "workshop": assignment.workshop,
            "deadline": assignment.deadline,
            "reviewer_timezone": reviewer.timezone,
            "url": assignment_review_url(assignment=assignment),
            **extra,
        },
        language=reviewer.preferred_language,
    )


@transaction.atomic
def assignment_create(
    *,
    submission: Submission,
    reviewer: User,
    user: User | None,
    source: str = Assignment.Source.MANUAL,
) -> Assignment:
    """Assign `reviewer` to `submission` and tell them by email.

    Refuses, naming the reason, when the submission is not eligible, the reviewer is not
    approved for the workshop, already has this submission, is not cleared for an
    "AI Office only" submission, or has a conflict of interest with it.
    """
    workshop = submission.workshop
    if submission.state != Submission.State.ELIGIBLE:
        raise _refuse(
            reviewer,
            _("only eligible submissions can be reviewed; this one is “%(state)s”.")
            % {"state": submission.get_state_display()},
        )
    application = (
        ReviewerApplication.objects.filter(workshop=workshop, user=reviewer)
        .only("state", "cleared_for_confidential")
        .first()
    )
    if (
        application is None
        or application.state != ReviewerApplication.State.APPROVED
        or not reviewer.is_active
    ):
        raise _refuse(reviewer, _("they are not an approved reviewer for this call."))
    existing = (
        Assignment.objects.filter(submission=submission, reviewer=reviewer)
        .values_list("state", flat=True)
        .first()
    )
    if existing == Assignment.State.DECLINED:
        raise _refuse(reviewer, _("they declined this submission earlier."))
    if existing is not None:
        raise _refuse(reviewer, _("they are already assigned to this submission."))
    if (
        submission.confidentiality == Submission.Confidentiality.AI_OFFICE_ONLY
        and not application.cleared_for_confidential
    ):
        raise _refuse(
            reviewer,
            _("the submission is “AI Office only” and they are not cleared for such submissions."),
        )
    reasons = conflict_reasons(reviewer=reviewer, submission=submission)
    if reasons:
        raise _refuse(reviewer, " ".join(reasons))

    assignment = Assignment(
        workshop=workshop,
        submission=submission,
        reviewer=reviewer,
        source=source,
        created_by=user,
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        # Two staff members (or staff and the automatic run) assigned the pair at once.
        raise _refuse(reviewer, _("they are already assigned to this submission.")) from None
    audit_record(
        action="assignment.added",
        obj=assignment,
        actor=user,
        details={"reviewer": reviewer.pk, "submission": submission.code, "source": source},
    )
    assignment_notify(assignment=assignment, template="assignment_created")
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, user: User) -> None:
    """Take a submission back from a reviewer, unless they already submitted their review."""
    # Lock the review row too: a reviewer submitting at this very moment must either win
    # (and the removal is refused) or see their assignment gone, never lose a submitted review.
    locked = Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
    if locked is None:
        raise ValidationError(_("This assignment no longer exists."))
    review = Review.objects.select_for_update().filter(assignment=assignment).first()
    if review is not None and review.state == Review.State.SUBMITTED:
        raise ValidationError(
            _(
                "%(name)s has already submitted a review of this submission; the assignment "
                "cannot be removed."
            )
            % {"name": assignment.reviewer}
        )
    was_active = locked.state != Assignment.State.DECLINED
    if was_active:
        # Rendered before the delete: the email names the submission and the workshop.
        assignment_notify(assignment=assignment, template="assignment_removed")
    # Nobody gives a reason for taking a submission back (the page and the API ask none);
    # a declined assignment's own reason is the reviewer's text, kept out of the log.
    audit_record(
        action="assignment.removed",
        obj=locked,
        actor=user,
        details={
            "reviewer": locked.reviewer_id,
            "submission": assignment.submission.code,
            "source": locked.source,
            "state": locked.state,
        },
    )
    assignment.delete()


@transaction.atomic
def assignment_extend(*, assignment: Assignment, deadline: datetime, user: User) -> Assignment:
    """Give one reviewer a later deadline than the workshop's (or than their last extension)."""
    locked = Assignment.objects.select_for_update().select_related("workshop").get(pk=assignment.pk)
    if locked.state == Assignment.State.DECLINED:
        raise ValidationError(
            _("The reviewer declined this assignment; there is nothing to extend.")
        )
    current = locked.deadline
    if deadline <= current:
        raise ValidationError(
            {
                "deadline": _("The new deadline must be after the current one, %(deadline)s.")
                % {"deadline": _format_in_workshop_zone(current, locked.workshop)}
            }
        )
    assignment.deadline_override = deadline
    assignment.save(update_fields=["deadline_override"])
    audit_record(
        action="assignment.extended",
        obj=locked,
        actor=user,
        changes={"deadline": [current, deadline]},
        details={"reviewer": locked.reviewer_id, "submission": assignment.submission.code},
    )
    assignment_notify(assignment=assignment, template="assignment_extended")
    return assignment
