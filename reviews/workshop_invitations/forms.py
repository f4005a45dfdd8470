"""Forms of the staff pages that invite people and list attendees, and of the RSVP page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filters import ListFilterForm
from reviews.models import WorkshopInvitation
from reviews.workshop_invitations.selectors import INVITATION_SORTS
from reviews.workshop_invitations.services import NEEDS_MAX_LENGTH


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
