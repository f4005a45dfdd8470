"""Forms of the staff aggregate, rating and invitation pages, and of the RSVP page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filters import FlagField, ListFilterForm
from reviews.models import WorkshopInvitation
from reviews.selectors.aggregates import INVITATION_SORTS, RATING_SORTS
from reviews.services.invitations import NEEDS_MAX_LENGTH
from reviews.services.ratings import NOTE_MAX_LENGTH, RATING_MAX, RATING_MIN


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[("", _("Choose"))] + [(n, str(n)) for n in range(RATING_MIN, RATING_MAX + 1)],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH)


class SelectionForm(forms.Form):
    """Codes of the rows ticked in a list (approved applications or eligible submissions)."""

    selected = forms.ModelMultipleChoiceField(
        queryset=None,
        to_field_name="code",
        error_messages={
            "required": _("Select at least one row."),
            "invalid_choice": _("A selected row is no longer available. Reload the page."),
            "invalid_pk_value": _("A selected row is no longer available. Reload the page."),
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = queryset


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will you attend?"),
        choices=[("accept", _("Yes, I will attend")), ("decline", _("No, I cannot attend"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose whether you will attend.")},
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=NEEDS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("For example step-free access, sign-language interpretation, captions."),
    )
    dietary_needs = forms.CharField(
        label=_("Dietary requirements"),
        required=False,
        max_length=NEEDS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("For example vegetarian, allergies."),
    )


class AggregateFilterForm(ListFilterForm):
    version = forms.ChoiceField(label=_("Criteria set version"), required=False)
    disagreement = FlagField(label=_("Only submissions where reviewers disagree"))

    def __init__(self, *args, versions: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [("", _("Newest")), *((str(v), str(v)) for v in versions)]


class RatingListForm(ListFilterForm):
    page = None  # one page: every approved reviewer
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(sort, sort) for sort in RATING_SORTS]
    )


class InvitationListForm(ListFilterForm):
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(sort, sort) for sort in INVITATION_SORTS]
    )


class AttendeeFilterForm(ListFilterForm):
    state = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        choices=[("", _("Any"))] + list(WorkshopInvitation.State.choices),
    )
    kind = forms.ChoiceField(
        label=_("Invited as"),
        required=False,
        choices=[("", _("Any"))] + list(WorkshopInvitation.Kind.choices),
    )
