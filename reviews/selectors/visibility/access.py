"""Which assignments, submissions and released reviews a reviewer or a submitter may
reach, and the reviewer labels that stand in for names."""

from __future__ import annotations

import string
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User, Workshop
from portal.permissions import has_perm
from reviews.models import (
    Assignment,
    ConflictRecord,
    Review,
    ReviewerApplication,
)
from reviews.selectors.conflicts import has_conflict
from submissions.models import Submission

REVIEWABLE_STATES = (Submission.State.ELIGIBLE,)


def _approved_reviewer(user: User, **extra) -> Q:
    """The user is an approved reviewer of the assignment's workshop (`extra`: and more)."""
    return Q(
        Exists(
            ReviewerApplication.objects.filter(
                workshop=OuterRef("workshop"),
                user=user,
                state=ReviewerApplication.State.APPROVED,
                **extra,
            )
        )
    )


def assignments_for_reviewer(*, user: User, workshop: Workshop | None = None) -> QuerySet:
    """A reviewer's live assignments: approved to review for the workshop (a withdrawn or
    declined application ends access to the submissions), eligible submissions, not
    declined, confidentiality respected. Conflicts are excluded by
    `assignment_get_for_reviewer` and by the dashboard, which checks the few pairs it
    shows."""
    qs = Assignment.objects.filter(reviewer=user).exclude(state=Assignment.State.DECLINED)
    if workshop is not None:
        qs = qs.filter(workshop=workshop)
    qs = qs.filter(submission__state__in=REVIEWABLE_STATES)
    qs = qs.filter(_approved_reviewer(user))
    qs = qs.filter(
        ~Q(submission__confidentiality=Submission.Confidentiality.AI_OFFICE_ONLY)
        | _approved_reviewer(user, cleared_for_confidential=True)
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
    assignment = (
        assignments_for_reviewer(user=user)
        .select_related("review__criteria_set")
        .filter(code=code)
        .first()
    )
    if assignment is None or has_conflict(reviewer=user, submission=assignment.submission):
        raise Http404
    return assignment


def _labels_in_order(reviewer_ids: list[int]) -> dict[int, str]:
    labels = {}
    for index, reviewer_id in enumerate(reviewer_ids):
        letters = string.ascii_uppercase
        suffix = letters[index % 26] + (str(index // 26) if index >= 26 else "")
        labels[reviewer_id] = _("Reviewer %(letter)s") % {"letter": suffix}
    return labels


def reviewer_labels(*, submission: Submission) -> dict[int, str]:
    """reviewer_id -> "Reviewer A", "Reviewer B", ... stable by assignment order."""
    return _labels_in_order(
        list(
            Assignment.objects.filter(submission=submission)
            .order_by("created_at", "pk")
            .values_list("reviewer_id", flat=True)
        )
    )


def reviewer_labels_by_submission(*, submission_ids: list[int]) -> dict[int, dict[int, str]]:
    """`reviewer_labels` of many submissions in one query (the reports' annexes)."""
    ordered: dict[int, list[int]] = {pk: [] for pk in submission_ids}
    for submission_id, reviewer_id in (
        Assignment.objects.filter(submission_id__in=submission_ids)
        .order_by("created_at", "pk")
        .values_list("submission_id", "reviewer_id")
    ):
        ordered[submission_id].append(reviewer_id)
    return {pk: _labels_in_order(ids) for pk, ids in ordered.items()}


def others_open_to_reviewer(*, assignment: Assignment) -> bool:
    """The workshop's rule for seeing other reviewers' work: never, after submitting one's
    own review, or always. Other reviews and the discussion thread both follow it."""
    policy = assignment.workshop.review_visibility
    if policy == Workshop.ReviewVisibility.NEVER:
        return False
    if policy == Workshop.ReviewVisibility.AFTER_OWN:
        own = getattr(assignment, "review", None)
        return own is not None and own.state == Review.State.SUBMITTED
    return True


def other_reviews_for_reviewer(*, user: User, assignment: Assignment) -> QuerySet:
    """Other reviewers' submitted reviews of the same submission, if the workshop allows."""
    if not others_open_to_reviewer(assignment=assignment):
        return Review.objects.none()
    return (
        Review.objects.filter(
            assignment__submission=assignment.submission, state=Review.State.SUBMITTED
        )
        .exclude(assignment__reviewer=user)
        .select_related("assignment__reviewer")
        .prefetch_related("scores__criterion")
    )


def reviews_released(*, workshop: Workshop, now: datetime | None = None) -> bool:
    released = workshop.reviews_released_at
    return released is not None and released <= (now or timezone.now())


def reviews_released_to_submitter(*, user: User, submission: Submission) -> QuerySet:
    """Submitters see submitted reviews only after staff release them, never who wrote them."""
    if not has_perm(user, "reviews.read_reviews_of_submission", submission) or not (
        reviews_released(workshop=submission.workshop)
    ):
        return Review.objects.none()
    return (
        Review.objects.filter(assignment__submission=submission, state=Review.State.SUBMITTED)
        .prefetch_related("scores__criterion")
        .order_by("assignment__created_at", "pk")
    )
