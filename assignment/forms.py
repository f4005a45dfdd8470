"""Forms of automatic assignment: the reviewers' bids and the staff's run settings, hand
edits, exports and imports. Each form only shapes input; the rules live in
assignment.matching (RunSettings and AffinityWeights validate themselves)."""

from __future__ import annotations

import json
from dataclasses import replace

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assignment.interchange import REVIEWER_KEYS
from assignment.matching.options import MAX_K, RunSettings
from assignment.matching.weights import AffinityWeights
from assignment.models import Bid
from assignment.selectors import TAB_ADDED, TAB_KEPT, TAB_REMOVED
from portal.csv import csv_safe
from portal.filters import SEARCH_MAX_LENGTH, ListFilterForm
from reviews.models import MAX_REVIEWS_LIMIT

BID_FIELD_PREFIX = "bid-"
# assignments.json files of 10,000 submissions x 3 reviewers are about 2 MB.
IMPORT_MAX_BYTES = 20 * 1024 * 1024


def _style(form: forms.Form) -> None:
    """Bootstrap classes on the widgets (fields render with Django's own label and
    aria-describedby / aria-invalid handling)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


# --- bids ---------------------------------------------------------------------------------


def bid_choices() -> list[tuple[str, str]]:
    return [("", _("No bid")), *Bid.Value.choices]


class BidFilterForm(ListFilterForm):
    risk_area = forms.ChoiceField(label=_("Risk area"), required=False)

    def __init__(self, *args, risk_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_area"].choices = [
            ("", _("Any")),
            *((area.code, area.label) for area in risk_areas),
        ]

    def chosen_risk_area(self) -> str:
        """The chosen risk area code; no filter when the value is not one of the choices."""
        return self.filters()["risk_area"]


class RunDiffFilterForm(ListFilterForm):
    """The tab, search and page of a finished run's diff."""

    tab = forms.ChoiceField(
        label=_("Tab"),
        required=False,
        choices=[
            (TAB_ADDED, _("Added")),
            (TAB_REMOVED, _("Removed")),
            (TAB_KEPT, _("Kept")),
        ],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)


def posted_bids(data) -> dict[str, str]:
    """{submission code: bid value or ""} from `bid-<code>` fields; unknown values are kept
    as they are, for the service to refuse with its own message."""
    return {
        key[len(BID_FIELD_PREFIX) :]: value.strip()
        for key, value in data.items()
        if key.startswith(BID_FIELD_PREFIX) and len(key) > len(BID_FIELD_PREFIX)
    }


# --- run settings --------------------------------------------------------------------------

_DEFAULT_WEIGHTS = AffinityWeights()
WEIGHT_FIELDS = [
    ("expertise", _("Expertise overlap"), _("Weight of the declared-expertise overlap.")),
    (
        "text",
        _("Text similarity"),
        _(
            "Weight of the text term: the submission against the reviewer's publications and "
            "statement, 0 at the call's median similarity, 1 at its top 1 %."
        ),
    ),
    (
        "risk_area_share",
        _("Share of risk areas"),
        _("Part of the overlap from risk areas; the rest comes from methods (0 to 1)."),
    ),
    ("level_1", _("Expertise level 1"), _("Value of a reviewer's lowest expertise level.")),
    ("level_2", _("Expertise level 2"), _("Value of the middle level.")),
    ("level_3", _("Expertise level 3"), _("Value of the highest level.")),
    ("bid_eager", _("Bid “eager”"), _("Added to the score of an eager bid.")),
    ("bid_willing", _("Bid “willing”"), _("Added to the score of a willing bid.")),
    (
        "bid_not_willing",
        _("Bid “not willing”"),
        _("Added (negative) to the score of a not-willing bid."),
    ),
]

KEEP = "keep"
REPLACE = "replace"


class RunSettingsForm(forms.Form):
    """What staff choose for one run. Defaults are RunSettings' and AffinityWeights'."""

    k = forms.IntegerField(
        label=_("Reviewers per submission"), min_value=1, max_value=MAX_K, initial=3
    )
    min_load = forms.IntegerField(
        label=_("Minimum load per reviewer"),
        min_value=0,
        max_value=MAX_REVIEWS_LIMIT,
        initial=0,
        help_text=_("A target the solver meets when it can; shortfalls are explained."),
    )
    max_load = forms.IntegerField(
        label=_("Maximum load per reviewer"),
        min_value=1,
        max_value=MAX_REVIEWS_LIMIT,
        required=False,
        help_text=_(
            "Leave blank to use each reviewer's own maximum from their application; a number "
            "applies to everyone."
        ),
    )
    existing = forms.ChoiceField(
        label=_("Existing assignments"),
        choices=[
            (KEEP, _("Keep them and fill up to the number of reviewers per submission")),
            (
                REPLACE,
                _("The run may replace them (assignments with a started review always stay)"),
            ),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
    )
    fill_open_slots_only = forms.BooleanField(
        label=_("Fill open slots only"),
        required=False,
        help_text=_(
            "After reviewers declined: keep every assignment and add reviewers only where a "
            "submission has fewer than it needs. The minimum load is ignored."
        ),
    )
    coverage = forms.BooleanField(
        label=_("Coverage of specified systemic risks"),
        required=False,
        help_text=_(
            "Each submission gets at least one reviewer with declared expertise in each of its "
            "specified systemic risks, where such a reviewer exists (integer program; slower)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, help_text in WEIGHT_FIELDS:
            self.fields[f"w_{name}"] = forms.FloatField(
                label=label,
                help_text=help_text,
                initial=getattr(_DEFAULT_WEIGHTS, name),
                min_value=-100,
                max_value=100,
                widget=forms.NumberInput(attrs={"step": "any"}),
            )
        _style(self)

    @classmethod
    def initial_from(cls, settings: RunSettings) -> dict:
        """Initial values showing `settings` (the last run's, say); never "fill open slots
        only", which is a deliberate choice each time."""
        initial = {
            "k": settings.k,
            "min_load": settings.min_load,
            "max_load": settings.max_load,
            "existing": KEEP if settings.keep_existing else REPLACE,
            "fill_open_slots_only": False,
            "coverage": settings.coverage,
        }
        for name, _label, _help in WEIGHT_FIELDS:
            initial[f"w_{name}"] = getattr(settings.weights, name)
        return initial

    def weight_fields(self):
        return [self[f"w_{name}"] for name, _label, _help in WEIGHT_FIELDS]

    def main_fields(self):
        return [self[name] for name in ("k", "min_load", "max_load")]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            weights = AffinityWeights(
                **{name: data[f"w_{name}"] for name, _label, _help in WEIGHT_FIELDS}
            )
        except ValidationError as error:
            raise ValidationError(
                [_("Affinity weights: %(error)s") % {"error": m} for m in error.messages]
            ) from None
        try:
            self.settings = RunSettings(
                k=data["k"],
                min_load=data["min_load"],
                max_load=data["max_load"],
                keep_existing=data["existing"] == KEEP,
                fill_open_slots_only=data["fill_open_slots_only"],
                coverage=data["coverage"],
                weights=weights,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                raise
        return data


# --- hand edits of a proposal ---------------------------------------------------------------


class PairForm(forms.Form):
    """A (submission, reviewer) pair named as staff see them: submission code, reviewer email."""

    submission = forms.CharField(
        label=_("Submission code"),
        max_length=16,
        help_text=_("The code shown under the submission's title in the lists below."),
    )
    reviewer = forms.EmailField(label=_("Reviewer's email address"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_submission(self):
        return self.cleaned_data["submission"].strip()


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I checked the proposal: create and remove these assignments, email the reviewers."
        ),
    )


# --- openreview-matcher files ---------------------------------------------------------------

_KEY_LABELS = {
    "email": _("Email addresses"),
    "code": _("Application codes (opaque, for files that leave the AI Office)"),
}
REVIEWER_KEY_CHOICES = [(key, _KEY_LABELS[key]) for key in REVIEWER_KEYS]


class ExportForm(forms.Form):
    reviewer_key = forms.ChoiceField(
        label=_("Reviewers named by"), choices=REVIEWER_KEY_CHOICES, initial="email", required=False
    )
    run = forms.CharField(max_length=16, required=False)

    def __init__(self, *args, **kwargs):
        # The run page shows this form beside the run settings and the import form, which
        # have fields of the same names: each form's own ids keep the labels on its inputs.
        kwargs.setdefault("auto_id", "id_export_%s")
        super().__init__(*args, **kwargs)

    def clean_reviewer_key(self):
        return self.cleaned_data["reviewer_key"] or "email"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("assignments.json"),
        help_text=_(
            "The matcher's output: each paper (submission code) mapped to a list of "
            '{"user": reviewer, "aggregate_score": score}.'
        ),
    )
    reviewer_key = forms.ChoiceField(
        label=_("Reviewers named by"), choices=REVIEWER_KEY_CHOICES, initial="email"
    )
    k = forms.IntegerField(
        label=_("Reviewers per submission"), min_value=1, max_value=MAX_K, initial=3
    )
    existing = forms.ChoiceField(
        label=_("Existing assignments"),
        choices=[
            (KEEP, _("Kept: the file must contain them (constraint 1 in the export)")),
            (REPLACE, _("Replaceable: the file decides")),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
    )
    # A run whose instance was exported: its weights and loads score the imported pairs,
    # so that the two proposals compare like for like.
    run = forms.CharField(max_length=16, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_import_%s")  # see ExportForm
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": IMPORT_MAX_BYTES // 2**20}
            )
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text.")) from None
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            # The import lists this problem in its own words.
            return text
        return _unguard(parsed)

    def settings(self, base: RunSettings | None = None) -> RunSettings:
        """`base` (the exported run's settings, or the defaults) with this form's k and
        treatment of existing assignments; never "fill open slots only"."""
        return replace(
            base or RunSettings(),
            k=self.cleaned_data["k"],
            keep_existing=self.cleaned_data["existing"] == KEEP,
            fill_open_slots_only=False,
        )


def _unguard_cell(value):
    """`value` as it was before portal.csv.csv_safe guarded it (itself when unguarded)."""
    if isinstance(value, str) and value[:1] == "'" and csv_safe(value[1:]) == value:
        return value[1:]
    return value


def _unguard(parsed):
    """Reviewer ids as exported: the CSV exports prefix ids that start with a formula
    character with an apostrophe (portal.csv.csv_safe), and the matcher copies ids as they
    are into its output. Take the guard off again so the ids match."""
    if not isinstance(parsed, dict):
        return parsed
    for entries in parsed.values():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if isinstance(entry, dict) and "user" in entry:
                entry["user"] = _unguard_cell(entry["user"])
    return {_unguard_cell(key): value for key, value in parsed.items()}
