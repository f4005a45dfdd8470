"""Query-parameter filters for the API's lists (django-filter). A value that names nothing
the caller may see answers 400, as a bad value does: a list never silently ignores a
filter it could not apply."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from criteria.models import CriteriaSet
from portal import selectors as portal_selectors
from portal.ids import may_name_a_row
from submissions.models import RiskArea, Submission


class _CodeChoiceField(ModelChoiceField):
    def to_python(self, value):
        # A NUL byte can name no row, and PostgreSQL refuses it as a query parameter.
        if isinstance(value, str) and not may_name_a_row(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CodeFilter(django_filters.ModelChoiceFilter):
    """An object named by its opaque code, among those a queryset (or a callable taking the
    request) offers."""

    field_class = _CodeChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)


def _workshops(request):
    return portal_selectors.workshops_visible_to(user=request.user)


def _organisations(request):
    return portal_selectors.organisations_visible_to(user=request.user)


# --- submissions ----------------------------------------------------------------------


class SubmissionFilter(django_filters.FilterSet):
    workshop = CodeFilter(queryset=_workshops, help_text=_("A workshop's code."))
    organisation = CodeFilter(
        queryset=_organisations, help_text=_("The submitting organisation's code.")
    )
    state = django_filters.ChoiceFilter(choices=Submission.State.choices)
    risk_area = CodeFilter(
        field_name="risk_areas",
        queryset=RiskArea.objects.all(),
        help_text=_("A risk area's code, e.g. `cbrn`."),
    )

    class Meta:
        model = Submission
        fields = ["workshop", "organisation", "state", "risk_area"]


# --- criteria -------------------------------------------------------------------------


class CriteriaSetFilter(django_filters.FilterSet):
    workshop = CodeFilter(queryset=_workshops, help_text=_("A workshop's code."))

    class Meta:
        model = CriteriaSet
        fields = ["workshop"]
