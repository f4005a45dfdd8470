import zoneinfo
from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.filters import SEARCH_MAX_LENGTH, ListFilterForm
from portal.models import ApiScope, Membership, Organisation, User, Workshop
from portal.models.users import timezone_choices
from portal.services.comments import COMMENT_MAX_LENGTH
from portal.services.tokens import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS


def field_anchor(bound_field: forms.BoundField) -> str:
    """The id an error-summary link jumps to (templates/portal/_error_summary_items.html):
    the first box of a radio or checkbox group, which has no element of its own id, or the
    field itself."""
    if isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def add_service_errors(form: forms.Form, error: ValidationError, *, divert=None) -> None:
    """Put a service's ValidationError on the form: messages for a field the form has go
    on that field, the rest on top. `divert` maps field names to lists that collect their
    messages instead (a formset or widget shown elsewhere on the page)."""
    divert = divert or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            if field in divert:
                divert[field].append(message)
            else:
                form.add_error(field if field in form.fields else None, message)


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As it should appear to AI Office staff and on workshop badges."),
    )

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        user.preferred_language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        user.save(update_fields=["full_name", "preferred_language"])


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Display time zone"),
        choices=timezone_choices,
        help_text=_("Dates and deadlines are shown to you in this time zone."),
    )

    class Meta:
        model = User
        fields = ["full_name", "preferred_language", "timezone"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "type", "country", "website"]


class OrganisationFilterForm(ListFilterForm):
    q = forms.CharField(
        label=_("Search organisations"), required=False, max_length=SEARCH_MAX_LENGTH
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the workshop's own time zone, not the viewer's.

    Django would interpret the input in the viewer's zone; WorkshopForm.clean() attaches the
    workshop's zone instead, so "closes 23:59" means 23:59 in Brussels for everyone.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for fmt in self.input_formats:
            try:
                return datetime.strptime(value.strip(), fmt)
            except (ValueError, TypeError):
                continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        return value


def make_aware_strict(naive: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Attach `tz`, refusing wall-clock times skipped by a daylight-saving change."""
    aware = naive.replace(tzinfo=tz)
    round_trip = aware.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(tz)
    if round_trip.replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks change at that moment. "
                "Choose a time outside the daylight-saving change."
            ),
            params={"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": tz.key},
            code="nonexistent",
        )
    return aware


def attach_zone(form: forms.Form, cleaned: dict, names, tz: zoneinfo.ZoneInfo) -> None:
    """In `form.clean()`: the LocalDateTimeField values `names` made aware in `tz`, each
    refused on its own field when the clocks skip that moment."""
    for name in names:
        value = cleaned.get(name)
        if value is None:
            continue
        try:
            cleaned[name] = make_aware_strict(value, tz)
        except forms.ValidationError as error:
            form.add_error(name, error)


_WORKSHOP_DATETIMES = ("submission_opens_at", "submission_closes_at", "review_deadline")


class WorkshopForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        initial=settings.TIME_ZONE,
        help_text=_("Deadlines are typed and checked in this time zone."),
    )
    submission_opens_at = LocalDateTimeField(label=_("Submissions open"))
    submission_closes_at = LocalDateTimeField(
        label=_("Submissions close"),
        help_text=_("Submissions are refused after this moment, in the workshop's time zone."),
    )
    review_deadline = LocalDateTimeField(label=_("Review deadline"))

    class Meta:
        model = Workshop
        fields = list(Workshop.STAFF_FIELDS)
        widgets = {"event_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            tz = self.instance.tzinfo
            for name in _WORKSHOP_DATETIMES:
                value = getattr(self.instance, name)
                if value:
                    self.initial[name] = timezone.localtime(value, tz).strftime("%Y-%m-%dT%H:%M")

    def clean(self):
        cleaned = super().clean()
        tz_name = cleaned.get("timezone")
        if not tz_name:
            return cleaned
        attach_zone(self, cleaned, _WORKSHOP_DATETIMES, zoneinfo.ZoneInfo(tz_name))
        opens = cleaned.get("submission_opens_at")
        closes = cleaned.get("submission_closes_at")
        review = cleaned.get("review_deadline")
        if opens and closes and closes <= opens:
            self.add_error("submission_closes_at", _("Submissions must close after they open."))
        if closes and review and review < closes:
            self.add_error(
                "review_deadline", _("The review deadline cannot be before submissions close.")
            )
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “assignment script on my laptop”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "What the token may be used for. It can never do more than you can in the "
            "browser, whatever its scopes."
        ),
    )
    lifetime_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_LIFETIME_DAYS,
        initial=DEFAULT_LIFETIME_DAYS,
        help_text=_("At most 365 days. You can revoke the token at any time."),
    )


class CommentEditForm(forms.Form):
    """The edit of a comment (the reviewers' discussion, the criteria debate); `revision`
    guards against overwriting a save made since (portal.services.comments)."""

    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
        help_text=_("The earlier text is kept in the comment's history (the AI Office sees it)."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)
