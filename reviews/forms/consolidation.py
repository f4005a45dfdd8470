"""Forms of the consolidated assessment: the lead's choice (staff), the lead's draft (one
fieldset per criterion), a reviewer's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import ConsolidatedScore
from reviews.services.consolidation import ScoreInput

LEAD_SELF = "me"


class LeadForm(forms.Form):
    """`lead` is "me" (the staff member takes the role) or an accepted assignment's code."""

    lead = forms.ChoiceField(label=_("Lead reviewer"))

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [
            (LEAD_SELF, _("Me (I take the role)")),
            *((a.code, str(a.reviewer)) for a in assignments),
        ]


class ConsolidationForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        tags = [("", _("No tag")), *ConsolidatedScore.Tag.choices]
        for row in self.rows:
            criterion = row.criterion
            score = row.score
            levels = [("", _("No level yet"))] + [
                (str(item["level"]), f"{item['level']} – {item['descriptor']}")
                for item in criterion.levels
            ]
            prefix = f"c{criterion.pk}"
            self.fields[f"{prefix}_level"] = forms.TypedChoiceField(
                label=_("Level"),
                choices=levels,
                coerce=int,
                empty_value=None,
                required=False,
                initial=score.level if score else None,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"{prefix}_tag"] = forms.ChoiceField(
                label=_("Tag"),
                choices=tags,
                required=False,
                initial=score.tag if score else "",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"{prefix}_synthesis"] = forms.CharField(
                label=_("Synthesis"),
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                initial=score.synthesis if score else "",
            )
            row.fields = [self[f"{prefix}_{name}"] for name in ("level", "tag", "synthesis")]

    def scores(self) -> dict[int, ScoreInput]:
        data = self.cleaned_data
        return {
            row.criterion.pk: ScoreInput(
                level=data.get(f"c{row.criterion.pk}_level"),
                tag=data.get(f"c{row.criterion.pk}_tag") or "",
                synthesis=data.get(f"c{row.criterion.pk}_synthesis") or "",
            )
            for row in self.rows
        }


class ConcurrenceForm(forms.Form):
    agrees = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("I agree")), ("no", _("I dissent"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    dissent_note = forms.CharField(
        label=_("Dissent note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Required when you dissent: what you would assess differently, and why."),
    )
