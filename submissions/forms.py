from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.filters import SEARCH_MAX_LENGTH, ListFilterForm
from portal.forms import LocalDateTimeField, field_anchor, make_aware_strict
from portal.models import Organisation

from .models import Method, Provider, RiskArea, Submission, SubmissionFile
from .services import REQUIRED_TO_SUBMIT, REQUIRED_TO_SUBMIT_OTHER

# The marker crispy-forms gives a required field; the edit page's legend explains it.
REQUIRED_MARKER = '<span class="asteriskField">*</span>'


class SubmissionCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Submitting organisation"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


def _section(legend, *fields, help_text=None):
    parts = [HTML(f'<p class="form-text">{help_text}</p>')] if help_text else []
    return Fieldset(legend, *parts, *fields, css_class="border rounded p-3 mb-4")


class SubmissionForm(forms.ModelForm):
    """The long form, in sections. Everything may stay empty while it is a draft."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    provider = forms.ModelChoiceField(
        label=_("Model provider"), queryset=Provider.objects.all(), required=False
    )
    provider_other = forms.CharField(
        label=_("Other provider"),
        max_length=120,
        required=False,
        help_text=_("If the provider is not in the list, type its name."),
    )
    risk_areas = forms.ModelMultipleChoiceField(
        label=_("Risk areas"),
        queryset=RiskArea.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The Code of Practice's specified systemic risks and other types of systemic risk "
            "the evaluation bears on."
        ),
    )
    methods = forms.ModelMultipleChoiceField(
        label=_("Methods"),
        queryset=Method.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provider_ties = forms.MultipleChoiceField(
        label=_("Ties to the model provider"),
        choices=Submission.ProviderTie.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Any tie of the authors or the organisation to the provider of the model."),
    )

    class Meta:
        model = Submission
        fields = [
            "title",
            "abstract",
            "keywords",
            "language",
            "provider",
            "model_name",
            "model_version",
            "model_version_date",
            "version_type",
            "release_channel",
            "access_level",
            "access_logits",
            "access_chain_of_thought",
            "access_fine_tuning",
            "access_activations",
            "risk_areas",
            "threat_scenario",
            "methods",
            "methods_other",
            "elicitation",
            "evaluation_start",
            "evaluation_end",
            "stage",
            "results_summary",
            "artefacts",
            "confidentiality",
            "info_hazard",
            "summary_consent",
            "relevance_statement",
            "provider_ties",
            "conflict_statement",
        ]
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 5}),
            "threat_scenario": forms.Textarea(attrs={"rows": 4}),
            "elicitation": forms.Textarea(attrs={"rows": 4}),
            "results_summary": forms.Textarea(attrs={"rows": 5}),
            "relevance_statement": forms.Textarea(attrs={"rows": 4}),
            "conflict_statement": forms.Textarea(attrs={"rows": 3}),
            "model_version_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evaluation_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evaluation_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "abstract": _("A short summary of what was evaluated, how, and what was found."),
            "model_version": _("The exact version or snapshot identifier you evaluated."),
            "access_level": _(
                "Black-box: API outputs only. Grey-box: e.g. logits or "
                "fine-tuning. White-box: weights or activations."
            ),
            "threat_scenario": _("The concrete scenario the evaluation probes (Measure 2.2)."),
            "elicitation": _(
                "Scaffolding, tools, fine-tuning, prompting and number of "
                "attempts (e.g. pass@k) used to bring out the model's capability."
            ),
            "results_summary": _(
                "Main metrics with their uncertainty, human baselines and thresholds."
            ),
            "confidentiality": _(
                "Who may read the evaluation. “AI Office only” "
                "submissions are never shown to reviewers."
            ),
            "info_hazard": _(
                "Tick if the documents contain information that could enable harm if disclosed."
            ),
            "relevance_statement": _(
                "How the evaluation bears on systemic risk under the AI Act (Art. 3(65), Art. 55)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title",):
            self.fields[name].required = True
        # A draft may leave these empty, so they stay optional to save; but submitting needs
        # them, and the person should see which before pressing "Save and submit".
        for name in [*REQUIRED_TO_SUBMIT, *REQUIRED_TO_SUBMIT_OTHER]:
            field = self.fields.get(name)
            if field is not None and not field.required:
                field.label = format_html("{}" + REQUIRED_MARKER, field.label)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "revision",
            _section(_("About the evaluation"), "title", "abstract", "keywords", "language"),
            _section(
                _("Model evaluated"),
                Div(
                    Div("provider", css_class="col-md-6"),
                    Div("provider_other", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("model_name", css_class="col-md-6"),
                    Div("model_version", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("model_version_date", css_class="col-md-4"),
                    Div("version_type", css_class="col-md-4"),
                    Div("release_channel", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            _section(
                _("Access"),
                "access_level",
                HTML('<p class="mb-1">' + str(_("Access given:")) + "</p>"),
                "access_logits",
                "access_chain_of_thought",
                "access_fine_tuning",
                "access_activations",
            ),
            _section(_("Risk scope"), "risk_areas", "threat_scenario"),
            _section(_("Methods and elicitation"), "methods", "methods_other", "elicitation"),
            _section(
                _("Timing and results"),
                Div(
                    Div("evaluation_start", css_class="col-md-4"),
                    Div("evaluation_end", css_class="col-md-4"),
                    Div("stage", css_class="col-md-4"),
                    css_class="row",
                ),
                "results_summary",
            ),
            _section(
                _("Disclosure and consent"),
                "artefacts",
                "confidentiality",
                "info_hazard",
                "summary_consent",
            ),
            _section(
                _("Relevance and independence"),
                "relevance_statement",
                "provider_ties",
                "conflict_statement",
            ),
        )

    def anchor(self, name: str) -> str:
        """The id the "Before you can submit" summary links to for a missing item; the
        author rows and the upload are the page's other forms (prefix "authors", none)."""
        if name == "authors":
            return "id_authors-0-name"
        if name == "files":
            return "id_upload"
        return field_anchor(self[name]) if name in self.fields else ""

    def clean_provider_ties(self):
        ties = self.cleaned_data["provider_ties"]
        if Submission.ProviderTie.NONE in ties and len(ties) > 1:
            raise forms.ValidationError(
                _("“None” cannot be combined with a tie. Untick one of them.")
            )
        return ties

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("evaluation_start"), cleaned.get("evaluation_end")
        if start and end and end < start:
            self.add_error("evaluation_end", _("The evaluation cannot end before it starts."))
        other = (cleaned.get("provider_other") or "").strip()
        if other and not cleaned.get("provider"):
            existing = Provider.objects.filter(name__iexact=other).first()
            cleaned["provider"] = existing or Provider(name=other)
        return cleaned


class AuthorForm(forms.Form):
    # Rendered in a table row (submission_edit.html): full-width inputs let the row shrink
    # to a phone's width instead of pushing the page sideways.
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


AuthorFormSet = forms.formset_factory(
    AuthorForm, extra=1, can_delete=True, max_num=50, validate_max=True
)


class FileUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SubmissionFile.Kind.choices)
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF for the main document; PDF, CSV, JSON or plain text for supplements."),
    )


def _any(choices) -> list[tuple[str, str]]:
    return [("", _("Any")), *choices]


class StaffSubmissionFilterForm(ListFilterForm):
    """The staff's list of a call's submissions and its CSV export."""

    SORTS = {
        "updated": "-updated_at",
        "submitted": "-submitted_at",
        "title": "title",
        "organisation": "organisation__name",
        "state": "state",
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    state = forms.MultipleChoiceField(
        label=_("State"), required=False, choices=Submission.State.choices
    )
    risk_area = forms.ChoiceField(label=_("Risk area"), required=False)
    method = forms.ChoiceField(label=_("Method"), required=False)
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"), required=False, choices=_any(Organisation.Type.choices)
    )
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        required=False,
        choices=_any(Submission.Confidentiality.choices),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("updated", _("Last change")),
            ("submitted", _("Submission date")),
            ("title", _("Title")),
            ("organisation", _("Organisation")),
            ("state", _("State")),
        ],
    )

    def __init__(self, *args, risk_areas: list[RiskArea], methods: list[Method], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_area"].choices = _any((area.code, area.label) for area in risk_areas)
        self.fields["method"].choices = _any((method.code, method.label) for method in methods)

    def filters(self) -> dict:
        data = super().filters()
        return {
            "query": data["q"].strip(),
            "states": data["state"],
            "risk_area": data["risk_area"],
            "method": data["method"],
            "organisation_type": data["organisation_type"],
            "confidentiality": data["confidentiality"],
            "ordering": self.SORTS[data["sort"] or "updated"],
        }


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("Eligible")), ("not_eligible", _("Not eligible"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Reason (if not eligible)"),
        choices=[("", "—"), *Submission.IneligibleReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the submitters"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "not_eligible":
            if not cleaned.get("reason"):
                self.add_error("reason", _("Give a reason."))
            elif cleaned["reason"] == "other" and not cleaned.get("note", "").strip():
                self.add_error("note", _("Explain the reason."))
        return cleaned


class ExtensionForm(forms.Form):
    deadline = LocalDateTimeField(label=_("New deadline"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["deadline"].help_text = _("In the workshop's time zone (%(zone)s).") % {
            "zone": workshop.timezone
        }

    def clean_deadline(self):
        return make_aware_strict(self.cleaned_data["deadline"], self.workshop.tzinfo)
