"""The EU Survey column mapping form: one select per question column of the export."""

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.surveys import IGNORE, question_headers, target_fields


class SurveyMappingForm(forms.Form):
    alias = forms.CharField(
        label=_("Survey alias (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "The survey's alias or name in EU Survey. Without it, the next export of the same "
            "survey is recognised by its questions."
        ),
    )

    def __init__(self, *args, headers: list[str], target: str, examples: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = []
        choices = [(IGNORE, _("Ignore this column"))] + [
            (field.name, field.label) for field in target_fields(target)
        ]
        for index, header in enumerate(question_headers(headers)):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(label=header, choices=choices, required=False)
            self.columns.append((name, header, examples.get(header, "")))

    def column_rows(self):
        """(bound field, example answer) per column, for the template's table."""
        return [(self[name], example) for name, _header, example in self.columns]

    def clean(self):
        cleaned = super().clean()
        seen: dict[str, str] = {}
        for name, header, _example in self.columns:
            field = cleaned.get(name)
            if not field:
                continue
            if field in seen:
                self.add_error(
                    name,
                    _("“%(other)s” is already mapped to this field.") % {"other": seen[field]},
                )
            seen[field] = header
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[name]
            for name, header, _example in self.columns
            if self.cleaned_data.get(name)
        }
