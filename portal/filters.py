"""How every list view reads its query string: through a form, never raw.

A list view calls `filters_from(request, SomeFilterForm)` and gets the form back, already
validated. A value the form refuses (a NUL byte, which PostgreSQL rejects; a search longer
than its field; a choice that does not exist; a page that is not a number) is ignored: the
list is built from the values that passed, the page answers 400 and shows each refusal
above the list (templates/portal/_filter_errors.html). A file export answers 400 with the
same messages as plain text before writing a byte (`refused_export`), instead of a
download cut short or filtered differently from what was asked.
"""

from django import forms
from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Searches longer than this are refused: no name or title in the portal is longer.
SEARCH_MAX_LENGTH = 200


class FlagField(forms.Field):
    """A checkbox in a query string: absent, or one of the values a browser or link sends.

    Django's BooleanField reads any other text as "ticked"; a list filter refuses it, so a
    mangled link is reported instead of silently filtering.
    """

    widget = forms.HiddenInput  # the templates draw their own checkbox
    default_error_messages = {"invalid": _("Tick the box or leave it empty.")}
    TRUE = ("on", "1", "true")
    FALSE = ("", "0", "false", "off")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None or value in self.FALSE:
            return False
        if value in self.TRUE:
            return True
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        # BoundField.value() as a bool, so a template's {% if %} reads "0" as unticked.
        try:
            return self.to_python(value)
        except forms.ValidationError:
            return False


class ListFilterForm(forms.Form):
    """The query string of a list page. Subclasses add their filters, all optional."""

    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)

    def filters(self) -> dict:
        """Each filter's cleaned value, a refused one counting as not given; no page.

        Subclasses turn these into their selector's keyword arguments."""
        return {
            name: self.cleaned_data[name] if name in self.cleaned_data else field.clean(None)
            for name, field in self.fields.items()
            if name != "page"
        }

    @property
    def page_number(self) -> int:
        """The page asked for; the paginator's get_page still copes with one past the end."""
        return self.cleaned_data.get("page") or 1

    @property
    def status(self) -> int:
        return 400 if self.errors else 200

    def refusals(self) -> list[str]:
        return refusals(self)


def refusals(form: forms.Form) -> list[str]:
    """Each value `form` refused, as "Label: message", in the form's field order."""
    return [
        f"{form.fields[name].label or name}: {message}" if name in form.fields else message
        for name, messages in form.errors.items()
        for message in messages
    ]


def filters_from(request, form_class: type[ListFilterForm], **kwargs) -> ListFilterForm:
    """`form_class` bound to the request's query string and validated."""
    form = form_class(request.GET, **kwargs)
    form.is_valid()
    return form


def refused_export(form: forms.Form) -> HttpResponse:
    """For a download whose parameters were refused: 400 and the reasons, as plain text."""
    lines = [gettext("The file was not made: these values in the address were refused."), ""]
    return HttpResponse(
        "\n".join([*lines, *refusals(form), ""]),
        status=400,
        content_type="text/plain; charset=utf-8",
    )
