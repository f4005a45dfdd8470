"""Forms for staff work on assignments, conflicts and progress.

Reviewers are chosen by the code of their application to the workshop, never by user id:
the value travels in the page and must not reveal account numbers.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filters import SEARCH_MAX_LENGTH, FlagField, ListFilterForm
from portal.forms import LocalDateTimeField, make_aware_strict
from reviews.models import ConflictRecord


class ReviewerSearchForm(ListFilterForm):
    """The search that finds reviewers to assign on a submission's Reviewers page: a call
    can have thousands, so the page lists only those whose name or email match. (A list
    filter, so a refused value is shown like on every list; the page has no pages.)"""

    q = forms.CharField(
        label=_("Reviewer"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput,
        help_text=_("Part of a name or email address; up to 20 matching reviewers are shown."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_search_%s")
        super().__init__(*args, **kwargs)

    @property
    def query(self) -> str:
        return self.filters()["q"].strip()


class AssignForm(forms.Form):
    reviewer = forms.ChoiceField(
        label=_("Matching reviewers"),
        widget=forms.RadioSelect,
        help_text=_(
            "Approved reviewers of this call who match the search and are not assigned yet, "
            "with their current load and conflict status. A reviewer with a conflict of "
            "interest is refused with the reason."
        ),
    )
    # The search the choices came from, so that a refusal shows them again.
    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH, widget=forms.HiddenInput)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = choices


class ConflictDecisionForm(forms.Form):
    ACTIONS = [
        ("record", _("Record a conflict the rules cannot see")),
        ("dismiss", _("Dismiss a computed conflict")),
    ]

    reviewer = forms.ChoiceField(
        label=_("Reviewer"),
        help_text=_("Reviewers assigned to this submission, and those found by the search above."),
    )
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in this submission's audit trail."),
    )
    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH, widget=forms.HiddenInput)

    def __init__(self, *args, choices, **kwargs):
        # Its own ids: the Reviewers page shows it beside AssignForm, whose field is also
        # "reviewer" (the names stay, only the labels' targets differ).
        kwargs.setdefault("auto_id", "id_conflict_%s")
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", _("Choose a reviewer")), *choices]


class ConflictRevokeForm(forms.Form):
    """Names the active record by its pair and kind: there is at most one of each."""

    reviewer = forms.CharField(max_length=16, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[
            (ConflictRecord.Action.RECORDED, ConflictRecord.Action.RECORDED.label),
            (ConflictRecord.Action.DISMISSED, ConflictRecord.Action.DISMISSED.label),
        ],
        widget=forms.HiddenInput,
    )


class AssignmentExtendForm(forms.Form):
    deadline = LocalDateTimeField(label=_("New deadline for this reviewer"))

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["deadline"].help_text = _("In the workshop's time zone (%(zone)s).") % {
            "zone": workshop.timezone
        }

    def clean_deadline(self):
        return make_aware_strict(self.cleaned_data["deadline"], self.workshop.tzinfo)


class ReviewReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What should the reviewer change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the reviewer by email with a link to the review."),
    )


class ProgressFilterForm(ListFilterForm):
    TAB_SUBMISSIONS = "submissions"
    TAB_REVIEWERS = "reviewers"

    tab = forms.ChoiceField(
        label=_("Tab"),
        required=False,
        choices=[(TAB_SUBMISSIONS, _("Per submission")), (TAB_REVIEWERS, _("Per reviewer"))],
    )
    q = forms.CharField(label=_("Search titles"), required=False, max_length=SEARCH_MAX_LENGTH)
    risk_area = forms.ChoiceField(label=_("Risk area"), required=False)
    has_late = FlagField(label=_("Only with late reviews"))
    fewer = FlagField(label=_("Only with too few submitted reviews"))
    k = forms.IntegerField(
        label=_("Fewer than"),
        min_value=1,
        max_value=50,
        required=False,
        initial=3,
        help_text=_("Submitted reviews"),
    )

    def __init__(self, *args, risk_areas, **kwargs):
        super().__init__(*args, **kwargs)
        # Called only when a risk area is asked for or the select is drawn: the reviewers
        # tab does neither and loads no risk area.
        self.fields["risk_area"].choices = lambda: [
            ("", _("Any")),
            *((area.code, area.label) for area in risk_areas),
        ]

    @property
    def chosen_tab(self) -> str:
        return self.cleaned_data.get("tab") or self.TAB_SUBMISSIONS

    def filters(self) -> dict:
        """The submissions selector's keyword arguments."""
        data = super().filters()
        return {
            "query": data["q"].strip(),
            "risk_area": data["risk_area"],
            "has_late": data["has_late"],
            "fewer_than": (data["k"] or 3) if data["fewer"] else None,
        }
