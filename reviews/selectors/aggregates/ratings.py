"""Staff's list of reviewers to rate, built on the aggregates."""

from __future__ import annotations

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from portal.models import User, Workshop
from reviews.models import (
    Assignment,
    Review,
    ReviewerApplication,
    ReviewerRating,
    WorkshopInvitation,
)
from reviews.selectors.applications import approved_application_exists, reviewers_of_workshop

RATING_SORTS = ("name", "rating")


def reviewers_for_rating(
    *, workshop: Workshop, sort: str = "name", include_inactive: bool = False
) -> QuerySet[User]:
    """The workshop's approved reviewers with their load, mean confidence, rating and
    invitation state, in one query (subqueries, not joins: two counted joins would
    multiply each other).

    `include_inactive`: also those whose account was deactivated or erased since (the data
    export lists every reviewer whose scores it holds)."""
    assignments = Assignment.objects.filter(workshop=workshop, reviewer=OuterRef("pk")).exclude(
        state=Assignment.State.DECLINED
    )
    submitted = Review.objects.filter(
        assignment__workshop=workshop,
        assignment__reviewer=OuterRef("pk"),
        state=Review.State.SUBMITTED,
    )
    rating = ReviewerRating.objects.filter(workshop=workshop, reviewer=OuterRef("pk"))
    application = ReviewerApplication.objects.filter(
        workshop=workshop, user=OuterRef("pk"), state=ReviewerApplication.State.APPROVED
    )
    invitation = WorkshopInvitation.objects.filter(workshop=workshop, user=OuterRef("pk"))
    reviewers = (
        User.objects.filter(approved_application_exists(workshop))
        if include_inactive
        else reviewers_of_workshop(workshop=workshop)
    )
    qs = reviewers.annotate(
        application_code=Subquery(application.values("code")[:1]),
        affiliation=Subquery(application.values("affiliation")[:1]),
        assignment_count=Coalesce(
            Subquery(_count(assignments), output_field=IntegerField()), Value(0)
        ),
        submitted_count=Coalesce(
            Subquery(_count(submitted, group="assignment__reviewer"), output_field=IntegerField()),
            Value(0),
        ),
        mean_confidence=Subquery(
            submitted.order_by()
            .values("assignment__reviewer")
            .annotate(mean=Avg("confidence"))
            .values("mean"),
            output_field=FloatField(),
        ),
        rating=Subquery(rating.values("rating")[:1]),
        rating_note=Subquery(rating.values("note")[:1]),
        invitation_state=Subquery(invitation.values("state")[:1]),
    )
    if sort == "rating":
        return qs.order_by(F("rating").desc(nulls_last=True), "email")
    return qs.order_by("full_name", "email")


def _count(qs: QuerySet, *, group: str = "reviewer") -> QuerySet:
    return qs.order_by().values(group).annotate(n=Count("pk")).values("n")
