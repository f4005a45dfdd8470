"""Reads for workshop invitations: eligible submissions to invite (with their reviews' mean
level and recommendations), the attendee list and its counts, and an invitee's own
invitations."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from portal.models import User, Workshop
from reviews.models import CriterionScore, Review, ReviewerApplication, WorkshopInvitation
from reviews.selectors.aggregates.workshop_page import (
    FIGURES_SECONDS,
    cached_stamp,
    log_position,
    stamp_of_position,
)
from submissions.models import Submission

INVITATION_SORTS = ("mean", "title", "yes")
PER_PAGE = 50
_PREFIX = "reviews:invitations"


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


def invitation_figures(
    *, workshop: Workshop, stamp: str | None = None
) -> dict[int, InvitationFigures]:
    """Submission id -> its figures, cached under the workshop's scores stamp (see
    reviews.selectors.aggregates.workshop_page): one query (the audit log's position) while
    no review was submitted, reopened or changed; the stamp and the two GROUP BY queries over
    every submitted review and score (330,000 at 10,000 submissions) when one was."""
    if stamp is None:
        stamp = cached_stamp(workshop)
    key = f"{_PREFIX}:figures:{workshop.pk}:{stamp}"
    figures = cache.get(key)
    if figures is None:
        figures = _invitation_figures_computed(workshop)
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


def _mean_first(figures: InvitationFigures) -> tuple[bool, float]:
    """Sort key: the highest mean level first, submissions without one last."""
    return (figures.mean_level is None, -(figures.mean_level or 0.0))


def eligible_stamp(*, workshop: Workshop) -> str:
    """Changes whenever the eligible submissions (or their titles, the order's tie-breaker)
    may have: how many there are and when the last of them changed. One query over the
    workshop's eligible submissions."""
    stamp = Submission.objects.filter(workshop=workshop, state=Submission.State.ELIGIBLE).aggregate(
        count=Count("pk"), last=Max("updated_at")
    )
    last = stamp["last"].isoformat() if stamp["last"] else "-"
    return f"{stamp['count']}:{last}"


def _cached_eligible_stamp(workshop: Workshop, position: int) -> str:
    """The eligible stamp, asked again only when the workshop's audit log moved (a
    submission's screening and edits record an event in it)."""
    key = f"{_PREFIX}:eligible:{workshop.pk}:{position}"
    return stamp_of_position(key, eligible_stamp, workshop)


def _order_key(workshop: Workshop, sort: str) -> tuple[str, str]:
    """The cache key of the sort's order, and the scores stamp in it."""
    position = log_position(workshop)
    scores = cached_stamp(workshop, position=position)
    eligible = _cached_eligible_stamp(workshop, position)
    return f"{_PREFIX}:order:{workshop.pk}:{sort}:{scores}:{eligible}", scores


_Chunk = tuple[tuple[int, InvitationFigures], ...]


def _order_computed(workshop: Workshop, sort: str, stamp: str) -> list[_Chunk]:
    """The eligible submissions in the sort's order with their figures, in pages of
    PER_PAGE: the eligible ids (in title order, the database's collation) sorted by the
    cached figures in Python, which keeps title and id as tie-breakers."""
    figures = invitation_figures(workshop=workshop, stamp=stamp)
    ids = (
        Submission.objects.filter(workshop=workshop, state=Submission.State.ELIGIBLE)
        .order_by("title", "pk")
        .values_list("pk", flat=True)
    )
    of = {pk: figures.get(pk, _NO_REVIEWS) for pk in ids}
    if sort == "yes":
        order = sorted(of, key=lambda pk: (-of[pk].recommend_yes, *_mean_first(of[pk]), pk))
    elif sort == "mean":
        order = sorted(of, key=lambda pk: _mean_first(of[pk]))  # stable: title, pk
    else:
        order = list(of)
    return [
        tuple((pk, of[pk]) for pk in order[start : start + PER_PAGE])
        for start in range(0, len(order), PER_PAGE)
    ]


def _order_cached(workshop: Workshop, sort: str, key: str, stamp: str) -> list[_Chunk]:
    """Compute the sort's pages and cache them, with their count, under `key`."""
    chunks = _order_computed(workshop, sort, stamp)
    pages = {f"{key}:{number}": chunk for number, chunk in enumerate(chunks)}
    cache.set_many({f"{key}:count": _count(chunks)} | pages, FIGURES_SECONDS)
    return chunks


def _count(chunks: list[_Chunk]) -> int:
    return sum(len(chunk) for chunk in chunks)


class _CachedOrder:
    """The sorted eligible submissions as the Paginator sees them: a length, and slices of
    one page each read from the cache (recomputed all at once if a page was evicted)."""

    def __init__(self, workshop: Workshop, sort: str, key: tuple[str, str], count: int) -> None:
        self.workshop, self.sort, (self.key, self.stamp), self.length = workshop, sort, key, count

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, window: slice) -> _Chunk:
        if not self.length:
            return ()
        number = window.start // PER_PAGE
        chunk = cache.get(f"{self.key}:{number}")
        if chunk is None:
            chunks = _order_cached(self.workshop, self.sort, self.key, self.stamp)
            chunk = chunks[number] if number < len(chunks) else ()
        return chunk


def invitation_order_warm(*, workshop: Workshop) -> None:
    """Compute and cache the page order of every sort for the current scores and eligible
    submissions, if not done yet (the aggregates' background task calls it)."""
    for sort in INVITATION_SORTS:
        key, stamp = _order_key(workshop, sort)
        if cache.get(f"{key}:count") is None:
            _order_cached(workshop, sort, key, stamp)


def submissions_for_invitation(
    *, workshop: Workshop, sort: str = "mean", page_number: str | int | None = 1
) -> Page:
    """A page of the eligible submissions with their mean level (all criteria, all submitted
    reviews, N/A excluded), the reviewers' "invite?" recommendations and the contact's
    invitation state.

    The order of every sort, paged, is cached with each row's figures under the scores
    stamp and the eligible stamp (both asked again only when the workshop's audit log moved):
    a view reads the log's position and the page's 50 rows, with their organisation, contact
    and invitation, at any size. Rows that stopped being eligible since (a write that
    bypassed the log) are left out of the page. Reading the 10,000 eligible ids and their
    figures on every view to sort them took 50 ms at 10,000 submissions; computing five
    subqueries per eligible submission, 480 ms."""
    key = _order_key(workshop, sort)
    count = cache.get(f"{key[0]}:count")
    if count is None:
        count = _count(_order_cached(workshop, sort, *key))
    page = Paginator(_CachedOrder(workshop, sort, key, count), PER_PAGE).get_page(page_number)
    chunk = page.object_list
    invitation = WorkshopInvitation.objects.filter(workshop=workshop, user=OuterRef("contact_id"))
    rows = Submission.objects.filter(
        pk__in=[pk for pk, _ in chunk], state=Submission.State.ELIGIBLE
    ).select_related("organisation", "contact")
    by_id = {
        row.pk: row
        for row in rows.annotate(
            invitation_state=Subquery(invitation.values("state")[:1]),
            invitation_submission_id=Subquery(invitation.values("submission_id")[:1]),
        )
    }
    page.object_list = []
    for pk, figures in chunk:
        row = by_id.get(pk)
        if row is None:
            continue
        for name, value in figures._asdict().items():
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
