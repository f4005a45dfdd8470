"""What a review must respect: types for any save (a draft may be incomplete), and for a
submit every criterion answered, each problem named by its form field and criterion."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from criteria.models import Criterion
from reviews.services.reviewing.review_input import ReviewInput, ScoreInput, score_key


def review_check_types(*, criteria: list[Criterion], data: ReviewInput) -> None:
    """What a draft must respect: the form checks these too, this guards other callers."""
    by_id = {c.pk: c for c in criteria}
    for criterion_id, item in data.scores.items():
        criterion = by_id.get(criterion_id)
        if criterion is None:
            raise ValidationError(_("The review names a criterion that is not in its set."))
        if item.level is not None and item.level not in criterion.level_values:
            raise ValidationError({score_key(criterion_id, "level"): _("Choose a listed level.")})
        if item.not_applicable and (item.level is not None or not criterion.allow_na):
            raise ValidationError(
                {score_key(criterion_id, "level"): _("N/A is not allowed for this criterion.")}
            )
    if data.confidence is not None and not 1 <= data.confidence <= 5:
        raise ValidationError({"confidence": _("Confidence is from 1 to 5.")})


def review_submit_problems(
    *, criteria: list[Criterion], data: ReviewInput, min_length: int
) -> dict[str, list[str]]:
    """What blocks submitting, by form field, each message naming the criterion."""
    problems: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        problems.setdefault(key, []).append(message)

    for criterion in criteria:
        name = f"{criterion.code} {criterion.title}"
        item = data.scores.get(criterion.pk) or ScoreInput()
        if item.not_applicable:
            if not item.na_reason.strip():
                add(
                    score_key(criterion.pk, "na_reason"),
                    _("%(criterion)s: say why it is not applicable") % {"criterion": name},
                )
            continue
        if item.level is None:
            message = (
                _("%(criterion)s: choose a level or N/A")
                if criterion.allow_na
                else _("%(criterion)s: choose a level")
            )
            add(score_key(criterion.pk, "level"), message % {"criterion": name})
        if criterion.justification_required and len(item.justification.strip()) < min_length:
            add(
                score_key(criterion.pk, "justification"),
                ngettext(
                    "%(criterion)s: the justification needs at least %(count)s character",
                    "%(criterion)s: the justification needs at least %(count)s characters",
                    min_length,
                )
                % {"criterion": name, "count": min_length},
            )
    if not data.summary.strip():
        add("summary", _("Overall: write a summary"))
    if data.confidence is None:
        add("confidence", _("Overall: choose your confidence (1 to 5)"))
    if not data.recommendation:
        add("recommendation", _("Overall: choose a recommendation"))
    return problems
