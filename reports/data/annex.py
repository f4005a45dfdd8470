"""Per-evaluation data: the annex of the internal edition and the feedback reports to
each organisation (its evaluations against the cohort)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone, translation

from criteria.localisation import criteria_localise
from criteria.models import CriteriaSet, Criterion
from portal.models import Organisation, Workshop
from reports.data.rows import (
    AI_OFFICE_ONLY,
    Row,
    SubmissionInfo,
    fetch_rows,
    stats_of,
    submission_infos,
)
from reports.data.scope import feedback_remarks, scored_criteria_set
from reviews.models import CriterionScore, Review
from reviews.selectors.aggregates import Stats, score_stats
from reviews.selectors.consolidation import FinalScore, final_consolidations
from reviews.selectors.visibility import reviewer_labels_by_submission
from submissions.models import Submission

# --- the annex of the internal edition and the feedback reports -----------------------


@dataclass
class ReviewerColumn:
    reviewer_id: int
    label: str  # "Reviewer A"
    name: str  # internal edition only


@dataclass
class AnnexCriterionRow:
    criterion: Criterion
    stats: Stats
    cells: list[Row | None]  # in the order of AnnexEntry.columns
    justifications: list[tuple[str, Row, str]]  # (reviewer label, row, text)


@dataclass
class AnnexEntry:
    info: SubmissionInfo
    columns: list[ReviewerColumn]
    rows: list[AnnexCriterionRow]
    reviews: list[tuple[str, Review]]  # (label, submitted review) in label order

    @property
    def disagreement_count(self) -> int:
        return sum(1 for row in self.rows if row.stats.disagreement)


def _justifications(rows: Iterable[Row]) -> dict[int, str]:
    """Score id -> its justification, for the scores that have one."""
    return dict(
        CriterionScore.objects.filter(pk__in=[r.score_id for r in rows])
        .exclude(justification="")
        .values_list("pk", "justification")
    )


def _reviews_by_submission(
    ids: list[int], criteria_set: CriteriaSet
) -> dict[int, dict[int, Review]]:
    """Submission id -> reviewer id -> their submitted review against `criteria_set`."""
    reviews: dict[int, dict[int, Review]] = defaultdict(dict)
    for review in (
        Review.objects.filter(
            assignment__submission_id__in=ids,
            state=Review.State.SUBMITTED,
            criteria_set=criteria_set,
        )
        .select_related("assignment__reviewer")
        .order_by("pk")
    ):
        reviews[review.assignment.submission_id][review.assignment.reviewer_id] = review
    return reviews


def _columns(
    rows: list[Row], labels: dict[int, str], reviews: dict[int, Review], *, with_names: bool
) -> list[ReviewerColumn]:
    """One column per reviewer of the evaluation, in label order (A, B, ...)."""
    reviewer_ids = sorted(
        {r.reviewer_id for r in rows},
        key=lambda pk: (list(labels).index(pk) if pk in labels else len(labels), pk),
    )
    columns = []
    for pk in reviewer_ids:
        name = ""
        if with_names and pk in reviews:
            reviewer = reviews[pk].assignment.reviewer
            name = reviewer.full_name or reviewer.email
        columns.append(ReviewerColumn(reviewer_id=pk, label=labels.get(pk, "?"), name=name))
    return columns


def _criterion_row(
    criterion: Criterion,
    columns: list[ReviewerColumn],
    by_cell: dict[tuple[int, int], Row],
    justifications: dict[int, str],
) -> AnnexCriterionRow:
    cells = [by_cell.get((criterion.pk, column.reviewer_id)) for column in columns]
    return AnnexCriterionRow(
        criterion=criterion,
        stats=stats_of([cell for cell in cells if cell is not None]),
        cells=cells,
        justifications=[
            (column.label, cell, justifications[cell.score_id])
            for column, cell in zip(columns, cells, strict=True)
            if cell is not None and cell.score_id in justifications
        ],
    )


def annex_entries(
    *,
    rows: list[Row],
    submissions: dict[int, SubmissionInfo],
    criteria: list[Criterion],
    criteria_set: CriteriaSet,
    submission_ids: Iterable[int],
    with_names: bool,
) -> list[AnnexEntry]:
    """Per evaluation: each reviewer's level, tag and justification per criterion, and the
    review-level texts. Reviewers are labelled as everywhere else in the portal
    (`reviewer_labels`); names only for the internal edition."""
    ids = list(submission_ids)
    wanted = set(ids)
    rows_by_submission: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        if r.submission_id in wanted:
            rows_by_submission[r.submission_id].append(r)
    justifications = _justifications(r for rows in rows_by_submission.values() for r in rows)
    reviews_by_submission = _reviews_by_submission(ids, criteria_set)
    labels_by_submission = reviewer_labels_by_submission(
        submission_ids=[pk for pk in ids if pk in submissions]
    )
    entries = []
    for submission_id in ids:
        info = submissions.get(submission_id)
        if info is None:
            continue
        submission_rows = rows_by_submission.get(submission_id, [])
        reviews = reviews_by_submission.get(submission_id, {})
        columns = _columns(
            submission_rows,
            labels_by_submission[submission_id],
            reviews,
            with_names=with_names,
        )
        by_cell = {(r.criterion_id, r.reviewer_id): r for r in submission_rows}
        entries.append(
            AnnexEntry(
                info=info,
                columns=columns,
                rows=[
                    _criterion_row(criterion, columns, by_cell, justifications)
                    for criterion in criteria
                ],
                reviews=[
                    (column.label, reviews[column.reviewer_id])
                    for column in columns
                    if column.reviewer_id in reviews
                ],
            )
        )
    return entries


@dataclass
class CohortCriterion:
    criterion: Criterion
    stats: Stats
    evaluations: int
    min_group: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.evaluations < self.min_group


@dataclass
class FeedbackData:
    workshop: Workshop
    organisation: Organisation
    criteria_set: CriteriaSet | None
    criteria: list[Criterion]
    cohort: list[CohortCriterion]
    cohort_evaluations: int
    entries: list[AnnexEntry]
    remarks_md: str
    min_group: int
    generated_at: datetime
    # submission id -> the final consolidated assessment, shown before the reviews.
    consolidated: dict[int, list[FinalScore]] = field(default_factory=dict)

    def snapshot(self) -> dict:
        return {
            "organisation": self.organisation.code,
            "consolidated_assessments": len(self.consolidated),
            "evaluations": len(self.entries),
            "cohort_evaluations": self.cohort_evaluations,
            "reviews": sum(len(entry.columns) for entry in self.entries),
            "criteria_set_version": self.criteria_set.version if self.criteria_set else None,
            "min_group_size": self.min_group,
            "generated_at": self.generated_at.isoformat(),
        }


# Cohort statistics per worker process: a bulk run builds one feedback report per
# organisation against the same cohort. The key changes whenever a review or submission of
# the workshop does, so a stale entry is never used.
_COHORT_CACHE: dict[tuple, tuple[list[CohortCriterion], int]] = {}


def _scored_versions(*, workshop: Workshop) -> dict[int, tuple[int, int, datetime | None]]:
    """Per criteria-set version with a submitted review: (set id, submitted reviews, latest
    change to one of them). One query gives both the version a report uses (the newest
    scored one, as `scored_criteria_set`) and the fingerprint of its reviews for the cache."""
    return {
        version: (set_id, count, last)
        for set_id, version, count, last in Review.objects.filter(
            criteria_set__workshop=workshop, state=Review.State.SUBMITTED
        )
        .order_by()
        .values_list("criteria_set_id", "criteria_set__version")
        .annotate(n=Count("pk"), last=Max("updated_at"))
    }


def _cohort(
    *,
    workshop: Workshop,
    criteria_set: CriteriaSet,
    criteria: list[Criterion],
    min_group: int,
    reviews: tuple[int, datetime | None],
) -> tuple[list[CohortCriterion], int]:
    """The cohort's figures per criterion and its number of evaluations. `reviews` is the
    count and latest change of the set's submitted reviews; with the latest change to a
    submission (its confidentiality decides whether it counts) and the criteria they make
    the cache key."""
    last_submission = Submission.objects.filter(workshop=workshop).aggregate(
        last=Max("updated_at")
    )["last"]
    key = (
        workshop.pk,
        criteria_set.pk,
        *reviews,
        last_submission,
        min_group,
        tuple(criterion.pk for criterion in criteria),
        # The cohort holds the criteria, with their texts in the report's language.
        translation.get_language(),
    )
    if key in _COHORT_CACHE:
        return _COHORT_CACHE[key]
    cohort_qs = CriterionScore.objects.filter(
        review__state=Review.State.SUBMITTED,
        review__assignment__workshop=workshop,
        criterion__criteria_set=criteria_set,
    ).exclude(review__assignment__submission__confidentiality=AI_OFFICE_ONLY)
    per_criterion: dict[int, list[tuple]] = defaultdict(list)
    evaluations: set[int] = set()
    for criterion_id, submission_id, level, na, tag in cohort_qs.order_by().values_list(
        "criterion_id", "review__assignment__submission_id", "level", "not_applicable", "tag"
    ):
        per_criterion[criterion_id].append((submission_id, level, na, tag))
        evaluations.add(submission_id)
    cohort = []
    for criterion in criteria:
        items = per_criterion.get(criterion.pk, [])
        levels = [level for _s, level, na, _t in items if not na and level is not None]
        cohort.append(
            CohortCriterion(
                criterion=criterion,
                stats=score_stats(
                    levels,
                    na_count=sum(1 for _s, _l, na, _t in items if na),
                    tags=[tag for *_rest, tag in items if tag],
                ),
                evaluations=len({s for s, level, na, _t in items if not na and level is not None}),
                min_group=min_group,
            )
        )
    _COHORT_CACHE.clear()
    _COHORT_CACHE[key] = (cohort, len(evaluations))
    return _COHORT_CACHE[key]


def _criteria_of(
    *, workshop: Workshop, set_id: int | None, version: int | None
) -> tuple[CriteriaSet | None, list[Criterion]]:
    """The criteria set and its criteria, in one query when the set has submitted reviews
    (the set rides along each criterion row)."""
    order = ("group__position", "position", "pk")
    if set_id is not None:
        criteria = list(
            Criterion.objects.filter(criteria_set_id=set_id)
            .select_related("criteria_set")
            .order_by(*order)
        )
        if criteria:
            criteria_localise(criteria=criteria, criteria_sets=[criteria[0].criteria_set])
            return criteria[0].criteria_set, criteria
    # A version asked for that has no submitted review yet (or a set without criteria).
    criteria_set = scored_criteria_set(workshop=workshop, version=version)
    if criteria_set is None:
        return None, []
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set).order_by(*order))
    criteria_localise(criteria=criteria, criteria_sets=[criteria_set])
    return criteria_set, criteria


def feedback_data(
    *, workshop: Workshop, organisation: Organisation, version: int | None = None
) -> FeedbackData:
    """One organisation's evaluations against the cohort: all evaluations of the workshop
    in the public summary's default scope (AI-Office-only ones of other organisations are
    left out), in a handful of queries; the cohort's figures are computed once per worker
    process for as long as the workshop's reviews and submissions stay unchanged."""
    min_group = settings.REPORT_MIN_GROUP_SIZE
    scored = _scored_versions(workshop=workshop)
    if version is None:
        version = max(scored, default=None)
    set_id, *reviews = scored.get(version, (None, 0, None))
    criteria_set, criteria = _criteria_of(workshop=workshop, set_id=set_id, version=version)
    cohort: list[CohortCriterion] = []
    cohort_evaluations = 0
    entries: list[AnnexEntry] = []
    consolidated: dict[int, list[FinalScore]] = {}
    if criteria_set is not None:
        cohort, cohort_evaluations = _cohort(
            workshop=workshop,
            criteria_set=criteria_set,
            criteria=criteria,
            min_group=min_group,
            reviews=tuple(reviews),
        )
        own_rows = fetch_rows(
            workshop=workshop,
            criteria_set=criteria_set,
            include_ai_office_only=True,
            review__assignment__submission__organisation=organisation,
        )
        # Risk areas are not printed in a feedback report.
        submissions = submission_infos({r.submission_id for r in own_rows}, with_risk_areas=False)
        entries = annex_entries(
            rows=own_rows,
            submissions=submissions,
            criteria=criteria,
            criteria_set=criteria_set,
            submission_ids=list(submissions),
            with_names=False,
        )
        consolidated = final_consolidations(submission_ids=list(submissions), localise=True)
    return FeedbackData(
        workshop=workshop,
        organisation=organisation,
        criteria_set=criteria_set,
        criteria=criteria,
        cohort=cohort,
        cohort_evaluations=cohort_evaluations,
        entries=entries,
        remarks_md=feedback_remarks(workshop=workshop, organisation=organisation),
        min_group=min_group,
        generated_at=timezone.now(),
        consolidated=consolidated,
    )
