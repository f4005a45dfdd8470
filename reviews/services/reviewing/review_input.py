"""What a reviewer typed, as the forms hand it to the services and the services compare and
store it: the overall part and one ScoreInput per criterion."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from reviews.models import CriterionScore, Review

NOT_APPLICABLE = "na"
OVERALL_FIELDS = ("summary", "strengths", "main_gaps", "confidence", "recommendation")


def score_key(criterion_id: int, part: str) -> str:
    """The name of one part of one criterion's answer, in forms and in submit errors."""
    return f"c{criterion_id}-{part}"


@dataclass
class ScoreInput:
    level: int | None = None
    not_applicable: bool = False
    na_reason: str = ""
    justification: str = ""
    evidence: str = ""
    tag: str = ""
    feedback_clear: str = ""
    feedback_applicable: str = ""
    feedback_suggestion: str = ""

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, False, "") for f in fields(self))


@dataclass
class ReviewInput:
    """What the reviewer typed: overall fields and one ScoreInput per criterion id."""

    summary: str = ""
    strengths: str = ""
    main_gaps: str = ""
    confidence: int | None = None
    recommendation: str = ""
    scores: dict[int, ScoreInput] = field(default_factory=dict)


def review_input_from_review(*, review: Review, scores: list[CriterionScore]) -> ReviewInput:
    """The saved review as ReviewInput, to fill a form or compare with what was posted."""
    return ReviewInput(
        summary=review.summary,
        strengths=review.strengths,
        main_gaps=review.main_gaps,
        confidence=review.confidence,
        recommendation=review.recommendation,
        scores={
            score.criterion_id: ScoreInput(
                level=score.level,
                not_applicable=score.not_applicable,
                na_reason=score.na_reason,
                justification=score.justification,
                evidence=score.evidence,
                tag=score.tag,
                feedback_clear=score.feedback_clear,
                feedback_applicable=score.feedback_applicable,
                feedback_suggestion=score.feedback_suggestion,
            )
            for score in scores
        },
    )


SCORE_FIELDS = [f.name for f in fields(ScoreInput)]


def score_rows(
    *,
    review: Review,
    criteria: list,
    data: ReviewInput,
    existing: dict[int, CriterionScore],
) -> tuple[list[CriterionScore], list[CriterionScore]]:
    """The score rows `data` writes on `review`, as (to create, to update): existing rows
    are updated in place (a quote staff selected for a report stays attached), and an
    empty answer to a criterion without a row makes none."""
    to_create, to_update = [], []
    for criterion in criteria:
        item = data.scores.get(criterion.pk) or ScoreInput()
        score = existing.get(criterion.pk)
        if score is None:
            if item.is_empty():
                continue
            score = CriterionScore(review=review, criterion=criterion)
            to_create.append(score)
        else:
            to_update.append(score)
        for name in SCORE_FIELDS:
            setattr(score, name, getattr(item, name))
    return to_create, to_update
