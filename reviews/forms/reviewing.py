"""Forms of the reviewer side: the review form, built from a criteria-set version, and the
reason for declining an assignment.

The review form checks types only (a listed level, N/A where allowed, lengths): a draft may
be anything in between. What a submit needs is reviews.services.reviewing's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from criteria.models import Criterion, CriterionGroup
from portal.forms import field_anchor
from reviews.models import CriterionScore, Review
from reviews.services.reviewing import (
    NOT_APPLICABLE,
    OVERALL_FIELDS,
    ReviewInput,
    ScoreInput,
    score_key,
)

# Generous bounds: long enough for any real review, short enough that a runaway paste or a
# script cannot store megabytes per field.
LONG_TEXT = 20_000
EVIDENCE_MAX = 300  # CriterionScore.evidence


def _radios(*, label, choices, required=False):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


def _text(*, label, rows=4, help_text="", max_length=LONG_TEXT):
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        strip=False,  # keep what was typed exactly; length checks strip themselves
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


@dataclass
class CriterionFields:
    criterion: Criterion
    level: forms.BoundField
    na_reason: forms.BoundField | None
    justification: forms.BoundField
    evidence: forms.BoundField
    tag: forms.BoundField
    feedback_clear: forms.BoundField
    feedback_applicable: forms.BoundField
    feedback_suggestion: forms.BoundField

    @property
    def has_errors(self) -> bool:
        return any(bf is not None and bf.errors for bf in self.bound_fields)

    @property
    def bound_fields(self) -> list[forms.BoundField | None]:
        return [
            self.level,
            self.na_reason,
            self.justification,
            self.evidence,
            self.tag,
            self.feedback_clear,
            self.feedback_applicable,
            self.feedback_suggestion,
        ]

    @property
    def feedback_open(self) -> bool:
        """Show the optional feedback unfolded when it holds something."""
        return any(
            bf.value() not in (None, "")
            for bf in (self.feedback_clear, self.feedback_applicable, self.feedback_suggestion)
        )


@dataclass
class GroupFields:
    group: CriterionGroup
    criteria: list[CriterionFields]


class ReviewForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    summary = _text(label=_("Summary"), rows=5)
    strengths = _text(label=_("Strengths"))
    main_gaps = _text(label=_("Main gaps"))
    confidence = _radios(
        label=_("Your confidence in this review"),
        choices=[
            ("1", _("1 — Low: outside my expertise")),
            ("2", "2"),
            ("3", "3"),
            ("4", "4"),
            ("5", _("5 — High: my core expertise")),
        ],
    )
    recommendation = _radios(
        label=_("Invite the submitters to the workshop?"),
        choices=Review.Recommendation.choices,
    )

    def __init__(self, *args, groups: list[CriterionGroup], min_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.criteria = [c for group in groups for c in group.criteria.all()]
        for criterion in self.criteria:
            self._add_criterion_fields(criterion, min_length)

    def _add_criterion_fields(self, criterion: Criterion, min_length: int) -> None:
        pk = criterion.pk
        levels = [
            (str(item["level"]), f"{item['level']} — {item['descriptor']}")
            for item in criterion.levels
        ]
        if criterion.allow_na:
            levels.append((NOT_APPLICABLE, _("Not applicable (N/A)")))
            self.fields[score_key(pk, "na_reason")] = _text(
                label=_("Why it is not applicable"),
                rows=2,
                help_text=_("Only if you choose N/A."),
            )
        self.fields[score_key(pk, "level")] = _radios(label=_("Level"), choices=levels)
        self.fields[score_key(pk, "justification")] = _text(
            label=_("Justification"),
            help_text=(
                ngettext(
                    "Required to submit: at least %(count)s character.",
                    "Required to submit: at least %(count)s characters.",
                    min_length,
                )
                % {"count": min_length}
                if criterion.justification_required
                else _("Optional.")
            ),
        )
        self.fields[score_key(pk, "evidence")] = forms.CharField(
            label=_("Evidence (section or page)"),
            required=False,
            max_length=EVIDENCE_MAX,
            help_text=_("Where in the submission, e.g. “Section 4.2, p. 11”."),
            widget=forms.TextInput(attrs={"class": "form-control"}),
        )
        self.fields[score_key(pk, "tag")] = _radios(
            label=_("Tag"), choices=CriterionScore.Tag.choices
        )
        self.fields[score_key(pk, "feedback_clear")] = _radios(
            label=_("Is the criterion clear?"), choices=CriterionScore.YesNo.choices
        )
        self.fields[score_key(pk, "feedback_applicable")] = _radios(
            label=_("Is it applicable to this evaluation?"),
            choices=CriterionScore.YesNo.choices,
        )
        self.fields[score_key(pk, "feedback_suggestion")] = _text(
            label=_("Suggested change to the criterion"), rows=2
        )

    # --- to and from the service's ReviewInput ------------------------------------------

    @staticmethod
    def initial_from(*, data: ReviewInput, revision: int) -> dict:
        initial: dict = {"revision": revision}
        for name in OVERALL_FIELDS:
            value = getattr(data, name)
            initial[name] = "" if value is None else str(value)
        for criterion_id, item in data.scores.items():
            if item.not_applicable:
                level = NOT_APPLICABLE
            else:
                level = "" if item.level is None else str(item.level)
            initial[score_key(criterion_id, "level")] = level
            for part in (
                "na_reason",
                "justification",
                "evidence",
                "tag",
                "feedback_clear",
                "feedback_applicable",
                "feedback_suggestion",
            ):
                initial[score_key(criterion_id, part)] = getattr(item, part)
        return initial

    def review_input(self) -> ReviewInput:
        """The cleaned data as the service takes it; call after is_valid()."""
        data = self.cleaned_data
        confidence = data.get("confidence") or ""
        result = ReviewInput(
            summary=data.get("summary", ""),
            strengths=data.get("strengths", ""),
            main_gaps=data.get("main_gaps", ""),
            confidence=int(confidence) if confidence else None,
            recommendation=data.get("recommendation", ""),
        )
        for criterion in self.criteria:
            pk = criterion.pk
            level = data.get(score_key(pk, "level")) or ""
            item = ScoreInput(
                level=int(level) if level and level != NOT_APPLICABLE else None,
                not_applicable=level == NOT_APPLICABLE,
                na_reason=data.get(score_key(pk, "na_reason"), "") or "",
            )
            for part in (
                "justification",
                "evidence",
                "tag",
                "feedback_clear",
                "feedback_applicable",
                "feedback_suggestion",
            ):
                setattr(item, part, data.get(score_key(pk, part), "") or "")
            result.scores[pk] = item
        return result

    # --- rendering ------------------------------------------------------------------------

    def grouped(self) -> list[GroupFields]:
        result = []
        for group in self.groups:
            rows = []
            for criterion in group.criteria.all():
                pk = criterion.pk
                na_key = score_key(pk, "na_reason")
                rows.append(
                    CriterionFields(
                        criterion=criterion,
                        level=self[score_key(pk, "level")],
                        na_reason=self[na_key] if na_key in self.fields else None,
                        justification=self[score_key(pk, "justification")],
                        evidence=self[score_key(pk, "evidence")],
                        tag=self[score_key(pk, "tag")],
                        feedback_clear=self[score_key(pk, "feedback_clear")],
                        feedback_applicable=self[score_key(pk, "feedback_applicable")],
                        feedback_suggestion=self[score_key(pk, "feedback_suggestion")],
                    )
                )
            result.append(GroupFields(group=group, criteria=rows))
        return result

    def anchor(self, name: str) -> str:
        return field_anchor(self[name])


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"),
        max_length=2000,
        help_text=_(
            "For example a conflict of interest the portal does not know about, or no time "
            "before the deadline. The AI Office sees your answer."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
