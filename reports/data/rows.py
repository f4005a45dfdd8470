"""The score rows every report is built from, read in one query: one per criterion score
of a submitted review, as plain tuples, with what the reports need of each submission.
The summary and the internal edition aggregate them (`summary`), the annex and the
feedback reports set them out per evaluation (`annex`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from criteria.models import CriteriaSet, Criterion
from portal.models import Workshop
from reviews.models import ConsolidatedAssessment, ConsolidatedScore, CriterionScore, Review
from reviews.selectors.aggregates import Stats, score_stats
from submissions.models import Submission

AI_OFFICE_ONLY = Submission.Confidentiality.AI_OFFICE_ONLY


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


def fetch_consolidated_rows(
    *, workshop: Workshop, criteria_set: CriteriaSet, submission_ids: Iterable[int]
) -> list[Row]:
    """The final consolidated assessments' scores as rows (one per evaluation and criterion,
    its lead as the reviewer): the summary's tallies on the "consolidated" basis."""
    qs = ConsolidatedScore.objects.filter(
        assessment__state=ConsolidatedAssessment.State.FINAL,
        assessment__submission__workshop=workshop,
        assessment__submission_id__in=list(submission_ids),
        criterion__criteria_set=criteria_set,
    )
    return [
        Row(pk, submission_id, criterion_id, lead_id or 0, level, False, tag, "", "", "")
        for pk, submission_id, criterion_id, lead_id, level, tag in qs.order_by().values_list(
            "pk",
            "assessment__submission_id",
            "criterion_id",
            "assessment__lead_id",
            "level",
            "tag",
        )
    ]


def levels_of(rows: Iterable[Row]) -> list[int]:
    return [r.level for r in rows if not r.not_applicable and r.level is not None]


def stats_of(rows: list[Row]) -> Stats:
    return score_stats(
        levels_of(rows),
        na_count=sum(1 for r in rows if r.not_applicable),
        tags=[r.tag for r in rows if r.tag],
    )


def level_values(criterion: Criterion) -> list[int]:
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
