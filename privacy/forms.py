from django import forms
from django.utils.translation import gettext_lazy as _

from portal.filters import ListFilterForm
from privacy.models import ErasureRequest

REASON_MAX_LENGTH = 2000


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only AI Office staff read it; it is deleted with your account."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account cannot be restored once it is deleted."),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: erase the account")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required. When refusing, the person receives it by email."),
        error_messages={"required": _("Give the reason for the decision.")},
    )


class ErasureFilterForm(ListFilterForm):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("All")), *ErasureRequest.State.choices],
        required=False,
    )
