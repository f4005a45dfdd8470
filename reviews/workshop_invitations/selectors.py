"""Reads for workshop invitations: eligible submissions to invite (with their reviews' mean
level and recommendations), the attendee list and its counts, and an invitee's own
invitations."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from portal.models import User, Workshop
from reviews.models import CriterionScore, Review, ReviewerApplication, WorkshopInvitation
from submissions.models import Submission

INVITATION_SORTS = ("mean", "title", "yes")


def submissions_for_invitation(*, workshop: Workshop, sort: str = "mean") -> QuerySet[Submission]:
    """Eligible submissions with their mean level (all criteria, all submitted reviews,
    N/A excluded), the reviewers' "invite?" recommendations and the contact's invitation
    state; one query per page."""
    scores = CriterionScore.objects.filter(
        review__assignment__submission=OuterRef("pk"),
        review__state=Review.State.SUBMITTED,
        not_applicable=False,
        level__isnull=False,
    )
    submitted = Review.objects.filter(
        assignment__submission=OuterRef("pk"), state=Review.State.SUBMITTED
    )

    def recommendations(value: str) -> Coalesce:
        rows = submitted.filter(recommendation=value).order_by().values("assignment__submission")
        return Coalesce(
            Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Value(0),
        )

    invitation = WorkshopInvitation.objects.filter(workshop=workshop, user=OuterRef("contact_id"))
    qs = (
        Submission.objects.filter(workshop=workshop, state=Submission.State.ELIGIBLE)
        .select_related("organisation", "contact")
        .annotate(
            mean_level=Subquery(
                scores.order_by()
                .values("review__assignment__submission")
                .annotate(mean=Avg("level"))
                .values("mean"),
                output_field=FloatField(),
            ),
            review_count=Coalesce(
                Subquery(
                    submitted.order_by()
                    .values("assignment__submission")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            recommend_yes=recommendations(Review.Recommendation.YES),
            recommend_maybe=recommendations(Review.Recommendation.MAYBE),
            recommend_no=recommendations(Review.Recommendation.NO),
            invitation_state=Subquery(invitation.values("state")[:1]),
            invitation_submission_id=Subquery(invitation.values("submission_id")[:1]),
        )
    )
    if sort == "title":
        return qs.order_by("title", "pk")
    if sort == "yes":
        return qs.order_by("-recommend_yes", F("mean_level").desc(nulls_last=True), "pk")
    return qs.order_by(F("mean_level").desc(nulls_last=True), "title", "pk")


def invitations_for_staff(
    *, workshop: Workshop, state: str = "", kind: str = ""
) -> QuerySet[WorkshopInvitation]:
    """The attendee list: invitations with person, submission, organisation or affiliation."""
    affiliation = ReviewerApplication.objects.filter(
        workshop=workshop, user=OuterRef("user_id"), state=ReviewerApplication.State.APPROVED
    ).values("affiliation")[:1]
    qs = (
        WorkshopInvitation.objects.filter(workshop=workshop)
        .select_related("user", "submission__organisation")
        .annotate(affiliation=Subquery(affiliation))
    )
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "user__full_name", "user__email", "pk")


def invitation_state_counts(*, workshop: Workshop) -> dict[str, int]:
    """Invitations per state, every state present (zero included)."""
    row = WorkshopInvitation.objects.filter(workshop=workshop).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in WorkshopInvitation.State.values}
    )
    return {state: row[state] or 0 for state in WorkshopInvitation.State.values}


# --- The invitee's own ----------------------------------------------------------------------


def event_day_end(*, workshop: Workshop) -> dt.datetime | None:
    """The last moment of the event day in the workshop's time zone, or None without a date."""
    if workshop.event_date is None:
        return None
    next_day = dt.datetime.combine(
        workshop.event_date + timedelta(days=1), dt.time.min, tzinfo=workshop.tzinfo
    )
    return next_day - timedelta(microseconds=1)


def invitation_is_open(*, invitation: WorkshopInvitation) -> bool:
    """Whether the invitee may still answer: until the end of the event day, if one is set."""
    deadline = event_day_end(workshop=invitation.workshop)
    return deadline is None or timezone.now() <= deadline


def invitation_get_for_invitee(*, code: str, user: User) -> WorkshopInvitation:
    """The invitation, or 404 for anyone but its invitee, staff included: the answer holds
    needs that can be health data, and staff read answers in the attendee list."""
    if not user.is_authenticated:
        raise Http404
    try:
        return WorkshopInvitation.objects.select_related("workshop", "user", "submission").get(
            code=code, user=user
        )
    except WorkshopInvitation.DoesNotExist:
        raise Http404 from None


def invitations_open_for_invitee(*, user: User) -> list[WorkshopInvitation]:
    """The user's invitations that can still be answered, soonest workshop first."""
    if not user.is_authenticated:
        return []
    invitations = (
        WorkshopInvitation.objects.filter(user=user)
        .select_related("workshop")
        .order_by(F("workshop__event_date").asc(nulls_last=True), "pk")
    )
    return [i for i in invitations if invitation_is_open(invitation=i)]
