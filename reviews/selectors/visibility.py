"""Who sees which submission and which review: the one place that applies conflicts of
interest, anonymity and confidentiality for the review process. Views, downloads, exports
and PDFs reuse these functions; templates never decide visibility.
"""

from __future__ import annotations

import string

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.models import User, Workshop
from reviews.models import Assignment, ConflictRecord, Review, ReviewerApplication
from reviews.selectors.conflicts import has_conflict
from submissions.models import Submission

REVIEWABLE_STATES = (Submission.State.ELIGIBLE,)


def _cleared_for_confidential(user: User) -> Q:
    return Q(
        Exists(
            ReviewerApplication.objects.filter(
                workshop=OuterRef("workshop"),
                user=user,
                state=ReviewerApplication.State.APPROVED,
                cleared_for_confidential=True,
            )
        )
    )


def assignments_for_reviewer(*, user: User, workshop: Workshop | None = None) -> QuerySet:
    """A reviewer's live assignments: eligible submissions, not declined, confidentiality
    respected. Conflicts are excluded by `assignment_get_for_reviewer` and by the
    dashboard, which checks the few pairs it shows."""
    qs = Assignment.objects.filter(reviewer=user).exclude(state=Assignment.State.DECLINED)
    if workshop is not None:
        qs = qs.filter(workshop=workshop)
    qs = qs.filter(submission__state__in=REVIEWABLE_STATES)
    qs = qs.filter(
        ~Q(submission__confidentiality=Submission.Confidentiality.AI_OFFICE_ONLY)
        | _cleared_for_confidential(user)
    )
    # Staff-recorded conflicts are cheap to exclude here; computed ones are re-checked per
    # pair where a single assignment is opened.
    qs = qs.exclude(
        Exists(
            ConflictRecord.objects.filter(
                submission=OuterRef("submission"),
                reviewer=user,
                revoked_at__isnull=True,
                action__in=[ConflictRecord.Action.RECORDED, ConflictRecord.Action.BID],
            )
        )
    )
    return qs.select_related("workshop", "submission", "submission__provider", "review")


def assignment_get_for_reviewer(*, code: str, user: User) -> Assignment:
    """The assignment, or 404 (never 403): conflicted, declined, withdrawn, confidential
    and other people's assignments all look like they do not exist."""
    assignment = assignments_for_reviewer(user=user).filter(code=code).first()
    if assignment is None or has_conflict(reviewer=user, submission=assignment.submission):
        raise Http404
    return assignment


def reviewer_labels(*, submission: Submission) -> dict[int, str]:
    """reviewer_id -> "Reviewer A", "Reviewer B", ... stable by assignment order."""
    ids = list(
        Assignment.objects.filter(submission=submission)
        .order_by("created_at", "pk")
        .values_list("reviewer_id", flat=True)
    )
    labels = {}
    for index, reviewer_id in enumerate(ids):
        letters = string.ascii_uppercase
        suffix = letters[index % 26] + (str(index // 26) if index >= 26 else "")
        labels[reviewer_id] = f"Reviewer {suffix}"
    return labels


def other_reviews_for_reviewer(*, user: User, assignment: Assignment) -> QuerySet:
    """Other reviewers' submitted reviews of the same submission, if the workshop allows."""
    workshop = assignment.workshop
    none = Review.objects.none()
    policy = workshop.review_visibility
    if policy == Workshop.ReviewVisibility.NEVER:
        return none
    if policy == Workshop.ReviewVisibility.AFTER_OWN:
        own = getattr(assignment, "review", None)
        if own is None or own.state != Review.State.SUBMITTED:
            return none
    return (
        Review.objects.filter(
            assignment__submission=assignment.submission, state=Review.State.SUBMITTED
        )
        .exclude(assignment__reviewer=user)
        .select_related("assignment__reviewer")
        .prefetch_related("scores__criterion")
    )


def reviews_released_to_submitter(*, user: User, submission: Submission) -> QuerySet:
    """Submitters see submitted reviews only after staff release them, never who wrote them."""
    from portal.models import Membership

    released = submission.workshop.reviews_released_at
    is_member = Membership.objects.filter(
        user=user, organisation_id=submission.organisation_id
    ).exists()
    if not is_member or released is None or released > timezone.now():
        return Review.objects.none()
    return (
        Review.objects.filter(assignment__submission=submission, state=Review.State.SUBMITTED)
        .prefetch_related("scores__criterion")
        .order_by("assignment__created_at", "pk")
    )
