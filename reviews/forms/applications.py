from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.filters import SEARCH_MAX_LENGTH, ListFilterForm
from portal.languages import EU_LANGUAGES
from portal.models import Organisation
from reviews.models import (
    MAX_REVIEWS_LIMIT,
    STATEMENT_MAX_LENGTH,
    ReviewerApplication,
    ReviewerExpertise,
    ReviewerTie,
)
from submissions.models import Method, Provider, RiskArea

Level = ReviewerExpertise.Level

# Labels stay lazy: the form is built at import, the language is chosen per request.
LEVEL_CHOICES = [
    ("", _("None")),
    *((str(level.value), format_lazy("{} – {}", level.value, level.label)) for level in Level),
]


def _languages_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Languages you can review in"),
        choices=EU_LANGUAGES,
        # Rendered by templates/reviews/_languages_field.html: 24 boxes in columns.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The official EU languages in which you can read and review an evaluation."),
        error_messages={"required": _("Choose at least one language you can review in.")},
    )


def _max_reviews_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Maximum number of reviews"),
        min_value=1,
        max_value=MAX_REVIEWS_LIMIT,
        initial=5,
        help_text=_("The most evaluations you are willing to review for this call."),
    )


class ApplicationForm(forms.Form):
    """The whole application on one page: statement, CV, languages, load and expertise.

    The expertise grid has one level select per risk area and per method, named
    `area_<code>` and `method_<code>`; `risk_areas` and `methods` are passed in so that the
    vocabularies are read once per request.
    """

    statement = forms.CharField(
        label=_("Statement of expertise"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=format_lazy(
            _(
                "Your experience with evaluations of general-purpose AI models: methods, risk "
                "areas, publications. At most {max} characters."
            ),
            max=STATEMENT_MAX_LENGTH,
        ),
    )
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=200,
        help_text=_("Your employer or institution, or “independent”."),
    )
    cv_link = forms.URLField(
        label=_("Link to your CV"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For example your page on your institution's website or ORCID."),
    )
    cv_upload = forms.FileField(
        label=_("CV as a PDF file"),
        required=False,
        # A plain file input: removing the stored CV is remove_cv_file, with its own label.
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("Give a link, upload a PDF, or both."),
    )
    remove_cv_file = forms.BooleanField(label=_("Remove the uploaded CV"), required=False)
    max_reviews = _max_reviews_field()

    def __init__(
        self,
        *args,
        risk_areas: list[RiskArea],
        methods: list[Method],
        application: ReviewerApplication | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if application is not None and not self.is_bound:
            self.initial = {**_initial_from(application), **self.initial}
        self.fields["languages"] = _languages_field()
        self.risk_areas = risk_areas
        self.methods = methods
        for area in risk_areas:
            self.fields[f"area_{area.code}"] = _level_field(area.label)
        for method in methods:
            self.fields[f"method_{method.code}"] = _level_field(method.label)
        if application is None or not application.cv_file:
            del self.fields["remove_cv_file"]

    def area_fields(self) -> list[forms.BoundField]:
        return [self[f"area_{area.code}"] for area in self.risk_areas]

    def method_fields(self) -> list[forms.BoundField]:
        return [self[f"method_{method.code}"] for method in self.methods]

    def main_fields(self) -> list[forms.BoundField]:
        names = ["statement", "affiliation", "cv_link", "cv_upload", "remove_cv_file"]
        return [self[name] for name in names if name in self.fields]

    def availability_fields(self) -> list[forms.BoundField]:
        return [self["languages"], self["max_reviews"]]

    def area_levels(self) -> dict[RiskArea, int]:
        return {area: self.cleaned_data.get(f"area_{area.code}") or 0 for area in self.risk_areas}

    def method_levels(self) -> dict[Method, int]:
        return {
            method: self.cleaned_data.get(f"method_{method.code}") or 0 for method in self.methods
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "statement": data["statement"],
            "affiliation": data["affiliation"],
            "cv_link": data["cv_link"],
            "cv_upload": data.get("cv_upload") or None,
            "languages": data["languages"],
            "max_reviews": data["max_reviews"],
            "area_levels": self.area_levels(),
            "method_levels": self.method_levels(),
        }


def _level_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=LEVEL_CHOICES, coerce=int, empty_value=0, required=False
    )


def _initial_from(application: ReviewerApplication) -> dict:
    initial = {
        "statement": application.statement,
        "affiliation": application.affiliation,
        "cv_link": application.cv_link,
        "languages": application.languages,
        "max_reviews": application.max_reviews,
    }
    for row in application.expertise.all():
        if row.risk_area_id:
            initial[f"area_{row.risk_area.code}"] = str(row.level)
        else:
            initial[f"method_{row.method.code}"] = str(row.level)
    return initial


class AvailabilityForm(forms.Form):
    """What an approved reviewer may still change."""

    max_reviews = _max_reviews_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"] = _languages_field()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when declining. The applicant receives it by email."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason", _("Give the reason for declining; the applicant will read it.")
            )
        return cleaned


class TieForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("(none)"),
        help_text=_("An organisation registered on the portal."),
    )
    provider = forms.ModelChoiceField(
        label=_("Model provider"),
        queryset=Provider.objects.none(),
        required=False,
        empty_label=_("(none)"),
        help_text=_("Or a provider of general-purpose AI models."),
    )
    tie_type = forms.ChoiceField(label=_("Type of tie"), choices=ReviewerTie.TieType.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("For example the role, the project or the period."),
    )

    def __init__(self, *args, organisations, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["provider"].queryset = providers

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation") is None and cleaned.get("provider") is None:
            if "organisation" not in self.errors and "provider" not in self.errors:
                self.add_error(None, _("Choose an organisation or a model provider."))
        elif cleaned.get("organisation") is not None and cleaned.get("provider") is not None:
            self.add_error(None, _("Choose either an organisation or a model provider, not both."))
        return cleaned


class StaffFilterForm(ListFilterForm):
    q = forms.CharField(label=_("Name or email"), required=False, max_length=SEARCH_MAX_LENGTH)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *ReviewerApplication.State.choices],
    )
    risk_area = forms.ChoiceField(label=_("Expertise in risk area"), required=False)
    min_level = forms.TypedChoiceField(
        label=_("At least"),
        required=False,
        coerce=int,
        empty_value=1,
        choices=LEVEL_CHOICES[1:],
    )

    def __init__(self, *args, risk_areas: list[RiskArea], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_area"].choices = [
            ("", _("Any")),
            *((area.code, area.label) for area in risk_areas),
        ]

    def filters(self) -> dict:
        data = super().filters()
        return {
            "query": data["q"].strip(),
            "state": data["state"],
            "risk_area": data["risk_area"],
            "min_level": data["min_level"] or 1,
        }
