"""One criterion's section of the summary and the internal edition: its figures, the
distribution of levels and tags, the reviewers' feedback on the criterion, the quotes
staff chose and their notes. Figures as in `summary`'s docstring."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from criteria.models import CriteriaSet, Criterion
from portal.models import Workshop
from reports.data.rows import Row, level_values, stats_of
from reports.data.scope import quotable_scores
from reports.models import QuoteSelection
from reviews.selectors.aggregates import DISAGREEMENT_SPREAD, TAGS, Stats, ordinal_alpha


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
    # Decided proposals of the criteria debate about this criterion (debate.selectors).
    refinements: list = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return 0 < self.evaluations < self.min_group

    @property
    def alpha_suppressed(self) -> bool:
        return self.alpha_units < self.min_group


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
    levels = level_values(criterion) or sorted(counts)
    extra = sorted(set(counts) - set(levels))
    return [
        (level, criterion.descriptor(level), dict(counts[level])) for level in [*levels, *extra]
    ]


def criterion_section(
    criterion: Criterion,
    rows: list[Row],
    units: list[list[int]],
    *,
    quotes: list[Quote],
    notes_md: str,
    min_group: int,
    refinements: list | None = None,
) -> CriterionSection:
    """One criterion's section from its rows, and the levels each evaluation got (`units`,
    in submission order, as the staff page hands them to alpha)."""
    return CriterionSection(
        criterion=criterion,
        stats=stats_of(rows),
        evaluations=sum(1 for unit in units if unit),
        alpha=ordinal_alpha(units, value_domain=level_values(criterion)),
        alpha_units=sum(1 for unit in units if len(unit) >= 2),
        disagreement_count=sum(
            1 for unit in units if unit and max(unit) - min(unit) >= DISAGREEMENT_SPREAD
        ),
        distribution=_distribution(criterion, rows),
        feedback=_feedback(rows, min_group=min_group),
        quotes=quotes,
        notes_md=notes_md,
        min_group=min_group,
        refinements=refinements or [],
    )


def quotes_by_criterion(
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
