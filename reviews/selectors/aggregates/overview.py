"""The aggregates staff see: per workshop (each criteria-set version on its own) and per
submission (each reviewer's level per criterion)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from criteria.models import CriteriaSet, Criterion
from portal.models import Workshop
from reviews.models import (
    Review,
)
from reviews.selectors.aggregates.scores import (  # package-private helpers
    DISAGREEMENT_SPREAD,
    ScoreRow,
    Stats,
    _criteria_by_set,
    _criteria_localise,
    _level_values,
    _score_rows,
    _stats_of,
    ordinal_alpha,
)
from submissions.models import Submission


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


class CriterionFigures(NamedTuple):
    """A criterion's figures across a version's submissions, without the criterion: the
    compact form the overview page caches (see `workshop_page`)."""

    stats: Stats
    alpha: float | None
    submission_count: int
    disagreement_count: int


@dataclass(frozen=True)
class VersionFigures:
    """What the workshop-wide part of the overview needs of one criteria-set version: plain
    numbers and ids, small enough to cache for 10,000 submissions."""

    review_count: int
    submission_count: int  # submissions with a submitted score under the version
    criteria: dict[int, CriterionFigures]  # by criterion pk
    disagreement_ids: tuple[int, ...]  # submissions with any criterion >= 2 levels apart


def _version_figures(rows: Sequence[ScoreRow], criteria: Sequence[Criterion]) -> VersionFigures:
    """One version's figures from its score rows; per cell only the levels, their spread and
    whether any was given, never a Stats (110,000 cells at 10,000 submissions)."""
    levels: dict[tuple[int, int], list[int]] = defaultdict(list)
    per_criterion: dict[int, list[ScoreRow]] = defaultdict(list)
    reviews: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        reviews[row.submission_id].add(row.reviewer_id)
        per_criterion[row.criterion_id].append(row)
        if not row.not_applicable and row.level is not None:
            levels[(row.submission_id, row.criterion_id)].append(row.level)
    figures: dict[int, CriterionFigures] = {}
    disagreeing: set[int] = set()
    for criterion in criteria:
        units = [levels.get((submission_id, criterion.pk), []) for submission_id in reviews]
        spread = [
            submission_id
            for submission_id, unit in zip(reviews, units, strict=True)
            if unit and max(unit) - min(unit) >= DISAGREEMENT_SPREAD
        ]
        disagreeing.update(spread)
        figures[criterion.pk] = CriterionFigures(
            stats=_stats_of(per_criterion.get(criterion.pk, ())),
            alpha=ordinal_alpha(units, value_domain=_level_values(criterion)),
            submission_count=sum(1 for unit in units if unit),
            disagreement_count=len(spread),
        )
    return VersionFigures(
        review_count=sum(len(reviewers) for reviewers in reviews.values()),
        submission_count=len(reviews),
        criteria=figures,
        disagreement_ids=tuple(sorted(disagreeing)),
    )


def criterion_rows(
    figures: VersionFigures, criteria: Sequence[Criterion]
) -> list[CriterionAggregate]:
    """The per-criterion rows of a version, in the criteria's order."""
    return [
        CriterionAggregate(criterion, *figures.criteria[criterion.pk])
        if criterion.pk in figures.criteria
        else CriterionAggregate(criterion, _stats_of(()), None, 0, 0)
        for criterion in criteria
    ]


def submission_rows(rows: Iterable[ScoreRow], criteria: Sequence[Criterion]) -> list[SubmissionRow]:
    """Per submission (in the order of its first row) its statistics per criterion."""
    per_cell: dict[tuple[int, int], list[ScoreRow]] = defaultdict(list)
    reviews: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        per_cell[(row.submission_id, row.criterion_id)].append(row)
        reviews[row.submission_id].add(row.reviewer_id)
    return [
        SubmissionRow(
            submission_id=submission_id,
            review_count=len(reviewers),
            cells=[_stats_of(per_cell.get((submission_id, c.pk), ())) for c in criteria],
        )
        for submission_id, reviewers in reviews.items()
    ]


def workshop_aggregates(*, workshop: Workshop) -> list[VersionAggregate]:
    """Per criteria-set version scored in the workshop, newest first: per-criterion
    statistics with alpha and tag shares, and per-submission statistics. Two queries.

    Every submission's statistics: for exports and the API. The staff page shows a page of
    them and caches the rest (`workshop_page`)."""
    by_set = _score_rows(review__assignment__workshop=workshop)
    criteria_by_set = _criteria_by_set(by_set.keys())
    versions = []
    for set_id, rows in by_set.items():
        criteria_set, criteria = criteria_by_set[set_id]
        figures = _version_figures(rows, criteria)
        versions.append(
            VersionAggregate(
                criteria_set=criteria_set,
                criteria=criteria,
                review_count=figures.review_count,
                criteria_rows=criterion_rows(figures, criteria),
                submission_rows=submission_rows(rows, criteria),
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
    *, submission: Submission, reviewer_order: Sequence[int] = (), localise: bool = False
) -> list[SubmissionVersionAggregate]:
    """Per version the submission was scored under (newest first): per-criterion statistics
    and each reviewer's level. Reviewers come in `reviewer_order` (e.g. the order of their
    labels), then any others. Two queries; `localise` (the staff page, not the API) as for
    workshop_overview."""
    by_set = _score_rows(review__assignment__submission=submission)
    criteria_by_set = _criteria_by_set(by_set.keys())
    if localise:
        _criteria_localise(criteria_by_set)
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
