"""Reviews read as data (the API): a reviewer's own reviews and, for staff, every submitted
one, with their scores, in a constant number of queries however many there are."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from portal.models import User
from portal.permissions import has_perm
from reviews.models import Assignment, CriterionScore, Review, ReviewerApplication
from reviews.selectors.visibility.access import (
    assignment_get_for_reviewer,
    assignments_for_reviewer,
)

# Package-private: the bidding list's SQL form of the conflict rules, reused so that a
# paginated list leaves out exactly the pairs `has_conflict` refuses one by one.
from reviews.selectors.visibility.bidding import _conflicted_for_bidding
from submissions.models import Submission


def _own_assignments(user: User) -> QuerySet[Assignment]:
    """assignments_for_reviewer leaves out the conflicts staff recorded or the reviewer
    declared; the computed ones (membership, ties) are left out here, in SQL."""
    conflicted = Submission.objects.filter(_conflicted_for_bidding(user))
    return assignments_for_reviewer(user=user).exclude(submission__in=conflicted)


def _sees_all_submitted(user: User) -> bool:
    # Staff follow every review of every call on their progress and aggregate pages; they
    # read submitted reviews only, whose live rows equal the latest version (a draft can
    # still change and is the reviewer's own).
    return has_perm(user, "reviews.view_progress")


def reviews_visible_to(*, user: User) -> QuerySet[Review]:
    """The reviews a user may read: their own, and for staff every submitted one."""
    if not user.is_authenticated:
        return Review.objects.none()
    visible = Q(assignment__in=_own_assignments(user).values("pk"))
    if _sees_all_submitted(user):
        visible |= Q(state=Review.State.SUBMITTED)
    return Review.objects.filter(visible)


def reviews_for_listing(qs: QuerySet[Review], *, with_reviewer: bool = False) -> QuerySet[Review]:
    """What a list or a detail needs: submission, workshop, set and the scores in set
    order, in a fixed number of queries; `with_reviewer` adds the reviewer and the code of
    their application to the workshop (how staff pages name a reviewer)."""
    scores = CriterionScore.objects.select_related("criterion").order_by(
        "criterion__group__position", "criterion__position", "criterion__pk"
    )
    qs = qs.select_related(
        "assignment__submission", "assignment__workshop", "criteria_set"
    ).prefetch_related(Prefetch("scores", queryset=scores))
    if with_reviewer:
        application = ReviewerApplication.objects.filter(
            workshop=OuterRef("assignment__workshop"), user=OuterRef("assignment__reviewer")
        )
        qs = qs.select_related("assignment__reviewer").annotate(
            reviewer_application_code=Subquery(application.values("code")[:1])
        )
    return qs


def reviews_filter(
    qs: QuerySet[Review],
    *,
    workshop: str = "",
    submission: str = "",
    reviewer: str = "",
    criterion: str = "",
    state: str = "",
) -> QuerySet[Review]:
    """Narrow a visible queryset by codes: workshop, submission, reviewer (their
    application's code), criterion (reviews holding a score for a criterion of that code:
    its level, or N/A) and state."""
    if workshop:
        qs = qs.filter(assignment__workshop__code=workshop)
    if submission:
        qs = qs.filter(assignment__submission__code=submission)
    if reviewer:
        qs = qs.filter(
            Exists(
                ReviewerApplication.objects.filter(
                    code=reviewer,
                    workshop=OuterRef("assignment__workshop"),
                    user=OuterRef("assignment__reviewer"),
                )
            )
        )
    if criterion:
        qs = qs.filter(
            Exists(
                CriterionScore.objects.filter(
                    review=OuterRef("pk"), criterion__code=criterion
                ).filter(Q(level__isnull=False) | Q(not_applicable=True))
            )
        )
    if state:
        qs = qs.filter(state=state)
    return qs


def review_assignment_get_for_user(*, code: str, user: User) -> Assignment:
    """The assignment of a review the user may read, with the review on it, or 404.

    The reviewer's own goes through assignment_get_for_reviewer, the review page's path
    (conflicts, declines and confidentiality answer 404); staff reach submitted reviews.
    """
    if not user.is_authenticated:
        raise Http404
    found = (
        Review.objects.filter(code=code)
        .select_related("assignment__reviewer", "assignment__workshop")
        .first()
    )
    if found is None:
        raise Http404
    if found.assignment.reviewer_id == user.pk:
        assignment = assignment_get_for_reviewer(code=found.assignment.code, user=user)
    elif found.state == Review.State.SUBMITTED and _sees_all_submitted(user):
        assignment = found.assignment
    else:
        raise Http404
    assignment.review = reviews_for_listing(
        Review.objects.filter(pk=found.pk), with_reviewer=_sees_all_submitted(user)
    ).get()
    return assignment
