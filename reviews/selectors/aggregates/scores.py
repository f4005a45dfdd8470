"""Statistics of submitted reviews' scores: the rows they are computed from, per criterion
statistics and Krippendorff's alpha (ordinal). Pure functions over one fetch of rows."""

from __future__ import annotations

import functools
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import krippendorff
import numpy as np

from criteria.localisation import criteria_localise
from criteria.models import CriteriaSet, Criterion
from reviews.models import (
    CriterionScore,
    Review,
)

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
        sd=_sample_sd(tuple(sorted(levels))) if n >= 2 else None,
        min=low,
        max=high,
        disagreement=high - low >= DISAGREEMENT_SPREAD,
        tag_counts=tag_counts,
    )


@functools.lru_cache(maxsize=4096)
def _sample_sd(levels: tuple[int, ...]) -> float:
    """statistics.stdev, remembered per sorted tuple of levels: a page of 550 cells holds a
    few dozen distinct ones (levels 0-4, a few reviewers each), and stdev's exact Fractions
    made it the costliest line of the page."""
    return statistics.stdev(levels)


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


def _criteria_localise(criteria_by_set: dict[int, tuple[CriteriaSet, list[Criterion]]]) -> None:
    """Give the staff pages' criteria and sets the reader's language: two queries in all
    unless it is English. Not for the figures (computed from levels) nor the API, which
    stay in the English source."""
    criteria_localise(
        criteria=[c for _set, items in criteria_by_set.values() for c in items],
        criteria_sets=[criteria_set for criteria_set, _items in criteria_by_set.values()],
    )


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
