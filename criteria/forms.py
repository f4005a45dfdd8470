from django import forms
from django.utils.translation import gettext_lazy as _

from criteria import validation
from criteria.interchange import MAX_SIZE

_CODE_HELP = _(
    "Short and unique within the set, for example REL-1. Letters, digits, “.”, “_” and “-”."
)


class LoadedField(forms.CharField):
    """A hidden field carrying the edit token of what a form was loaded from (the models'
    edit_token): the save refuses to overwrite a change someone else made meanwhile."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=64, strip=True, **kwargs)


class SetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=validation.TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to reviewers above the criteria. Say where the set comes from."),
    )
    loaded_token = LoadedField(empty_value=None)


class GroupForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=validation.CODE_MAX_LENGTH, help_text=_CODE_HELP
    )
    title = forms.CharField(label=_("Title"), max_length=validation.TITLE_MAX_LENGTH)
    loaded_token = LoadedField(empty_value=None)


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

    loaded_token = LoadedField(empty_value=None)

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


def _checked_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("This translation still fits the changed English text"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


def _title_field(row, lang: dict) -> forms.CharField:
    return forms.CharField(
        label=_("Title"),
        required=False,
        max_length=validation.TITLE_MAX_LENGTH,
        initial=row.title if row else "",
        widget=forms.TextInput(attrs=lang),
    )


def _bound_or_none(form: forms.Form, name: str):
    return form[name] if name in form.fields else None


class TranslationForm(forms.Form):
    """A version's texts in one language, beside the English: one field per text of each
    group and criterion (named by code, which every version keeps), and for a translation
    made from older English a box to confirm it still fits the new English.

    A criterion left wholly empty has no translation (readers get the English); one begun
    needs every text its English has."""

    def __init__(self, data=None, *, criteria_set, groups: list, rows: dict, language: str):
        super().__init__(data)
        self.criteria_set = criteria_set
        self.groups = groups
        self.language = language
        lang = {"lang": language}
        self._set_fields(criteria_set, rows["set"], lang)
        self._loaded_field("s", rows["set"], criteria_set)
        for group in groups:
            row = rows["groups"].get(group.pk)
            self.fields[f"g-{group.code}-title"] = _title_field(row, lang)
            self._loaded_field(f"g-{group.code}", row, group)
            if row is not None and row.source_digest != group.source_digest():
                self.fields[f"g-{group.code}-checked"] = _checked_field()
            for criterion in group.criteria.all():
                self._criterion_fields(criterion, rows["criteria"].get(criterion.pk), lang)
        for name, field in self.fields.items():
            if not isinstance(field, forms.BooleanField | LoadedField):
                # The English source beside each field describes it.
                field.widget.attrs.update(
                    {"class": "form-control", "aria-describedby": f"id_{name}-source"}
                )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"
                self.fields[name].widget.attrs["aria-describedby"] = (
                    f"id_{name}-source id_{name}-error"
                )

    def _set_fields(self, criteria_set, row, lang: dict) -> None:
        self.fields["s-title"] = _title_field(row, lang)
        self.fields["s-description"] = forms.CharField(
            label=_("Description"),
            required=False,
            initial=row.description if row else "",
            widget=forms.Textarea(attrs={"rows": 4, **lang}),
        )
        if row is not None and row.source_digest != criteria_set.source_digest():
            self.fields["s-checked"] = _checked_field()

    def _loaded_field(self, prefix: str, row, obj) -> None:
        # What the page shows of the stored translation, for the save to tell someone
        # else's change from this page's, and the English it shows beside it, which a
        # translation saved from this page is made from (criteria.services.translations).
        self.fields[f"{prefix}-loaded"] = LoadedField(
            initial=row.edit_token() if row is not None else ""
        )
        self.fields[f"{prefix}-source"] = LoadedField(initial=obj.source_digest())

    def loaded(self, prefix: str) -> dict:
        """The page's tokens of an object for the service: `loaded` (None when the page did
        not send it) and `source`."""
        return {
            "loaded": (
                self.cleaned_data.get(f"{prefix}-loaded")
                if f"{prefix}-loaded" in self.data
                else None
            ),
            "source": self.cleaned_data.get(f"{prefix}-source") or None,
        }

    def _criterion_fields(self, criterion, row, lang: dict) -> None:
        prefix = f"c-{criterion.code}"
        self.fields[f"{prefix}-title"] = _title_field(row, lang)
        self._loaded_field(prefix, row, criterion)
        for name, label in (("description", _("Description")), ("guidance", _("Guidance"))):
            self.fields[f"{prefix}-{name}"] = forms.CharField(
                label=label,
                required=False,
                initial=getattr(row, name) if row else "",
                widget=forms.Textarea(attrs={"rows": 4, **lang}),
            )
        for level in criterion.level_values:
            self.fields[f"{prefix}-level-{level}"] = forms.CharField(
                label=_("Level %(level)d") % {"level": level},
                required=False,
                initial=row.descriptor(level) if row else "",
                widget=forms.TextInput(attrs=lang),
            )
        if row is not None and row.source_digest != criterion.source_digest():
            self.fields[f"{prefix}-checked"] = _checked_field()

    def _entered(self, criterion) -> dict:
        prefix = f"c-{criterion.code}"
        data = self.cleaned_data
        return {
            "title": data.get(f"{prefix}-title", "").strip(),
            "description": data.get(f"{prefix}-description", "").strip(),
            "guidance": data.get(f"{prefix}-guidance", "").strip(),
            "levels": {
                level: data.get(f"{prefix}-level-{level}", "").strip()
                for level in criterion.level_values
            },
            "checked": bool(data.get(f"{prefix}-checked")),
            **self.loaded(prefix),
        }

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = validation.normalise_text(value)
        set_title = cleaned.get("s-title", "").strip()
        if not set_title and cleaned.get("s-description", "").strip():
            self.add_error("s-title", _("Translate the title too, or leave both empty."))
        description_missing = not cleaned.get("s-description", "").strip()
        if set_title and self.criteria_set.description.strip() and description_missing:
            self.add_error(
                "s-description", _("Translate the description too, or leave both empty.")
            )
        for group in self.groups:
            for criterion in group.criteria.all():
                entered = self._entered(criterion)
                texts = [entered[k] for k in ("title", "description", "guidance")]
                if not any(texts) and not any(entered["levels"].values()):
                    continue
                prefix = f"c-{criterion.code}"
                english = {
                    "title": criterion.title,
                    "description": criterion.description,
                    "guidance": criterion.guidance,
                }
                for name, source in english.items():
                    if source.strip() and not entered[name]:
                        self.add_error(
                            f"{prefix}-{name}",
                            _("Translate this text too, or leave the whole criterion empty."),
                        )
                for level, text in entered["levels"].items():
                    if not text:
                        self.add_error(
                            f"{prefix}-level-{level}",
                            _("Translate this level too, or leave the whole criterion empty."),
                        )
        return cleaned

    def texts(self) -> dict:
        """What the service takes: group code -> title, criterion code -> its texts."""
        return {
            "set": {
                "title": self.cleaned_data.get("s-title", "").strip(),
                "description": self.cleaned_data.get("s-description", "").strip(),
                "checked": bool(self.cleaned_data.get("s-checked")),
                **self.loaded("s"),
            },
            "groups": {
                group.code: {
                    "title": self.cleaned_data.get(f"g-{group.code}-title", "").strip(),
                    "checked": bool(self.cleaned_data.get(f"g-{group.code}-checked")),
                    **self.loaded(f"g-{group.code}"),
                }
                for group in self.groups
            },
            "criteria": {
                criterion.code: self._entered(criterion)
                for group in self.groups
                for criterion in group.criteria.all()
            },
        }

    def set_entry(self, rows: dict) -> dict:
        return {
            "status": _status(rows["set"], self.criteria_set),
            "title": self["s-title"],
            "description": self["s-description"],
            "checked": _bound_or_none(self, "s-checked"),
        }

    def entries(self, rows: dict) -> list[dict]:
        """The page's layout: each group with its title field, and its criteria with their
        fields, stored translation status and English beside."""
        result = []
        for group in self.groups:
            criteria = []
            for criterion in group.criteria.all():
                prefix = f"c-{criterion.code}"
                row = rows["criteria"].get(criterion.pk)
                criteria.append(
                    {
                        "criterion": criterion,
                        "status": _status(row, criterion),
                        "title": self[f"{prefix}-title"],
                        "description": self[f"{prefix}-description"],
                        "guidance": self[f"{prefix}-guidance"],
                        "levels": [
                            (item, self[f"{prefix}-level-{item['level']}"])
                            for item in criterion.levels
                        ],
                        "checked": _bound_or_none(self, f"{prefix}-checked"),
                    }
                )
            result.append(
                {
                    "group": group,
                    "status": _status(rows["groups"].get(group.pk), group),
                    "title": self[f"g-{group.code}-title"],
                    "checked": _bound_or_none(self, f"g-{group.code}-checked"),
                    "criteria": criteria,
                }
            )
        return result


def _status(row, obj) -> str:
    if row is None:
        return "missing"
    return "stale" if row.source_digest != obj.source_digest() else "current"
