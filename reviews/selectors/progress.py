"""Reads for staff following the review: progress per submission and per reviewer, and the
reviewers page of one submission (its assignments, candidates and conflict audit trail).

Every number is an annotation (Count with a filter, Max) over one join to assignments and
their one-to-one review, and every filter over a many-valued relation is an Exists, so a
page costs the same few queries whatever its length and no join multiplies the counts.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import (
    Count,
    Exists,
    JSONField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from portal.models import User, Workshop
from reviews.models import Assignment, ConflictRecord, Review, ReviewerApplication
from reviews.selectors.applications import approved_applications, reviewers_of_workshop
from submissions.models import RiskArea, Submission

OPEN_STATES = (Assignment.State.ASSIGNED, Assignment.State.ACCEPTED)


def _late(*, workshop: Workshop, now: datetime, prefix: str = "") -> Q:
    """Past its deadline, not declined and not submitted. All rows share `workshop`, so its
    deadline is a constant here rather than a join."""
    past = Q(**{f"{prefix}deadline_override__lt": now})
    if workshop.review_deadline < now:
        past |= Q(**{f"{prefix}deadline_override__isnull": True})
    return (
        Q(**{f"{prefix}state__in": OPEN_STATES})
        & ~Q(**{f"{prefix}review__state": Review.State.SUBMITTED})
        & past
    )


def _counts(*, workshop: Workshop, now: datetime, prefix: str, scope: Q) -> dict:
    target = prefix.rstrip("_") or "pk"
    return {
        "assigned_count": Count(target, filter=scope),
        "accepted_count": Count(
            target, filter=scope & Q(**{f"{prefix}state": Assignment.State.ACCEPTED})
        ),
        "declined_count": Count(
            target, filter=scope & Q(**{f"{prefix}state": Assignment.State.DECLINED})
        ),
        "open_count": Count(target, filter=scope & Q(**{f"{prefix}state__in": OPEN_STATES})),
        "submitted_count": Count(
            target, filter=scope & Q(**{f"{prefix}review__state": Review.State.SUBMITTED})
        ),
        "late_count": Count(
            target, filter=scope & _late(workshop=workshop, now=now, prefix=prefix)
        ),
    }


def assignments_awaiting_review() -> QuerySet[Assignment]:
    """Assignments whose review is still owed and that the reviewer can open (apart from
    computed conflicts, which callers check set-based with `conflicted_pairs`).

    Annotated with `effective_deadline`: the reviewer's extension, else the workshop's.
    """
    # As reviews.selectors.visibility.assignments_for_reviewer: an approved reviewer of
    # the workshop, cleared for what is "AI Office only".
    approved = ReviewerApplication.objects.filter(
        workshop=OuterRef("workshop"),
        user=OuterRef("reviewer"),
        state=ReviewerApplication.State.APPROVED,
    )
    return (
        Assignment.objects.filter(
            state__in=OPEN_STATES,
            submission__state=Submission.State.ELIGIBLE,
            reviewer__is_active=True,
        )
        .exclude(review__state=Review.State.SUBMITTED)
        .filter(Exists(approved))
        .filter(
            ~Q(submission__confidentiality=Submission.Confidentiality.AI_OFFICE_ONLY)
            | Exists(approved.filter(cleared_for_confidential=True))
        )
        .annotate(effective_deadline=Coalesce("deadline_override", "workshop__review_deadline"))
    )


def submissions_progress(
    *,
    workshop: Workshop,
    now: datetime | None = None,
    query: str = "",
    risk_area: str = "",
    has_late: bool = False,
    fewer_than: int | None = None,
) -> QuerySet[Submission]:
    """The workshop's eligible submissions, filtered and ordered, without the numbers:
    `submissions_progress_rows` adds those for the rows of one page. Filters on the
    numbers are subqueries, so the list itself needs no GROUP BY."""
    now = now or timezone.now()
    qs = Submission.objects.filter(workshop=workshop, state=Submission.State.ELIGIBLE)
    if query:
        qs = qs.filter(title__icontains=query)
    if risk_area:
        qs = qs.filter(
            Exists(
                Submission.risk_areas.through.objects.filter(
                    submission=OuterRef("pk"), riskarea__code=risk_area
                )
            )
        )
    if has_late:
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(submission=OuterRef("pk")).filter(
                    _late(workshop=workshop, now=now)
                )
            )
        )
    if fewer_than is not None:
        submitted = (
            Review.objects.filter(
                assignment__submission=OuterRef("pk"), state=Review.State.SUBMITTED
            )
            .order_by()
            .values("assignment__submission")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(submitted_only=Coalesce(Subquery(submitted), 0)).filter(
            submitted_only__lt=fewer_than
        )
    return qs.order_by("title", "pk")


def submissions_progress_rows(
    *, workshop: Workshop, ids: list[int], now: datetime | None = None
) -> QuerySet[Submission]:
    """The numbers for the given submissions (one page)."""
    now = now or timezone.now()
    return (
        Submission.objects.filter(pk__in=ids)
        .annotate(**_counts(workshop=workshop, now=now, prefix="assignments__", scope=Q()))
        .select_related("organisation")
        .prefetch_related("risk_areas")
    )


def workshop_progress_totals(*, workshop: Workshop, now: datetime | None = None) -> dict:
    """The same numbers summed over the workshop's eligible submissions, in one query."""
    now = now or timezone.now()
    totals = Assignment.objects.filter(
        workshop=workshop, submission__state=Submission.State.ELIGIBLE
    ).aggregate(**_counts(workshop=workshop, now=now, prefix="", scope=Q()))
    totals["eligible_count"] = Submission.objects.filter(
        workshop=workshop, state=Submission.State.ELIGIBLE
    ).count()
    return totals


def reviewers_progress(*, workshop: Workshop, now: datetime | None = None) -> QuerySet[User]:
    """Approved reviewers, and anyone else holding an assignment in the workshop (say, after
    withdrawing), ordered; `reviewers_progress_rows` adds the numbers for one page."""
    # Two uncorrelated id lists: PostgreSQL hashes each once. The same condition with a
    # correlated EXISTS per user scanned every account of the portal (14 ms for a call of
    # 50 reviewers, twice: the count and the page).
    return User.objects.filter(
        Q(pk__in=approved_applications(workshop).values("user_id"), is_active=True)
        | Q(pk__in=Assignment.objects.filter(workshop=workshop).values("reviewer_id"))
    ).order_by("full_name", "email", "pk")


def reviewers_progress_rows(
    *, workshop: Workshop, ids: list[int], now: datetime | None = None
) -> QuerySet[User]:
    """Load, lateness and last activity of the given reviewers in the workshop."""
    now = now or timezone.now()
    in_workshop = Q(assignments__workshop=workshop)
    application = ReviewerApplication.objects.filter(workshop=workshop, user=OuterRef("pk"))
    last_response = Max("assignments__responded_at", filter=in_workshop)
    last_review = Max("assignments__review__updated_at", filter=in_workshop)
    return User.objects.filter(pk__in=ids).annotate(
        **_counts(workshop=workshop, now=now, prefix="assignments__", scope=in_workshop),
        max_reviews=Subquery(application.values("max_reviews")[:1]),
        application_state=Subquery(application.values("state")[:1]),
        last_activity=Greatest(
            Coalesce(last_response, last_review), Coalesce(last_review, last_response)
        ),
    )


def assignments_of_submission(*, submission: Submission) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(submission=submission)
        .select_related("reviewer", "review")
        .annotate(effective_deadline=Coalesce("deadline_override", "workshop__review_deadline"))
        # Creation order by primary key: a page of a 30,000-row call walks the key's
        # index instead of sorting every row by created_at first.
        .order_by("pk")
    )


def _application_of_reviewer(*, workshop: Workshop, outer: str) -> QuerySet[ReviewerApplication]:
    return ReviewerApplication.objects.filter(workshop=workshop, user=OuterRef(outer))


# How many reviewers a search on a submission's Reviewers page shows at most.
CANDIDATE_SEARCH_LIMIT = 20


def reviewer_candidates(
    *,
    workshop: Workshop,
    query: str = "",
    not_assigned_to: Submission | None = None,
    ids: set[int] | None = None,
    code: str | None = None,
) -> QuerySet[User]:
    """The workshop's approved reviewers with their application's code, limits, review
    languages and current load (assignments not declined), in one query, optionally
    narrowed: to those whose name or email contains `query`, to those not assigned to a
    submission (in any state, declined included), to some ids, or to the holder of one
    application code.

    Each number is a subquery of its own row, so a search cut to 20 rows computes 20 loads,
    not one per reviewer of the call.
    """
    application = _application_of_reviewer(workshop=workshop, outer="pk")
    load = (
        Assignment.objects.filter(workshop=workshop, reviewer=OuterRef("pk"), state__in=OPEN_STATES)
        .order_by()
        .values("reviewer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = reviewers_of_workshop(workshop=workshop)
    if query:
        qs = qs.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if not_assigned_to is not None:
        # NOT IN over the submission's few reviewers, hashed once, rather than an anti-join
        # that probes the submission's assignments again for each of 5,000 reviewers.
        qs = qs.exclude(
            pk__in=Assignment.objects.filter(submission=not_assigned_to).values("reviewer_id")
        )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if code is not None:
        qs = qs.filter(Exists(application.filter(code=code)))
    return qs.annotate(
        application_code=Subquery(application.values("code")[:1]),
        max_reviews=Subquery(application.values("max_reviews")[:1]),
        cleared_for_confidential=Subquery(application.values("cleared_for_confidential")[:1]),
        review_languages=Subquery(application.values("languages")[:1], output_field=JSONField()),
        load=Coalesce(Subquery(load), 0),
    )


def reviewer_candidates_search(*, submission: Submission, query: str) -> list[User]:
    """Approved reviewers of the submission's workshop whose name or email contains
    `query` and who are not assigned to it yet, by name: at most one more than
    CANDIDATE_SEARCH_LIMIT, so the caller can say there are more. Nothing for an empty
    query: the page never lists every reviewer of a call."""
    query = query.strip()
    if not query:
        return []
    return list(
        reviewer_candidates(
            workshop=submission.workshop, query=query, not_assigned_to=submission
        ).order_by("full_name", "email", "pk")[: CANDIDATE_SEARCH_LIMIT + 1]
    )


def conflict_records_of_submission(*, submission: Submission) -> QuerySet[ConflictRecord]:
    """The audit trail, newest first, with the application code that names the reviewer in
    the page's forms."""
    application = _application_of_reviewer(workshop=submission.workshop, outer="reviewer")
    return (
        ConflictRecord.objects.filter(submission=submission)
        .select_related("reviewer", "created_by", "revoked_by")
        .annotate(application_code=Subquery(application.values("code")[:1]))
        .order_by("-created_at", "-pk")
    )


def risk_area_choices() -> QuerySet[RiskArea]:
    return RiskArea.objects.order_by("position", "code")


def reviewer_by_application_code(*, workshop: Workshop, code: str) -> User | None:
    """The person behind an application to `workshop`, whatever its state, or None."""
    application = (
        ReviewerApplication.objects.filter(workshop=workshop, code=code)
        .select_related("user")
        .first()
    )
    return application.user if application else None


def conflict_record_active(
    *, submission: Submission, reviewer: User | None, action: str
) -> ConflictRecord | None:
    """The standing staff decision of one kind on a pair (the services keep it unique)."""
    if reviewer is None:
        return None
    return (
        ConflictRecord.objects.filter(
            submission=submission, reviewer=reviewer, action=action, revoked_at__isnull=True
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def assignments_for_staff(
    *,
    workshop_code: str = "",
    submission_code: str = "",
    reviewer_code: str = "",
    state: str = "",
) -> QuerySet[Assignment]:
    """Every assignment (staff see them all, names included), filtered, in a stable order,
    with what a list shows of each one: its workshop, submission, reviewer, review state,
    effective deadline and the reviewer's application code (their opaque id in the call).
    One query per page whatever the number of rows."""
    qs = Assignment.objects.all()
    if workshop_code:
        qs = qs.filter(workshop__code=workshop_code)
    if submission_code:
        qs = qs.filter(submission__code=submission_code)
    application = ReviewerApplication.objects.filter(
        workshop=OuterRef("workshop"), user=OuterRef("reviewer")
    )
    if reviewer_code:
        qs = qs.filter(Exists(application.filter(code=reviewer_code)))
    if state:
        qs = qs.filter(state=state)
    return (
        qs.select_related("workshop", "submission", "reviewer", "review")
        .annotate(
            effective_deadline=Coalesce("deadline_override", "workshop__review_deadline"),
            application_code=Subquery(application.values("code")[:1]),
        )
        # Creation order by primary key: a page of a 30,000-row call walks the key's
        # index instead of sorting every row by created_at first.
        .order_by("pk")
    )
