"""Reads and visibility for the criteria debate: who sees which proposal, what a proposer
may link, the list with its counts in a fixed number of queries, and the workshop agenda."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from criteria.localisation import criteria_localise, criteria_titles
from criteria.models import CriteriaSet, Criterion
from criteria.selectors import criteria_set_current
from debate.models import AgendaSession, Proposal, ProposalComment, ProposalStance
from portal.models import User, Workshop
from portal.permissions import has_perm
from reviews.models import Review, WorkshopInvitation
from reviews.selectors.visibility import reviews_visible_to
from submissions.models import Submission
from submissions.selectors import submissions_visible_to


def takes_part(*, user: User, workshop: Workshop) -> bool:
    return has_perm(user, "debate.take_part", workshop)


def proposals_visible_to(*, user: User, workshop: Workshop) -> QuerySet[Proposal]:
    """Every proposal of the workshop for its participants and staff; none for others."""
    if not takes_part(user=user, workshop=workshop):
        return Proposal.objects.none()
    return Proposal.objects.filter(workshop=workshop)


def _count(model, **filters) -> Coalesce:
    counted = (
        model.objects.filter(proposal=OuterRef("pk"), **filters)
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Support, objection and comment counts, as subqueries (no row multiplication)."""
    return qs.annotate(
        support_count=_count(ProposalStance, stance=ProposalStance.Stance.SUPPORT),
        objection_count=_count(ProposalStance, stance=ProposalStance.Stance.OBJECT),
        comment_count=_count(ProposalComment, removed_at__isnull=True),
    )


@dataclass(frozen=True)
class ProposalFilters:
    kind: str = ""
    criterion: str = ""  # a criterion code
    status: str = ""  # open | withdrawn | decided | duplicate
    mine: bool = False
    query: str = ""


def proposals_for_list(
    *, user: User, workshop: Workshop, filters: ProposalFilters
) -> QuerySet[Proposal]:
    qs = proposals_visible_to(user=user, workshop=workshop)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.criterion:
        qs = qs.filter(criterion__code=filters.criterion)
    if filters.status == "open":
        qs = qs.filter(withdrawn_at__isnull=True, outcome="", duplicate_of__isnull=True)
    elif filters.status == "decided":
        qs = qs.exclude(outcome="")
    elif filters.status == "withdrawn":
        qs = qs.filter(withdrawn_at__isnull=False)
    elif filters.status == "duplicate":
        qs = qs.filter(duplicate_of__isnull=False)
    if filters.mine:
        qs = qs.filter(author=user)
    if filters.query:
        qs = qs.filter(Q(title__icontains=filters.query) | Q(rationale__icontains=filters.query))
    return with_counts(
        qs.select_related("criterion", "author", "duplicate_of", "criteria_set")
    ).order_by("-created_at", "-pk")


def proposal_get_for_user(*, workshop: Workshop, code: str, user: User) -> Proposal:
    """The proposal with its counts, or 404 for anyone who does not take part."""
    qs = with_counts(
        proposals_visible_to(user=user, workshop=workshop).select_related(
            "workshop", "criterion", "criteria_set", "author", "duplicate_of", "decided_by"
        )
    ).prefetch_related(
        "other_criteria",
        "resulting_criteria__criteria_set",
        Prefetch("duplicates", queryset=Proposal.objects.order_by("created_at", "pk")),
    )
    try:
        return qs.get(code=code)
    except Proposal.DoesNotExist:
        raise Http404 from None


def _loaded_criteria(proposal: Proposal) -> list[Criterion]:
    """The criteria already loaded with the proposal (never a query of its own)."""
    criteria = []
    if proposal.criterion_id is not None and Proposal.criterion.is_cached(proposal):
        criteria.append(proposal.criterion)
    prefetched = getattr(proposal, "_prefetched_objects_cache", {})
    for name in ("other_criteria", "resulting_criteria"):
        criteria.extend(prefetched.get(name, ()))
    return criteria


def proposals_localise(proposals) -> list[Proposal]:
    """The proposals with the criteria loaded with them (select_related or prefetched) in
    the reader's language, for a page: one query for any number, none in English. The
    localised criteria refuse to be saved, so pages call this after any service has run on
    the proposals, just before rendering."""
    proposals = list(proposals)
    criteria_localise(criteria=[c for p in proposals for c in _loaded_criteria(p)])
    return proposals


def proposal_comments(*, proposal: Proposal) -> QuerySet[ProposalComment]:
    return proposal.comments.select_related("author").order_by("created_at", "pk")


def proposal_comment_get(*, proposal: Proposal, code: str) -> ProposalComment:
    """A comment of `proposal` (which the caller may see), or 404."""
    try:
        comment = proposal.comments.select_related("author").get(code=code)
    except ProposalComment.DoesNotExist:
        raise Http404 from None
    comment.proposal = proposal
    return comment


def proposal_comment_history(*, comment: ProposalComment) -> QuerySet:
    return comment.revisions.order_by("-number")


def stance_of(*, user: User, proposal: Proposal) -> str:
    return (
        ProposalStance.objects.filter(proposal=proposal, user=user)
        .values_list("stance", flat=True)
        .first()
        or ""
    )


def criteria_for_proposals(*, workshop: Workshop) -> tuple[CriteriaSet | None, QuerySet]:
    """The current version and its criteria: what a new proposal is about."""
    current = criteria_set_current(workshop=workshop)
    if current is None:
        return None, Criterion.objects.none()
    return current, current.criteria.select_related("group").order_by(
        "group__position", "position", "pk"
    )


def criteria_picker_titles(*, criteria_set: CriteriaSet | None) -> dict[int, str]:
    """criterion id -> its title in the reader's language, for the forms' criterion
    pickers: their choices stay the version's criteria (the values do not change), only
    the labels are translated. One query, none in English."""
    if criteria_set is None:
        return {}
    return criteria_titles(criteria_set_ids=[criteria_set.pk])


def linkable_submissions(*, user: User, workshop: Workshop) -> QuerySet[Submission]:
    """The evaluations the proposer may see: their organisation's (all, for staff) and the
    ones they review (through the reviews' visibility rules, so never a conflicted one)."""
    # Two id lists, not one OR of two subqueries: PostgreSQL cannot turn an OR into
    # semi-joins, and would test every submission of a large call against both.
    visible = submissions_visible_to(user=user, workshop=workshop).values_list("pk", flat=True)
    reviewed = (
        reviews_visible_to(user=user)
        .filter(assignment__workshop=workshop)
        .values_list("assignment__submission_id", flat=True)
    )
    ids = {*visible, *reviewed}
    return (
        Submission.objects.filter(workshop=workshop, pk__in=ids)
        .exclude(state=Submission.State.DRAFT)
        .order_by("title", "pk")
    )


def linkable_reviews(*, user: User, workshop: Workshop) -> QuerySet[Review]:
    """The reviews the proposer may read: their own, and for staff every submitted one."""
    return (
        reviews_visible_to(user=user)
        .filter(assignment__workshop=workshop)
        .select_related("assignment__submission")
        .order_by("assignment__submission__title", "pk")
    )


def accepted_proposals(*, workshop: Workshop) -> QuerySet[Proposal]:
    """Proposals the session accepted (with or without changes), not yet applied."""
    return (
        Proposal.objects.filter(
            workshop=workshop,
            withdrawn_at__isnull=True,
            outcome__in=[Proposal.Outcome.ACCEPTED, Proposal.Outcome.ACCEPTED_WITH_CHANGES],
        )
        .select_related("criterion")
        .prefetch_related("other_criteria")
        .order_by("created_at", "pk")
    )


def proposals_of_criteria(*, criterion_ids: list[int]) -> dict[int, list[Proposal]]:
    """criterion id -> the proposals that changed or created it, in one query."""
    through = Proposal.resulting_criteria.through
    rows = through.objects.filter(criterion_id__in=criterion_ids).select_related("proposal")
    result: dict[int, list[Proposal]] = {}
    for row in rows.order_by("proposal__created_at", "proposal__pk"):
        result.setdefault(row.criterion_id, []).append(row.proposal)
    return result


# Opportunities to refine, in the public summary: what the session agreed on or sent back.
SUMMARY_OUTCOMES = (
    Proposal.Outcome.ACCEPTED,
    Proposal.Outcome.ACCEPTED_WITH_CHANGES,
    Proposal.Outcome.NEEDS_MORE_WORK,
)


@dataclass(frozen=True)
class Refinement:
    """A decided proposal as the public summary shows it."""

    criterion_code: str  # "" for a new criterion
    kind: str
    title: str
    proposed_text: str
    outcome: str
    # The proposer's name, only with their consent; else "".
    proposer: str
    support: int
    objections: int


def refinements_for_summary(*, workshop: Workshop) -> list[Refinement]:
    """The workshop's decided proposals (not withdrawn, not grouped under another), in one
    query, in the order they were made. The proposer is named only with consent: an erased
    account withdraws it (privacy.erasure)."""
    rows = with_counts(
        Proposal.objects.filter(
            workshop=workshop,
            withdrawn_at__isnull=True,
            duplicate_of__isnull=True,
            outcome__in=SUMMARY_OUTCOMES,
        ).select_related("criterion", "author")
    ).order_by("created_at", "pk")
    return [
        Refinement(
            criterion_code=p.criterion.code if p.criterion else "",
            kind=p.get_kind_display(),
            title=p.title,
            proposed_text=p.proposed_text,
            outcome=p.get_outcome_display(),
            proposer=p.author.full_name if p.attribution_consent and p.author else "",
            support=p.support_count,
            objections=p.objection_count,
        )
        for p in rows
    ]


# --- the workshop agenda ------------------------------------------------------------------


def agenda_sessions_visible_to(*, user: User, workshop: Workshop) -> QuerySet[AgendaSession]:
    """The workshop's sessions for its participants and staff; none for others."""
    if not takes_part(user=user, workshop=workshop):
        return AgendaSession.objects.none()
    return AgendaSession.objects.filter(workshop=workshop)


def agenda_session_get_for_user(*, workshop: Workshop, code: str, user: User) -> AgendaSession:
    """One session (for the staff's form), or 404 for anyone who does not take part."""
    qs = agenda_sessions_visible_to(user=user, workshop=workshop).select_related(
        "workshop", "chair", "note_taker"
    )
    try:
        return qs.get(code=code)
    except AgendaSession.DoesNotExist:
        raise Http404 from None


def proposals_for_notes(*, session: AgendaSession) -> QuerySet[Proposal]:
    """The session's proposals with what the note-taker needs, in a fixed number of queries:
    criterion, counts, who decided; in the order they were made."""
    return with_counts(
        session.proposals.select_related("workshop", "criterion", "decided_by", "applied_in")
    ).order_by("created_at", "pk")


def agenda_for_workshop(
    *, user: User, workshop: Workshop, localise: bool = False
) -> list[AgendaSession]:
    """The sessions in time order with their chair and note-taker, criteria (in the
    criteria set's order) and proposals with their support and objection counts: three
    queries, however many sessions and proposals. `localise` (the pages, not the calendar
    file): the criteria in the reader's language, one more query unless it is English."""
    criteria = Criterion.objects.select_related("group").order_by(
        "group__position", "position", "pk"
    )
    proposals = with_counts(Proposal.objects.select_related("criterion")).order_by(
        "created_at", "pk"
    )
    sessions = list(
        agenda_sessions_visible_to(user=user, workshop=workshop)
        .select_related("chair", "note_taker")
        .prefetch_related(
            Prefetch("criteria", queryset=criteria),
            Prefetch("proposals", queryset=proposals),
        )
        .order_by("starts_at", "pk")
    )
    if localise:
        criteria_localise(
            criteria=[
                criterion
                for session in sessions
                for criterion in [
                    *session.criteria.all(),
                    *(c for p in session.proposals.all() for c in _loaded_criteria(p)),
                ]
            ]
        )
    return sessions


@dataclass(frozen=True)
class AgendaDay:
    day: date
    sessions: list[AgendaSession]


def agenda_by_day(sessions: list[AgendaSession]) -> list[AgendaDay]:
    """Sessions grouped by their day in the active time zone (the viewer's, as the times
    on the page are shown)."""
    days: list[AgendaDay] = []
    for session in sessions:
        day = timezone.localtime(session.starts_at).date()
        if not days or days[-1].day != day:
            days.append(AgendaDay(day=day, sessions=[]))
        days[-1].sessions.append(session)
    return days


def agenda_people(*, workshop: Workshop) -> QuerySet[User]:
    """Who may chair a session or take its notes: active AI Office staff and the people
    who accepted the workshop invitation (a bounded list, not every account)."""
    invited = WorkshopInvitation.objects.filter(
        workshop=workshop, state=WorkshopInvitation.State.ACCEPTED
    ).values("user_id")
    staff = User.objects.filter(groups__name=settings.STAFF_GROUP_NAME).values("pk")
    return User.objects.filter(
        Q(is_superuser=True) | Q(pk__in=staff) | Q(pk__in=invited), is_active=True
    ).order_by("full_name", "email")


def agenda_proposals(*, workshop: Workshop) -> QuerySet[Proposal]:
    """The proposals a session can take up: open or decided, not withdrawn, and not grouped
    under another proposal (the main one is discussed for the group)."""
    return (
        Proposal.objects.filter(
            workshop=workshop, withdrawn_at__isnull=True, duplicate_of__isnull=True
        )
        .select_related("criterion")
        .order_by("criterion__code", "created_at", "pk")
    )


def workshops_taken_part_in(*, user: User) -> list[Workshop]:
    """The workshops whose invitation the user accepted (one query), soonest first."""
    if not user.is_authenticated:
        return []
    return list(
        Workshop.objects.filter(
            event_invitations__user=user,
            event_invitations__state=WorkshopInvitation.State.ACCEPTED,
        ).order_by(F("event_date").asc(nulls_last=True), "pk")
    )
