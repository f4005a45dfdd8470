"""A review as JSON: what each ReviewVersion keeps, readable without the criteria set."""

from __future__ import annotations

from datetime import datetime

from criteria.models import CriteriaSet, Criterion
from reviews.models import Review
from reviews.services.reviewing.review_input import OVERALL_FIELDS, ReviewInput, ScoreInput

SNAPSHOT_SCHEMA = 1


def review_snapshot(
    *,
    review: Review,
    criteria_set: CriteriaSet,
    criteria: list[Criterion],
    data: ReviewInput,
    number: int | None = None,
    submitted_at: datetime | None = None,
) -> dict:
    """A review as JSON: the criteria-set version, the overall part and every criterion in
    set order, with the texts of the criterion and level as they were (a version is
    readable without the set)."""
    groups = {c.group_id: c.group for c in criteria}
    scores = []
    for criterion in criteria:
        item = data.scores.get(criterion.pk) or ScoreInput()
        group = groups[criterion.group_id]
        scores.append(
            {
                "criterion": criterion.code,
                "criterion_id": criterion.pk,
                "title": criterion.title,
                "group": group.code,
                "group_title": group.title,
                "level": item.level,
                "descriptor": criterion.descriptor(item.level) if item.level is not None else "",
                "not_applicable": item.not_applicable,
                "na_reason": item.na_reason,
                "justification": item.justification,
                "evidence": item.evidence,
                "tag": item.tag,
                "feedback_clear": item.feedback_clear,
                "feedback_applicable": item.feedback_applicable,
                "feedback_suggestion": item.feedback_suggestion,
            }
        )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "review": review.code,
        "number": number,
        "submitted_at": submitted_at.isoformat() if submitted_at else None,
        "criteria_set": {
            "code": criteria_set.code,
            "title": criteria_set.title,
            "version": criteria_set.version,
        },
        "overall": {name: getattr(data, name) for name in OVERALL_FIELDS},
        "scores": scores,
    }
