"""The staff overview of a workshop's aggregates at any size: a page of submissions at a time,
and the workshop-wide figures from the cache.

The figures (per-criterion statistics, Krippendorff's alpha, disagreement counts, the ids
of the submissions with disagreement) read every submitted score of the workshop: 330,000
rows and about 2 s at 10,000 submissions. They are cached in a compact form, under two keys:

- the scores stamp (how many submitted reviews, and when the last one changed state or
  content) of each audit-log position of the workshop, for STAMP_SECONDS. Every service that
  writes a score or a review's state records an event in the workshop's log in the same
  transaction, so a new position is read by one index probe and always asks the stamp
  again; a write that bypasses the log (a shell, a migration) is seen within STAMP_SECONDS.
- the figures of each scores stamp, for FIGURES_SECONDS. Only what changes a score changes
  the stamp, so the other events of the log (an invitation, a rating) cost the stamp's
  query (about 15 ms at 30,000 reviews) and no recomputation.

`aggregates_warm` computes them ahead: the review services queue it after a submit, a
reopen or an import (reviews.tasks.task_warm_aggregates).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from criteria.models import CriteriaSet, Criterion
from portal.models import AuditEvent, Workshop
from reviews.models import Review
from reviews.selectors.aggregates.overview import (
    CriterionAggregate,
    SubmissionRow,
    VersionFigures,
    _version_figures,
    criterion_rows,
    submission_rows,
)
from reviews.selectors.aggregates.scores import (
    _criteria_by_set,
    _criteria_localise,
    _score_rows,
    _stats_of,
)
from submissions.models import Submission

STAMP_SECONDS = 300
FIGURES_SECONDS = 24 * 3600
_PREFIX = "reviews:aggregates"


@dataclass
class VersionOverview:
    """One criteria-set version on the overview page: its criteria rows and what pages its
    submissions (how many, which disagree)."""

    criteria_set: CriteriaSet
    criteria: list[Criterion]
    review_count: int
    submission_count: int
    criteria_rows: list[CriterionAggregate]
    disagreement_ids: tuple[int, ...]


def scores_stamp(*, workshop: Workshop) -> str:
    """Changes whenever a submitted score of the workshop may have: a review submitted (again),
    reopened, imported or deleted. One query over the workshop's reviews."""
    stamp = Review.objects.filter(
        assignment__workshop=workshop, state=Review.State.SUBMITTED
    ).aggregate(count=Count("pk"), last=Max("updated_at"))
    last = stamp["last"].isoformat() if stamp["last"] else "-"
    return f"{stamp['count']}:{last}"


def log_position(workshop: Workshop) -> int:
    """The workshop's audit-log position (its last event's id, 0 without any): one index
    probe."""
    position = AuditEvent.objects.filter(workshop_id=workshop.pk).aggregate(last=Max("pk"))["last"]
    return position or 0


def cached_stamp(workshop: Workshop, *, position: int | None = None) -> str:
    """The scores stamp, asked again only when the workshop's audit log moved (`position`,
    read here unless given)."""
    if position is None:
        position = log_position(workshop)
    return stamp_of_position(f"{_PREFIX}:stamp:{workshop.pk}:{position}", scores_stamp, workshop)


def stamp_of_position(key: str, stamp_of: Callable[..., str], workshop: Workshop) -> str:
    """`stamp_of(workshop=…)` cached for STAMP_SECONDS under `key`, which names an audit-log
    position of the workshop."""
    stamp = cache.get(key)
    if stamp is None:
        stamp = stamp_of(workshop=workshop)
        cache.set(key, stamp, STAMP_SECONDS)
    return stamp


_Criteria = dict[int, tuple[CriteriaSet, list[Criterion]]]


def _figures(workshop: Workshop) -> tuple[dict[int, VersionFigures], _Criteria | None]:
    """The figures, and the criteria of their versions when they were computed just now."""
    stamp = cached_stamp(workshop)
    key = f"{_PREFIX}:figures:{workshop.pk}:{stamp}"
    figures = cache.get(key)
    if figures is not None:
        return figures, None
    by_set = _score_rows(review__assignment__workshop=workshop)
    criteria_by_set = _criteria_by_set(by_set.keys())
    figures = {
        set_id: _version_figures(rows, criteria_by_set[set_id][1])
        for set_id, rows in by_set.items()
    }
    cache.set(key, figures, FIGURES_SECONDS)
    return figures, criteria_by_set


def workshop_figures(*, workshop: Workshop) -> dict[int, VersionFigures]:
    """Criteria-set id -> the version's figures, from the cache when the scores are
    unchanged. One query (the log's position) when cached; the stamp's query when the log
    moved; the score rows and the criteria when the scores changed."""
    return _figures(workshop)[0]


def aggregates_warm(*, workshop: Workshop) -> None:
    """Compute and cache the figures of the workshop's current scores, if not done yet."""
    _figures(workshop)


def workshop_overview(*, workshop: Workshop, localise: bool = False) -> list[VersionOverview]:
    """Per criteria-set version scored in the workshop, newest first: the per-criterion rows
    and what pages the submissions. Two queries with cached figures (the log's position,
    the criteria); four when the scores changed (and the stamp, the score rows).
    `localise` (the staff page, not the API): criteria in the reader's language, two more
    queries unless it is English."""
    figures, criteria_by_set = _figures(workshop)
    if criteria_by_set is None:
        criteria_by_set = _criteria_by_set(figures.keys())
    if localise:
        _criteria_localise(criteria_by_set)
    versions = []
    for set_id, version in figures.items():
        criteria_set, criteria = criteria_by_set[set_id]
        versions.append(
            VersionOverview(
                criteria_set=criteria_set,
                criteria=criteria,
                review_count=version.review_count,
                submission_count=version.submission_count,
                criteria_rows=criterion_rows(version, criteria),
                disagreement_ids=version.disagreement_ids,
            )
        )
    versions.sort(key=lambda v: v.criteria_set.version, reverse=True)
    return versions


def _pk_in(ids: Sequence[int]) -> Q | RawSQL:
    """`pk IN ids` for thousands of ids: on PostgreSQL one array literal (parsed at once, and
    hashed), not a parameter per id."""
    if connection.vendor != "postgresql":
        return Q(pk__in=list(ids))
    table = connection.ops.quote_name(Submission._meta.db_table)
    literal = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
    # The table name is ours and the ids one bound parameter: nothing of a user is spliced.
    return RawSQL(f"{table}.id = ANY(%s::integer[])", [literal], BooleanField())  # noqa: S611


def overview_submissions(
    *, workshop: Workshop, version: VersionOverview, only_disagreement: bool = False
) -> QuerySet[Submission]:
    """The submissions scored under `version` (or only those whose reviewers disagree), code
    and title, in title order: the list the page cuts 50 from. Its count is the version's
    (submission_count, or the disagreement ids)."""
    qs = Submission.objects.filter(workshop=workshop).only("pk", "code", "title")
    if only_disagreement:
        qs = qs.filter(_pk_in(version.disagreement_ids))
    else:
        qs = qs.filter(
            Exists(
                Review.objects.filter(
                    assignment__submission=OuterRef("pk"),
                    state=Review.State.SUBMITTED,
                    criteria_set=version.criteria_set,
                )
            )
        )
    return qs.order_by("title", "pk")


def overview_rows(
    *, version: VersionOverview, submissions: Sequence[Submission]
) -> list[SubmissionRow]:
    """The rows of a page: per submission its statistics per criterion. One query."""
    by_set = _score_rows(
        review__assignment__submission__in=[s.pk for s in submissions],
        criterion__criteria_set=version.criteria_set,
    )
    rows = {
        row.submission_id: row
        for row in submission_rows(by_set.get(version.criteria_set.pk, ()), version.criteria)
    }
    result = []
    for submission in submissions:
        # None when its reviews were reopened after the figures were computed.
        row = rows.get(submission.pk) or SubmissionRow(
            submission.pk, 0, [_stats_of(()) for _criterion in version.criteria]
        )
        row.submission = submission
        result.append(row)
    return result
