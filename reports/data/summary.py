"""What the reports are built from, read in a few set-based queries.

The statistics are those of the staff pages: `score_stats` (count, mean, median, SD, tag
counts and shares) and `ordinal_alpha` (Krippendorff's alpha) from
`reviews.selectors.aggregates`, applied to the same rows (scores of SUBMITTED reviews, per
criterion row of one criteria-set version). With AI-Office-only evaluations included, a
criterion's figures here equal those of `workshop_aggregates`; a test checks it.

Public figures are shown only for groups of at least `min_group` evaluations (reviewers,
for their feedback on a criterion): a smaller group is *suppressed*, so that nobody can
be singled out by a mean over one or two evaluations.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean
from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from criteria.models import CriteriaSet, Criterion
from portal.models import Organisation, Workshop
from reports.models import CriterionNote, FeedbackRemark, QuoteSelection, WorkshopSummary
from reviews.models import CriterionScore, Review
from reviews.selectors.aggregates import (
    DISAGREEMENT_SPREAD,
    TAGS,
    Stats,
    ordinal_alpha,
    score_stats,
)
from submissions.models import RiskArea, Submission

AI_OFFICE_ONLY = Submission.Confidentiality.AI_OFFICE_ONLY
QUOTABLE_TAGS = (CriterionScore.Tag.GAP, CriterionScore.Tag.ALIGNED)
CITABLE_CONSENT = (Submission.Consent.ATTRIBUTED, Submission.Consent.ANONYMISED)


class Row(NamedTuple):
    score_id: int
    submission_id: int
    criterion_id: int
    reviewer_id: int
    level: int | None
    not_applicable: bool
    tag: str
    feedback_clear: str
    feedback_applicable: str
    suggestion: str


@dataclass(frozen=True)
class Cell:
    """A figure over a group of evaluations: shown, suppressed, or empty."""

    value: float | None
    size: int
    min_group: int

    @property
    def empty(self) -> bool:
        return self.size == 0 or self.value is None

    @property
    def suppressed(self) -> bool:
        return 0 < self.size < self.min_group


@dataclass
class Feedback:
    reviewers: int
    clear_yes: int
    clear_no: int
    applicable_yes: int
    applicable_no: int
    suggestion_count: int
    suggestions: list[str]
    suppressed: bool


@dataclass
class Quote:
    text: str
    tag: str
    edited: bool = False  # staff's edit of the justification, marked as such in print


@dataclass
class CriterionSection:
    criterion: Criterion
    stats: Stats
    evaluations: int  # evaluations with at least one level for the criterion
    alpha: float | None
    alpha_units: int  # evaluations with two levels or more: what alpha is computed over
    disagreement_count: int
    # level -> tag ('' untagged) -> count; levels in the criterion's order
    distribution: list[tuple[int, str, dict[str, int]]]
    feedback: Feedback
    quotes: list[Quote]
    notes_md: str
    min_group: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.evaluations < self.min_group

    @property
    def alpha_suppressed(self) -> bool:
        return self.alpha_units < self.min_group

    @property
    def level_counts(self) -> list[tuple[int, str, int]]:
        return [(level, label, sum(tags.values())) for level, label, tags in self.distribution]


@dataclass
class OrganisationTypeRow:
    type: str
    label: str
    evaluations: int
    mean: Cell
    tag_shares: dict[str, Cell]

    @property
    def suppressed(self) -> bool:
        return 0 < self.evaluations < self.mean.min_group


@dataclass
class HeatmapRow:
    criterion: Criterion
    cells: list[Cell]


@dataclass
class SubmissionInfo:
    id: int
    code: str
    title: str
    organisation_id: int
    organisation_name: str
    organisation_type: str
    confidentiality: str
    consent: str
    info_hazard: bool
    risk_area_ids: list[int] = field(default_factory=list)


@dataclass
class ReportData:
    workshop: Workshop
    criteria_set: CriteriaSet | None
    include_ai_office_only: bool
    min_group: int
    generated_at: datetime
    evaluations: int
    reviewers: int
    reviews: int
    excluded_ai_office_only: int
    other_version_reviews: int
    sections: list[CriterionSection]
    risk_areas: list[RiskArea]
    heatmap: list[HeatmapRow]
    organisation_types: list[OrganisationTypeRow]
    attributed: list[SubmissionInfo]
    not_attributed_count: int
    executive_summary_md: str
    insights_md: str
    submissions: dict[int, SubmissionInfo]
    rows: list[Row]

    def snapshot(self) -> dict:
        return {
            "evaluations": self.evaluations,
            "reviewers": self.reviewers,
            "reviews": self.reviews,
            "criteria_set_version": self.criteria_set.version if self.criteria_set else None,
            "criteria_set_title": self.criteria_set.title if self.criteria_set else "",
            "include_ai_office_only": self.include_ai_office_only,
            "excluded_ai_office_only": self.excluded_ai_office_only,
            "min_group_size": self.min_group,
            "generated_at": self.generated_at.isoformat(),
        }


# --- small reads used by services and views -----------------------------------------------


def quotable_scores(*, workshop: Workshop) -> QuerySet[CriterionScore]:
    """Justifications staff may quote: tagged gap or aligned, in a submitted review, of an
    evaluation whose submitters allow citing it, that is neither AI-Office-only nor
    flagged as hazardous."""
    return (
        CriterionScore.objects.filter(
            review__assignment__workshop=workshop,
            review__state=Review.State.SUBMITTED,
            tag__in=QUOTABLE_TAGS,
            review__assignment__submission__summary_consent__in=CITABLE_CONSENT,
            review__assignment__submission__info_hazard=False,
        )
        .exclude(review__assignment__submission__confidentiality=AI_OFFICE_ONLY)
        .exclude(justification="")
    )


def organisations_with_reviews(*, workshop: Workshop) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(
            submissions__workshop=workshop,
            submissions__assignments__review__state=Review.State.SUBMITTED,
        )
        .distinct()
        .order_by("name", "pk")
    )


def scored_criteria_set(*, workshop: Workshop, version: int | None) -> CriteriaSet | None:
    """The version asked for, else the newest version with a submitted review (as on the
    staff aggregates page)."""
    sets = CriteriaSet.objects.filter(workshop=workshop)
    if version is not None:
        return sets.filter(version=version).first()
    return (
        sets.filter(reviews__state=Review.State.SUBMITTED).distinct().order_by("-version").first()
    )


# --- the report data -----------------------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while a report's data or charts are made (a few tenths of a
    second). They allocate by the ten thousand (score rows, matplotlib artists), and each
    collection that sets off walks every object of the worker, WeasyPrint's and Django's
    included: 0.1-0.2 s each on the 1,000-evaluation summary. Whatever became garbage is
    collected after, at the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fetch_rows(
    *, workshop: Workshop, criteria_set: CriteriaSet, include_ai_office_only: bool, **filters
) -> list[Row]:
    qs = CriterionScore.objects.filter(
        review__state=Review.State.SUBMITTED,
        review__assignment__workshop=workshop,
        criterion__criteria_set=criteria_set,
        **filters,
    )
    if not include_ai_office_only:
        qs = qs.exclude(review__assignment__submission__confidentiality=AI_OFFICE_ONLY)
    return [
        Row(*values)
        for values in qs.order_by().values_list(
            "pk",
            "review__assignment__submission_id",
            "criterion_id",
            "review__assignment__reviewer_id",
            "level",
            "not_applicable",
            "tag",
            "feedback_clear",
            "feedback_applicable",
            "feedback_suggestion",
        )
    ]


def _levels(rows: Iterable[Row]) -> list[int]:
    return [r.level for r in rows if not r.not_applicable and r.level is not None]


def stats_of(rows: list[Row]) -> Stats:
    return score_stats(
        _levels(rows),
        na_count=sum(1 for r in rows if r.not_applicable),
        tags=[r.tag for r in rows if r.tag],
    )


def _level_values(criterion: Criterion) -> list[int]:
    try:
        return criterion.level_values
    except (KeyError, TypeError, ValueError):
        return []


def submission_infos(
    ids: Iterable[int], *, with_risk_areas: bool = True
) -> dict[int, SubmissionInfo]:
    ids = list(ids)
    infos = {
        pk: SubmissionInfo(
            id=pk,
            code=code,
            title=title,
            organisation_id=org_id,
            organisation_name=org_name,
            organisation_type=org_type,
            confidentiality=confidentiality,
            consent=consent,
            info_hazard=hazard,
        )
        for (
            pk,
            code,
            title,
            org_id,
            org_name,
            org_type,
            confidentiality,
            consent,
            hazard,
        ) in Submission.objects.filter(pk__in=ids)
        .order_by("title", "pk")
        .values_list(
            "pk",
            "code",
            "title",
            "organisation_id",
            "organisation__name",
            "organisation__type",
            "confidentiality",
            "summary_consent",
            "info_hazard",
        )
    }
    if not with_risk_areas:
        return infos
    for submission_id, risk_area_id in (
        Submission.risk_areas.through.objects.filter(submission_id__in=ids)
        .order_by()
        .values_list("submission_id", "riskarea_id")
    ):
        infos[submission_id].risk_area_ids.append(risk_area_id)
    return infos


def _feedback(rows: list[Row], *, min_group: int) -> Feedback:
    answered = [r for r in rows if r.feedback_clear or r.feedback_applicable or r.suggestion]
    reviewers = len({r.reviewer_id for r in answered})
    suggestions = [r.suggestion.strip() for r in rows if r.suggestion.strip()]
    return Feedback(
        reviewers=reviewers,
        clear_yes=sum(1 for r in rows if r.feedback_clear == "yes"),
        clear_no=sum(1 for r in rows if r.feedback_clear == "no"),
        applicable_yes=sum(1 for r in rows if r.feedback_applicable == "yes"),
        applicable_no=sum(1 for r in rows if r.feedback_applicable == "no"),
        suggestion_count=len(suggestions),
        suggestions=suggestions,
        suppressed=0 < reviewers < min_group,
    )


def _distribution(criterion: Criterion, rows: list[Row]) -> list[tuple[int, str, dict[str, int]]]:
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*TAGS, ""), 0))
    for r in rows:
        if not r.not_applicable and r.level is not None:
            counts[r.level][r.tag if r.tag in TAGS else ""] += 1
    levels = _level_values(criterion) or sorted(counts)
    extra = sorted(set(counts) - set(levels))
    return [
        (level, criterion.descriptor(level), dict(counts[level])) for level in [*levels, *extra]
    ]


def _cell(levels: list[int], *, size: int, min_group: int) -> Cell:
    """The mean of some levels over `size` evaluations (the mean of `score_stats`)."""
    return Cell(value=fmean(levels) if levels else None, size=size, min_group=min_group)


@gc_paused()
def report_data(
    *,
    workshop: Workshop,
    version: int | None = None,
    include_ai_office_only: bool = False,
    min_group: int | None = None,
    organisation: Organisation | None = None,
) -> ReportData:
    """Everything a summary needs, in about ten queries whatever the workshop's size."""
    min_group = settings.REPORT_MIN_GROUP_SIZE if min_group is None else min_group
    criteria_set = scored_criteria_set(workshop=workshop, version=version)
    rows: list[Row] = []
    if criteria_set is not None:
        rows = fetch_rows(
            workshop=workshop,
            criteria_set=criteria_set,
            include_ai_office_only=include_ai_office_only,
        )
    criteria = (
        list(
            Criterion.objects.filter(criteria_set=criteria_set).order_by(
                "group__position", "position", "pk"
            )
        )
        if criteria_set is not None
        else []
    )
    submissions = submission_infos({r.submission_id for r in rows})
    submitted = Review.objects.filter(assignment__workshop=workshop, state=Review.State.SUBMITTED)
    other_version_reviews = (
        submitted.exclude(criteria_set=criteria_set).count() if criteria_set else submitted.count()
    )
    excluded = 0
    if criteria_set is not None and not include_ai_office_only:
        excluded = (
            Submission.objects.filter(
                workshop=workshop,
                confidentiality=AI_OFFICE_ONLY,
                assignments__review__state=Review.State.SUBMITTED,
                assignments__review__criteria_set=criteria_set,
            )
            .distinct()
            .count()
        )

    # One pass over the rows groups everything the sections and the heatmap need: per
    # criterion its rows, and the levels each evaluation got (alpha's units); per criterion
    # x risk area the levels and the evaluations they come from (an evaluation counts under
    # every risk area it covers); per organisation type its rows.
    by_criterion: dict[int, list[Row]] = defaultdict(list)
    units_by_criterion: dict[int, dict[int, list[int]]] = defaultdict(dict)
    area_levels: dict[tuple[int, int], list[int]] = defaultdict(list)
    area_submissions: dict[tuple[int, int], set[int]] = defaultdict(set)
    by_type: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        info = submissions[r.submission_id]
        by_criterion[r.criterion_id].append(r)
        by_type[info.organisation_type].append(r)
        levels = units_by_criterion[r.criterion_id].setdefault(r.submission_id, [])
        if not r.not_applicable and r.level is not None:
            levels.append(r.level)
            for area_id in info.risk_area_ids:
                area_levels[(r.criterion_id, area_id)].append(r.level)
                area_submissions[(r.criterion_id, area_id)].add(r.submission_id)

    quotes = _quotes(
        workshop=workshop,
        criteria_set=criteria_set,
        submission_ids=set(submissions),
    )
    notes = dict(
        CriterionNote.objects.filter(workshop=workshop).values_list("criterion_code", "notes_md")
    )

    sections = []
    for criterion in criteria:
        criterion_rows = by_criterion.get(criterion.pk, [])
        by_submission = units_by_criterion.get(criterion.pk, {})
        # In submission order, as the staff page hands them to alpha.
        units = [by_submission[sid] for sid in sorted(by_submission)]
        sections.append(
            CriterionSection(
                criterion=criterion,
                stats=stats_of(criterion_rows),
                evaluations=sum(1 for unit in units if unit),
                alpha=ordinal_alpha(units, value_domain=_level_values(criterion)),
                alpha_units=sum(1 for unit in units if len(unit) >= 2),
                disagreement_count=sum(
                    1 for unit in units if unit and max(unit) - min(unit) >= DISAGREEMENT_SPREAD
                ),
                distribution=_distribution(criterion, criterion_rows),
                feedback=_feedback(criterion_rows, min_group=min_group),
                quotes=quotes.get(criterion.pk, []),
                notes_md=notes.get(criterion.code, ""),
                min_group=min_group,
            )
        )

    risk_area_ids = {pk for info in submissions.values() for pk in info.risk_area_ids}
    risk_areas = [
        area for area in RiskArea.objects.order_by("position", "code") if area.pk in risk_area_ids
    ]
    heatmap = [
        HeatmapRow(
            criterion=criterion,
            cells=[
                _cell(
                    area_levels.get((criterion.pk, area.pk), []),
                    size=len(area_submissions.get((criterion.pk, area.pk), ())),
                    min_group=min_group,
                )
                for area in risk_areas
            ],
        )
        for criterion in criteria
    ]

    organisation_types = []
    for type_value, type_label in Organisation.Type.choices:
        type_rows = by_type.get(type_value, [])
        evaluations = len({r.submission_id for r in type_rows})
        if not evaluations:
            continue
        stats = stats_of(type_rows)
        organisation_types.append(
            OrganisationTypeRow(
                type=type_value,
                label=str(type_label),
                evaluations=evaluations,
                mean=Cell(stats.mean, evaluations, min_group),
                tag_shares={
                    tag: Cell(share, evaluations, min_group)
                    for tag, share in stats.tag_shares.items()
                },
            )
        )

    # Named only with consent, and never when the evaluation is shared with the AI Office
    # only (counting it is staff's choice; naming it would disclose it).
    attributed = [
        info
        for info in submissions.values()
        if info.consent == Submission.Consent.ATTRIBUTED and info.confidentiality != AI_OFFICE_ONLY
    ]
    summary = WorkshopSummary.objects.filter(workshop=workshop).first()
    return ReportData(
        workshop=workshop,
        criteria_set=criteria_set,
        include_ai_office_only=include_ai_office_only,
        min_group=min_group,
        generated_at=timezone.now(),
        evaluations=len(submissions),
        reviewers=len({r.reviewer_id for r in rows}),
        reviews=len({(r.submission_id, r.reviewer_id) for r in rows}),
        excluded_ai_office_only=excluded,
        other_version_reviews=other_version_reviews,
        sections=sections,
        risk_areas=risk_areas,
        heatmap=heatmap,
        organisation_types=organisation_types,
        attributed=attributed,
        not_attributed_count=len(submissions) - len(attributed),
        executive_summary_md=summary.executive_summary_md if summary else "",
        insights_md=summary.insights_md if summary else "",
        submissions=submissions,
        rows=rows,
    )


def _quotes(
    *, workshop: Workshop, criteria_set: CriteriaSet | None, submission_ids: set[int]
) -> dict[int, list[Quote]]:
    """Selected quotes per criterion id, re-checked against what may be quoted now (a
    submitter may have withdrawn consent since staff chose the quote)."""
    if criteria_set is None:
        return {}
    quotes: dict[int, list[Quote]] = defaultdict(list)
    allowed = quotable_scores(workshop=workshop).filter(criterion__criteria_set=criteria_set)
    for criterion_id, submission_id, text, edited_text, tag in (
        QuoteSelection.objects.filter(workshop=workshop, score__in=allowed)
        .order_by("position", "pk")
        .values_list(
            "score__criterion_id",
            "score__review__assignment__submission_id",
            "score__justification",
            "edited_text",
            "score__tag",
        )
    ):
        if submission_id in submission_ids:
            quotes[criterion_id].append(
                Quote(text=(edited_text or text).strip(), tag=tag, edited=bool(edited_text))
            )
    return quotes


def feedback_remarks(*, workshop: Workshop, organisation: Organisation) -> str:
    remark = FeedbackRemark.objects.filter(workshop=workshop, organisation=organisation).first()
    return remark.remarks_md if remark else ""
