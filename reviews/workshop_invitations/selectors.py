"""Reads for workshop invitations: eligible submissions to invite (with their reviews' mean
level and recommendations), the attendee list and its counts, and an invitee's own
invitations."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from portal.models import User, Workshop
from reviews.models import CriterionScore, Review, ReviewerApplication, WorkshopInvitation
from reviews.selectors.aggregates.workshop_page import FIGURES_SECONDS, cached_stamp
from submissions.models import Submission

INVITATION_SORTS = ("mean", "title", "yes")
PER_PAGE = 50


class InvitationFigures(NamedTuple):
    """A submission's submitted reviews, as the invite-submitters page shows them."""

    mean_level: float | None  # all criteria, all submitted reviews, N/A excluded
    review_count: int
    recommend_yes: int
    recommend_maybe: int
    recommend_no: int


_NO_REVIEWS = InvitationFigures(None, 0, 0, 0, 0)


def _invitation_figures_computed(workshop: Workshop) -> dict[int, InvitationFigures]:
    """Per submission with a submitted review: two GROUP BY queries over the workshop."""
    submitted = Review.objects.filter(
        assignment__workshop=workshop, state=Review.State.SUBMITTED
    ).order_by()
    means = dict(
        CriterionScore.objects.filter(
            review__in=submitted, not_applicable=False, level__isnull=False
        )
        .order_by()
        .values_list("review__assignment__submission")
        .annotate(mean=Avg("level"))
    )
    recommended = Count("pk", filter=Q(recommendation=Review.Recommendation.YES))
    maybe = Count("pk", filter=Q(recommendation=Review.Recommendation.MAYBE))
    declined = Count("pk", filter=Q(recommendation=Review.Recommendation.NO))
    return {
        submission_id: InvitationFigures(means.get(submission_id), count, yes, maybe_, no)
        for submission_id, count, yes, maybe_, no in submitted.values_list(
            "assignment__submission"
        ).annotate(n=Count("pk"), yes=recommended, maybe=maybe, no=declined)
    }


def invitation_figures(*, workshop: Workshop) -> dict[int, InvitationFigures]:
    """Submission id -> its figures, cached under the workshop's scores stamp (see
    reviews.selectors.aggregates.workshop_page): one query (the audit log's position) while
    no review was submitted, reopened or changed; the stamp and the two GROUP BY queries over
    every submitted review and score (330,000 at 10,000 submissions) when one was."""
    key = f"reviews:invitations:figures:{workshop.pk}:{cached_stamp(workshop)}"
    figures = cache.get(key)
    if figures is None:
        figures = _invitation_figures_computed(workshop)
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


def _mean_first(figures: InvitationFigures) -> tuple[bool, float]:
    """Sort key: the highest mean level first, submissions without one last."""
    return (figures.mean_level is None, -(figures.mean_level or 0.0))


def submissions_for_invitation(
    *, workshop: Workshop, sort: str = "mean", page_number: str | int | None = 1
) -> Page:
    """A page of the eligible submissions with their mean level (all criteria, all submitted
    reviews, N/A excluded), the reviewers' "invite?" recommendations and the contact's
    invitation state.

    The figures come from the cache (`invitation_figures`); sorted by title, SQL pages the
    submissions; sorted by mean level or "yes" recommendations, the eligible ids (in title
    order, the database's collation) are sorted by the cached figures in Python, which keeps
    title and id as tie-breakers. Then the page's 50 rows are read with their organisation,
    contact and invitation. Computing five subqueries per eligible submission to sort took
    480 ms at 10,000 submissions."""
    figures = invitation_figures(workshop=workshop)
    ids = (
        Submission.objects.filter(workshop=workshop, state=Submission.State.ELIGIBLE)
        .order_by("title", "pk")
        .values_list("pk", flat=True)
    )
    if sort != "title":
        of = {pk: figures.get(pk, _NO_REVIEWS) for pk in ids}
        if sort == "yes":
            ids = sorted(of, key=lambda pk: (-of[pk].recommend_yes, *_mean_first(of[pk]), pk))
        else:
            ids = sorted(of, key=lambda pk: _mean_first(of[pk]))  # stable: title, pk
    page = Paginator(ids, PER_PAGE).get_page(page_number)
    page_ids = list(page.object_list)
    invitation = WorkshopInvitation.objects.filter(workshop=workshop, user=OuterRef("contact_id"))
    rows = Submission.objects.filter(pk__in=page_ids).select_related("organisation", "contact")
    by_id = {
        row.pk: row
        for row in rows.annotate(
            invitation_state=Subquery(invitation.values("state")[:1]),
            invitation_submission_id=Subquery(invitation.values("submission_id")[:1]),
        )
    }
    page.object_list = []
    for pk in page_ids:
        row = by_id[pk]
        for name, value in figures.get(pk, _NO_REVIEWS)._asdict().items():
            setattr(row, name, value)
        page.object_list.append(row)
    return page


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
