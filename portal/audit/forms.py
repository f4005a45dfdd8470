"""The query string of the staff's audit log page and of its CSV export."""

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.actions import action_choices
from portal.filters import ListFilterForm
from portal.models import User, Workshop

# PostgreSQL's bigint: a larger id in the address would make the query fail.
_MAX_ID = 2**63 - 1
_VERB = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
_OBJECT_TYPE = re.compile(r"^[a-z0-9_]+$")
# Dates outside these bounds would overflow once turned into moments in a time zone.
_FIRST_DAY, _LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)


class ActionField(forms.ChoiceField):
    """The known actions as a list; any other well-formed verb is accepted too, so that an
    action recorded before it was given a label can still be filtered (from a link)."""

    def valid_value(self, value):
        return super().valid_value(value) or bool(_VERB.match(str(value)))


class AuditLogFilterForm(ListFilterForm):
    page = None  # keyset pages: before/after an id, never a page number
    workshop = forms.ChoiceField(label=_("Workshop"), required=False)
    actor = forms.CharField(
        label=_("Actor"),
        required=False,
        max_length=254,
        help_text=_("An email address, or an account number (for a deleted account)."),
    )
    action = ActionField(label=_("Action"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=40)
    object_code = forms.CharField(label=_("Object code"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From (date)"), required=False)
    date_to = forms.DateField(label=_("To (date, included)"), required=False)
    before = forms.IntegerField(
        label=_("Older than event"), required=False, min_value=1, max_value=_MAX_ID
    )
    after = forms.IntegerField(
        label=_("Newer than event"), required=False, min_value=1, max_value=_MAX_ID
    )

    def __init__(self, *args, workshops: list[Workshop], **kwargs):
        super().__init__(*args, **kwargs)
        self._workshops = {workshop.code: workshop for workshop in workshops}
        self.fields["workshop"].choices = [("", _("Any workshop"))] + [
            (workshop.code, workshop.title) for workshop in workshops
        ]
        self.fields["action"].choices = [("", _("Any action")), *action_choices()]

    def clean_workshop(self) -> Workshop | None:
        return self._workshops.get(self.cleaned_data["workshop"])

    def clean_actor(self) -> int | None:
        value = self.cleaned_data["actor"].strip()
        if not value:
            return None
        number = value.lstrip("#")
        if number.isdigit():
            if int(number) > _MAX_ID:
                raise ValidationError(_("No account has this number."))
            return int(number)
        actor_id = User.objects.filter(email__iexact=value).values_list("pk", flat=True).first()
        if actor_id is None:
            raise ValidationError(_("No account has this email address."))
        return actor_id

    def clean_object_type(self) -> str:
        value = self.cleaned_data["object_type"].strip().lower()
        if value and not _OBJECT_TYPE.match(value):
            raise ValidationError(_("An object type is a single word, such as “submission”."))
        return value

    def clean_object_code(self) -> str:
        return self.cleaned_data["object_code"].strip()

    def _clean_day(self, name: str) -> date | None:
        value = self.cleaned_data[name]
        if value is not None and not _FIRST_DAY <= value <= _LAST_DAY:
            raise ValidationError(_("Choose a date between 1970 and 9998."))
        return value

    def clean_date_from(self) -> date | None:
        return self._clean_day("date_from")

    def clean_date_to(self) -> date | None:
        return self._clean_day("date_to")

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date is before the start date."))
        if cleaned.get("object_code") and not cleaned.get("object_type"):
            # Codes are unique within a type only, and the log's index starts with the type.
            self.add_error("object_code", _("Give the object type too."))
        return cleaned

    def selector_filters(self) -> dict:
        """The filters as `portal.audit.selectors.audit_events` takes them: the dates as
        the start and the (exclusive) end of those days in the viewer's time zone."""
        filters = self.filters()
        zone = timezone.get_current_timezone()
        since = until = None
        if filters["date_from"]:
            since = timezone.make_aware(datetime.combine(filters["date_from"], time.min), zone)
        if filters["date_to"]:
            next_day = filters["date_to"] + timedelta(days=1)
            until = timezone.make_aware(datetime.combine(next_day, time.min), zone)
        # A refused value counts as not given (ListFilterForm.filters): "" for these two.
        return {
            "workshop": filters["workshop"] or None,
            "actor_id": filters["actor"] or None,
            "action": filters["action"],
            "object_type": filters["object_type"],
            "object_code": filters["object_code"],
            "since": since,
            "until": until,
        }

    def recorded_filters(self) -> dict:
        """The filters as the audit log keeps them for an export: only those given."""
        filters = self.filters()
        recorded = {
            "workshop": filters["workshop"].code if filters["workshop"] else None,
            "actor": filters["actor"],
            "action": filters["action"],
            "object_type": filters["object_type"],
            "object_code": filters["object_code"],
            "date_from": filters["date_from"],
            "date_to": filters["date_to"],
        }
        return {name: value for name, value in recorded.items() if value not in (None, "")}
