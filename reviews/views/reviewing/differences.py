"""What differs between the saved review and what was posted, as the reviewer reads it: the
page lists it when a save is refused (stale, or closed), so that nothing typed is lost."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reviews.models import CriterionScore, Review
from reviews.services.reviewing import ReviewInput, ScoreInput, score_key


@dataclass(frozen=True)
class Difference:
    label: str
    saved: str
    posted: str


def _display_values(data: ReviewInput, criteria) -> dict[str, tuple[str, str]]:
    """key -> (label, value as shown) for every part of a ReviewInput, for comparisons."""
    tags = dict(CriterionScore.Tag.choices)
    yes_no = dict(CriterionScore.YesNo.choices)
    recommendations = dict(Review.Recommendation.choices)
    values = {
        "summary": (_("Summary"), data.summary),
        "strengths": (_("Strengths"), data.strengths),
        "main_gaps": (_("Main gaps"), data.main_gaps),
        "confidence": (_("Confidence"), str(data.confidence or "")),
        "recommendation": (
            _("Recommendation"),
            str(recommendations.get(data.recommendation, "")),
        ),
    }
    for criterion in criteria:
        item = data.scores.get(criterion.pk) or ScoreInput()
        name = f"{criterion.code} {criterion.title}"
        if item.not_applicable:
            level = _("Not applicable")
        elif item.level is not None:
            level = f"{item.level} — {criterion.descriptor(item.level)}"
        else:
            level = ""
        parts = {
            "level": (_("Level"), level),
            "na_reason": (_("Why it is not applicable"), item.na_reason),
            "justification": (_("Justification"), item.justification),
            "evidence": (_("Evidence"), item.evidence),
            "tag": (_("Tag"), str(tags.get(item.tag, ""))),
            "feedback_clear": (
                _("Is the criterion clear?"),
                str(yes_no.get(item.feedback_clear, "")),
            ),
            "feedback_applicable": (
                _("Is it applicable to this evaluation?"),
                str(yes_no.get(item.feedback_applicable, "")),
            ),
            "feedback_suggestion": (
                _("Suggested change to the criterion"),
                item.feedback_suggestion,
            ),
        }
        for part, (label, value) in parts.items():
            values[score_key(criterion.pk, part)] = (f"{name} — {label}", value)
    return values


def review_differences(posted: ReviewInput, saved: ReviewInput, criteria) -> list[Difference]:
    before = _display_values(saved, criteria)
    after = _display_values(posted, criteria)
    return [
        Difference(label=label, saved=before[key][1], posted=value)
        for key, (label, value) in after.items()
        if value != before[key][1]
    ]
