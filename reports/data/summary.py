"""The figures of the public summary and the internal edition, read in a few set-based
queries: per criterion (`sections`), per criterion and risk area (the heatmap), per
organisation type, and what the summary leaves out.

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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean

from django.conf import settings
from django.utils import timezone

from criteria.localisation import criteria_localise
from criteria.models import CriteriaSet, Criterion
from debate.selectors import Refinement, refinements_for_summary
from portal.models import Organisation, Workshop
from reports.data.gc_pause import gc_paused
from reports.data.rows import (
    AI_OFFICE_ONLY,
    Row,
    SubmissionInfo,
    fetch_consolidated_rows,
    fetch_rows,
    stats_of,
    submission_infos,
)
from reports.data.scope import scored_criteria_set
from reports.data.sections import CriterionSection, criterion_section, quotes_by_criterion
from reports.models import CriterionNote, WorkshopSummary
from reviews.models import Review
from submissions.models import RiskArea, Submission


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


# The bases of the per-criterion tallies (a report parameter, reports.params).
BASIS_INDIVIDUAL = "individual"
BASIS_CONSOLIDATED = "consolidated"
BASES = (BASIS_INDIVIDUAL, BASIS_CONSOLIDATED)


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
    # Decided proposals of new criteria (the others are in their criterion's section).
    new_criteria: list[Refinement]
    risk_areas: list[RiskArea]
    heatmap: list[HeatmapRow]
    organisation_types: list[OrganisationTypeRow]
    attributed: list[SubmissionInfo]
    not_attributed_count: int
    executive_summary_md: str
    insights_md: str
    submissions: dict[int, SubmissionInfo]
    rows: list[Row]
    # What the per-criterion tallies count: every submitted review's score, or each
    # evaluation's final consolidated assessment (the method section says which).
    basis: str = "individual"
    consolidated_evaluations: int = 0

    def snapshot(self) -> dict:
        return {
            "basis": self.basis,
            "consolidated_evaluations": self.consolidated_evaluations,
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


# --- the report data -------------------------------------------------------------------


def _cell(levels: list[int], *, size: int, min_group: int) -> Cell:
    """The mean of some levels over `size` evaluations (the mean of `score_stats`)."""
    return Cell(value=fmean(levels) if levels else None, size=size, min_group=min_group)


@dataclass
class _Groups:
    """One pass over the rows groups everything the sections and the heatmap need: per
    criterion its rows, and the levels each evaluation got (alpha's units); per criterion
    x risk area the levels and the evaluations they come from (an evaluation counts under
    every risk area it covers); per organisation type its rows."""

    by_criterion: dict[int, list[Row]] = field(default_factory=lambda: defaultdict(list))
    units_by_criterion: dict[int, dict[int, list[int]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    area_levels: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    area_submissions: dict[tuple[int, int], set[int]] = field(
        default_factory=lambda: defaultdict(set)
    )
    by_type: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, rows: list[Row], submissions: dict[int, SubmissionInfo]) -> _Groups:
        groups = cls()
        for r in rows:
            info = submissions[r.submission_id]
            groups.by_criterion[r.criterion_id].append(r)
            groups.by_type[info.organisation_type].append(r)
            levels = groups.units_by_criterion[r.criterion_id].setdefault(r.submission_id, [])
            if not r.not_applicable and r.level is not None:
                levels.append(r.level)
                for area_id in info.risk_area_ids:
                    groups.area_levels[(r.criterion_id, area_id)].append(r.level)
                    groups.area_submissions[(r.criterion_id, area_id)].add(r.submission_id)
        return groups

    def units(self, criterion: Criterion) -> list[list[int]]:
        """The levels each evaluation got for the criterion, in submission order."""
        by_submission = self.units_by_criterion.get(criterion.pk, {})
        return [by_submission[sid] for sid in sorted(by_submission)]


def _criteria(criteria_set: CriteriaSet | None) -> list[Criterion]:
    if criteria_set is None:
        return []
    criteria = list(
        Criterion.objects.filter(criteria_set=criteria_set).order_by(
            "group__position", "position", "pk"
        )
    )
    # The report's language (reports.builders overrides it with the job's).
    criteria_localise(criteria=criteria, criteria_sets=[criteria_set])
    return criteria


def _left_out(
    *, workshop: Workshop, criteria_set: CriteriaSet | None, include_ai_office_only: bool
) -> tuple[int, int]:
    """What the report does not count: submitted reviews against another criteria-set
    version, and AI-Office-only evaluations (unless staff include them)."""
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
    return other_version_reviews, excluded


def _heatmap(
    criteria: list[Criterion], risk_areas: list[RiskArea], groups: _Groups, *, min_group: int
) -> list[HeatmapRow]:
    return [
        HeatmapRow(
            criterion=criterion,
            cells=[
                _cell(
                    groups.area_levels.get((criterion.pk, area.pk), []),
                    size=len(groups.area_submissions.get((criterion.pk, area.pk), ())),
                    min_group=min_group,
                )
                for area in risk_areas
            ],
        )
        for criterion in criteria
    ]


def _organisation_types(groups: _Groups, *, min_group: int) -> list[OrganisationTypeRow]:
    organisation_types = []
    for type_value, type_label in Organisation.Type.choices:
        type_rows = groups.by_type.get(type_value, [])
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
    return organisation_types


@gc_paused()
def report_data(
    *,
    workshop: Workshop,
    version: int | None = None,
    include_ai_office_only: bool = False,
    min_group: int | None = None,
    basis: str = BASIS_INDIVIDUAL,
) -> ReportData:
    """Everything a summary needs, in about ten queries whatever the workshop's size. On
    the "consolidated" basis the tallies (sections, heatmap, organisation types) count each
    evaluation's final consolidated assessment instead of every review's scores."""
    min_group = settings.REPORT_MIN_GROUP_SIZE if min_group is None else min_group
    criteria_set = scored_criteria_set(workshop=workshop, version=version)
    rows: list[Row] = []
    if criteria_set is not None:
        rows = fetch_rows(
            workshop=workshop,
            criteria_set=criteria_set,
            include_ai_office_only=include_ai_office_only,
        )
    criteria = _criteria(criteria_set)
    submissions = submission_infos({r.submission_id for r in rows})
    other_version_reviews, excluded = _left_out(
        workshop=workshop,
        criteria_set=criteria_set,
        include_ai_office_only=include_ai_office_only,
    )
    tallied = rows
    if basis == BASIS_CONSOLIDATED and criteria_set is not None:
        tallied = fetch_consolidated_rows(
            workshop=workshop, criteria_set=criteria_set, submission_ids=submissions
        )
    groups = _Groups.of(tallied, submissions)
    quotes = quotes_by_criterion(
        workshop=workshop, criteria_set=criteria_set, submission_ids=set(submissions)
    )
    notes = dict(
        CriterionNote.objects.filter(workshop=workshop).values_list("criterion_code", "notes_md")
    )
    refinements: dict[str, list[Refinement]] = defaultdict(list)
    for refinement in refinements_for_summary(workshop=workshop):
        refinements[refinement.criterion_code].append(refinement)
    risk_area_ids = {pk for info in submissions.values() for pk in info.risk_area_ids}
    risk_areas = [
        area for area in RiskArea.objects.order_by("position", "code") if area.pk in risk_area_ids
    ]
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
        sections=[
            criterion_section(
                criterion,
                groups.by_criterion.get(criterion.pk, []),
                groups.units(criterion),
                quotes=quotes.get(criterion.pk, []),
                notes_md=notes.get(criterion.code, ""),
                min_group=min_group,
                refinements=refinements.get(criterion.code, []),
            )
            for criterion in criteria
        ],
        new_criteria=refinements.get("", []),
        risk_areas=risk_areas,
        heatmap=_heatmap(criteria, risk_areas, groups, min_group=min_group),
        organisation_types=_organisation_types(groups, min_group=min_group),
        attributed=attributed,
        not_attributed_count=len(submissions) - len(attributed),
        executive_summary_md=summary.executive_summary_md if summary else "",
        insights_md=summary.insights_md if summary else "",
        submissions=submissions,
        rows=rows,
        basis=basis,
        consolidated_evaluations=len({r.submission_id for r in tallied})
        if basis == BASIS_CONSOLIDATED
        else 0,
    )
