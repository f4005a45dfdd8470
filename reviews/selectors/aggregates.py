"""Aggregates of submitted reviews, and the staff lists built on them (reviewer ratings,
workshop invitations).

Every aggregate is computed in Python from one `values_list` fetch of score rows, so a
page costs the same number of queries for 10 submissions as for 1,000. Only SUBMITTED
reviews count: a draft can still change.

Scores are grouped per criterion row. A criterion row belongs to one criteria-set version,
so "per criterion within a version" is "per criterion row"; when reviews were scored
against several versions of a workshop's set, each version is aggregated on its own and
labelled with its number, never mixed.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import krippendorff
import numpy as np
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

from criteria.models import CriteriaSet, Criterion
from portal.models import User, Workshop
from reviews.models import (
    Assignment,
    CriterionScore,
    Review,
    ReviewerApplication,
    ReviewerRating,
    WorkshopInvitation,
)
from reviews.selectors.applications import reviewers_of_workshop
from submissions.models import Submission

TAGS = tuple(CriterionScore.Tag.values)
# Two reviewers two levels apart (e.g. "Weak" and "Meets the expectation") read the same
# evaluation differently enough for staff to look at it before the workshop.
DISAGREEMENT_SPREAD = 2


class ScoreRow(NamedTuple):
    submission_id: int
    criterion_id: int
    reviewer_id: int
    level: int | None
    not_applicable: bool
    tag: str


# --- Pure statistics ----------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Statistics of the levels given to one criterion (on one submission, or pooled)."""

    count: int
    na_count: int
    mean: float | None
    median: float | None
    sd: float | None
    min: int | None
    max: int | None
    disagreement: bool
    tag_counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def tagged(self) -> int:
        return sum(self.tag_counts.values())

    @property
    def tag_shares(self) -> dict[str, float | None]:
        """Share of each tag among the scores that carry a tag (None when none does)."""
        tagged = self.tagged
        return {tag: (self.tag_counts.get(tag, 0) / tagged if tagged else None) for tag in TAGS}


def score_stats(levels: Sequence[int], *, na_count: int = 0, tags: Iterable[str] = ()) -> Stats:
    """count, mean, median, sample standard deviation (n-1; None below two levels), min,
    max and the disagreement flag (max - min >= 2) of some levels. N/A is counted apart
    and never enters the numbers."""
    tag_counts = dict.fromkeys(TAGS, 0)
    for tag in tags:
        if tag in tag_counts:
            tag_counts[tag] += 1
    n = len(levels)
    if n == 0:
        return Stats(0, na_count, None, None, None, None, None, False, tag_counts)
    low, high = min(levels), max(levels)
    return Stats(
        count=n,
        na_count=na_count,
        mean=float(statistics.fmean(levels)),
        median=float(statistics.median(levels)),
        sd=statistics.stdev(levels) if n >= 2 else None,
        min=low,
        max=high,
        disagreement=high - low >= DISAGREEMENT_SPREAD,
        tag_counts=tag_counts,
    )


def ordinal_alpha(units: Iterable[Sequence[int]], *, value_domain: Iterable[int]) -> float | None:
    """Krippendorff's alpha, ordinal, for units (submissions) each holding the levels its
    coders (reviewers) gave; N/A is simply absent.

    The `krippendorff` package does the arithmetic; we hand it the value-counts form of the
    reviewers x submissions matrix, which is the same data without its empty cells. None
    when alpha is undefined: no submission with two levels, or a single level value across
    all of them (no expected disagreement to compare against).
    """
    pairable = [unit for unit in units if len(unit) >= 2]
    observed = {level for unit in pairable for level in unit}
    if len(observed) < 2:
        return None
    # The criterion's scale plus anything outside it, ascending: the ordinal metric reads
    # the order. Unused levels change nothing (they weigh by their zero frequency).
    domain = sorted(set(value_domain) | observed)
    index = {value: position for position, value in enumerate(domain)}
    counts = np.zeros((len(pairable), len(domain)), dtype=np.int64)
    for row, unit in enumerate(pairable):
        for level in unit:
            counts[row, index[level]] += 1
    result = krippendorff.alpha(
        value_counts=counts, value_domain=domain, level_of_measurement="ordinal"
    )
    return float(result)


# --- Score rows ---------------------------------------------------------------------------


def _score_rows(**filters) -> dict[int, list[ScoreRow]]:
    """Submitted scores, one query, grouped by criteria-set id."""
    rows = (
        CriterionScore.objects.filter(review__state=Review.State.SUBMITTED, **filters)
        .order_by()
        .values_list(
            "criterion__criteria_set_id",
            "review__assignment__submission_id",
            "criterion_id",
            "review__assignment__reviewer_id",
            "level",
            "not_applicable",
            "tag",
        )
    )
    by_set: dict[int, list[ScoreRow]] = defaultdict(list)
    for set_id, *values in rows:
        by_set[set_id].append(ScoreRow(*values))
    return by_set


def _criteria_by_set(set_ids: Iterable[int]) -> dict[int, tuple[CriteriaSet, list[Criterion]]]:
    """The criteria of some set versions, in display order, one query."""
    result: dict[int, tuple[CriteriaSet, list[Criterion]]] = {}
    criteria = (
        Criterion.objects.filter(criteria_set_id__in=list(set_ids))
        .select_related("criteria_set")
        .order_by("criteria_set_id", "group__position", "position", "pk")
    )
    for criterion in criteria:
        _criteria_set, items = result.setdefault(
            criterion.criteria_set_id, (criterion.criteria_set, [])
        )
        items.append(criterion)
    return result


def _level_values(criterion: Criterion) -> list[int]:
    try:
        return criterion.level_values
    except (KeyError, TypeError, ValueError):
        return []


def _stats_of(rows: Iterable[ScoreRow]) -> Stats:
    rows = list(rows)
    return score_stats(
        [r.level for r in rows if not r.not_applicable and r.level is not None],
        na_count=sum(1 for r in rows if r.not_applicable),
        tags=[r.tag for r in rows if r.tag],
    )


# --- Workshop overview --------------------------------------------------------------------


@dataclass
class CriterionAggregate:
    criterion: Criterion
    stats: Stats  # every level given to the criterion, across submissions
    alpha: float | None
    submission_count: int  # submissions with at least one level
    disagreement_count: int  # submissions whose reviewers are >= 2 levels apart


@dataclass
class SubmissionRow:
    submission_id: int
    review_count: int
    cells: list[Stats]  # in the order of VersionAggregate.criteria
    submission: Submission | None = None  # attached by the caller for the rows it shows

    @property
    def disagreement(self) -> bool:
        return any(cell.disagreement for cell in self.cells)

    @property
    def disagreement_count(self) -> int:
        return sum(1 for cell in self.cells if cell.disagreement)


@dataclass
class VersionAggregate:
    criteria_set: CriteriaSet
    criteria: list[Criterion]
    review_count: int
    criteria_rows: list[CriterionAggregate]
    submission_rows: list[SubmissionRow]


def workshop_aggregates(*, workshop: Workshop) -> list[VersionAggregate]:
    """Per criteria-set version scored in the workshop, newest first: per-criterion
    statistics with alpha and tag shares, and per-submission statistics. Two queries."""
    by_set = _score_rows(review__assignment__workshop=workshop)
    criteria_by_set = _criteria_by_set(by_set.keys())
    versions = []
    for set_id, rows in by_set.items():
        criteria_set, criteria = criteria_by_set[set_id]
        per_cell: dict[tuple[int, int], list[ScoreRow]] = defaultdict(list)
        per_criterion: dict[int, list[ScoreRow]] = defaultdict(list)
        reviews: dict[int, set[int]] = defaultdict(set)
        for row in rows:
            per_cell[(row.submission_id, row.criterion_id)].append(row)
            per_criterion[row.criterion_id].append(row)
            reviews[row.submission_id].add(row.reviewer_id)

        submission_rows = [
            SubmissionRow(
                submission_id=submission_id,
                review_count=len(reviewers),
                cells=[_stats_of(per_cell.get((submission_id, c.pk), ())) for c in criteria],
            )
            for submission_id, reviewers in reviews.items()
        ]
        criteria_rows = []
        for position, criterion in enumerate(criteria):
            cells = [row.cells[position] for row in submission_rows]
            units = [
                [
                    r.level
                    for r in per_cell.get((row.submission_id, criterion.pk), ())
                    if not r.not_applicable and r.level is not None
                ]
                for row in submission_rows
            ]
            criteria_rows.append(
                CriterionAggregate(
                    criterion=criterion,
                    stats=_stats_of(per_criterion.get(criterion.pk, ())),
                    alpha=ordinal_alpha(units, value_domain=_level_values(criterion)),
                    submission_count=sum(1 for cell in cells if cell.count),
                    disagreement_count=sum(1 for cell in cells if cell.disagreement),
                )
            )
        versions.append(
            VersionAggregate(
                criteria_set=criteria_set,
                criteria=criteria,
                review_count=sum(len(reviewers) for reviewers in reviews.values()),
                criteria_rows=criteria_rows,
                submission_rows=submission_rows,
            )
        )
    versions.sort(key=lambda v: v.criteria_set.version, reverse=True)
    return versions


def submissions_by_title(*, ids: Iterable[int]) -> dict[int, Submission]:
    """Code and title of scored submissions, ordered by title, in one query."""
    return {
        submission.pk: submission
        for submission in Submission.objects.filter(pk__in=list(ids))
        .only("pk", "code", "title")
        .order_by("title", "pk")
    }


# --- One submission -----------------------------------------------------------------------


class ReviewerCell(NamedTuple):
    level: int | None
    not_applicable: bool
    tag: str


@dataclass
class SubmissionCriterionRow:
    criterion: Criterion
    stats: Stats
    cells: list[ReviewerCell | None]  # in the order of SubmissionVersionAggregate.reviewer_ids


@dataclass
class SubmissionVersionAggregate:
    criteria_set: CriteriaSet
    reviewer_ids: list[int]
    rows: list[SubmissionCriterionRow]


def submission_aggregates(
    *, submission: Submission, reviewer_order: Sequence[int] = ()
) -> list[SubmissionVersionAggregate]:
    """Per version the submission was scored under (newest first): per-criterion statistics
    and each reviewer's level. Reviewers come in `reviewer_order` (e.g. the order of their
    labels), then any others. Two queries."""
    by_set = _score_rows(review__assignment__submission=submission)
    criteria_by_set = _criteria_by_set(by_set.keys())
    rank = {reviewer_id: position for position, reviewer_id in enumerate(reviewer_order)}
    versions = []
    for set_id, rows in by_set.items():
        criteria_set, criteria = criteria_by_set[set_id]
        reviewer_ids = sorted(
            {row.reviewer_id for row in rows}, key=lambda pk: (rank.get(pk, len(rank)), pk)
        )
        cells: dict[tuple[int, int], ReviewerCell] = {
            (row.criterion_id, row.reviewer_id): ReviewerCell(
                row.level, row.not_applicable, row.tag
            )
            for row in rows
        }
        per_criterion: dict[int, list[ScoreRow]] = defaultdict(list)
        for row in rows:
            per_criterion[row.criterion_id].append(row)
        versions.append(
            SubmissionVersionAggregate(
                criteria_set=criteria_set,
                reviewer_ids=reviewer_ids,
                rows=[
                    SubmissionCriterionRow(
                        criterion=criterion,
                        stats=_stats_of(per_criterion.get(criterion.pk, ())),
                        cells=[cells.get((criterion.pk, pk)) for pk in reviewer_ids],
                    )
                    for criterion in criteria
                ],
            )
        )
    versions.sort(key=lambda v: v.criteria_set.version, reverse=True)
    return versions


def submitted_reviews_of_submission(*, submission: Submission) -> dict[int, Review]:
    """reviewer_id -> submitted review (confidence, recommendation), one query."""
    reviews = (
        Review.objects.filter(assignment__submission=submission, state=Review.State.SUBMITTED)
        .select_related("assignment__reviewer", "criteria_set")
        .order_by("assignment__created_at", "pk")
    )
    return {review.assignment.reviewer_id: review for review in reviews}


# --- Reviewer ratings ---------------------------------------------------------------------

RATING_SORTS = ("name", "rating")


def reviewers_for_rating(*, workshop: Workshop, sort: str = "name") -> QuerySet[User]:
    """The workshop's approved reviewers with their load, mean confidence, rating and
    invitation state, in one query (subqueries, not joins: two counted joins would
    multiply each other)."""
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
    qs = reviewers_of_workshop(workshop=workshop).annotate(
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


# --- Workshop invitations -----------------------------------------------------------------

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
