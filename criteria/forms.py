from django import forms
from django.utils.translation import gettext_lazy as _

from criteria import validation
from criteria.interchange import MAX_SIZE

_CODE_HELP = _(
    "Short and unique within the set, for example REL-1. Letters, digits, “.”, “_” and “-”."
)


class SetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=validation.TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to reviewers above the criteria. Say where the set comes from."),
    )


class GroupForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=validation.CODE_MAX_LENGTH, help_text=_CODE_HELP
    )
    title = forms.CharField(label=_("Title"), max_length=validation.TITLE_MAX_LENGTH)


class CriterionForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"))
    code = forms.CharField(
        label=_("Code"), max_length=validation.CODE_MAX_LENGTH, help_text=_CODE_HELP
    )
    title = forms.CharField(label=_("Title"), max_length=validation.TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The question the criterion asks of an evaluation."),
    )
    guidance = forms.CharField(
        label=_("Guidance for reviewers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How to tell the levels apart; what to look for in the evaluation."),
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the criterion comes from, for example [S&S] Appendix 3.2; [METR]."),
    )
    weight = forms.DecimalField(
        label=_("Weight"),
        min_value=0,
        max_value=validation.WEIGHT_MAX,
        max_digits=4,
        decimal_places=2,
        initial=1,
        help_text=_("0 to 99.99. A weight of 0 keeps the criterion out of weighted totals."),
    )
    allow_na = forms.BooleanField(
        label=_("Reviewers may answer “not applicable” (with a reason)"), required=False
    )
    justification_required = forms.BooleanField(
        label=_("A justification is required with every score"), required=False, initial=True
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.code, f"{g.code} · {g.title}") for g in groups]


class LevelForm(forms.Form):
    level = forms.IntegerField(label=_("Level"), required=False, min_value=-99, max_value=99)
    descriptor = forms.CharField(
        label=_("Descriptor"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


LevelFormSet = forms.formset_factory(LevelForm, extra=2, max_num=20, validate_max=True)


class ImportForm(forms.Form):
    FORMAT_CHOICES = [
        ("auto", _("Detect from the file name or the content")),
        ("json", "JSON"),
        ("yaml", "YAML"),
    ]

    file = forms.FileField(label=_("File"), required=False, help_text=_(".json, .yaml or .yml"))
    text = forms.CharField(
        label=_("Or paste the content"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        pasted = data.get("text") or ""
        if upload and pasted.strip():
            raise forms.ValidationError(_("Upload a file or paste the content, not both."))
        if not upload and not pasted.strip():
            raise forms.ValidationError(_("Upload a file or paste the content."))
        if upload:
            if upload.size > MAX_SIZE:
                raise forms.ValidationError(_("The file is too large: at most 1 MB."))
            try:
                data["content"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text. Save it as UTF-8 and upload it again.")
                ) from None
        else:
            data["content"] = pasted
        data["resolved_format"] = self._resolve_format(
            data.get("format"), upload.name if upload else "", data["content"]
        )
        return data

    @staticmethod
    def _resolve_format(chosen: str | None, name: str, content: str) -> str:
        if chosen in ("json", "yaml"):
            return chosen
        name = name.lower()
        if name.endswith(".json"):
            return "json"
        if name.endswith((".yaml", ".yml")):
            return "yaml"
        return "json" if content.lstrip().startswith(("{", "[")) else "yaml"
