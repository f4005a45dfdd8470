"""What the portal's ModelAdmins share: the same markup as Django's, built without a template
render per row or per option.

Django renders the changelist's checkbox of every row, and every option of a select, through
the form renderer: a template render each. The checkbox column alone was a third of a
changelist of 100 rows; the 224 options of the permissions picker 25 ms of the user's change
page, the 250 countries most of an organisation's. Here the same HTML is formatted directly;
tests/portal/test_admin.py compares it with Django's own rendering.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

# Django's own message, translated by the admin's catalogue (a variable, so that makemessages
# leaves it there rather than copying it into the portal's).
ACTION_CHECKBOX_LABEL = "Select this object for an action - {}"
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _value(value) -> str:
    """`{{ value|stringformat:'s' }}` under autoescaping."""
    if isinstance(value, SafeData):
        return conditional_escape(value)
    return conditional_escape("%s" % (value,))  # noqa: UP031 -- the stringformat filter's


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{_value(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelectMixin:
    """A select rendered as django/forms/widgets/select.html and select_option.html would
    (the form renderer strips the result, hence no newline after </select>)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_value(widget["name"])}"{attrs_html(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{_value(option["value"])}"{attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 -- every piece escaped above


_fast_classes: dict[type, type] = {}


def fast_select(widget):
    """`widget`, if a select drawn by Django's own two templates, made a FastSelectMixin
    of its class (its context, choices, media and attributes unchanged)."""
    cls = type(widget)
    if (
        isinstance(widget, forms.Select)
        and not isinstance(widget, FastSelectMixin)
        and widget.template_name == SELECT_TEMPLATE
        and widget.option_template_name == OPTION_TEMPLATE
    ):
        if cls not in _fast_classes:
            _fast_classes[cls] = type(f"Fast{cls.__name__}", (FastSelectMixin, cls), {})
        widget.__class__ = _fast_classes[cls]
    return widget


class FastListMixin:
    """For a ModelAdmin: the row checkbox formatted, and its forms' selects (choices,
    foreign keys, filter_horizontal) drawn by FastSelectMixin."""

    def action_checkbox(self, obj):
        # As ModelAdmin.action_checkbox renders it (forms.CheckboxInput, input.html).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext(ACTION_CHECKBOX_LABEL), str(obj)),
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        # Foreign keys and many-to-many fields come wrapped (the add and change links).
        fast_select(getattr(widget, "widget", widget))
        if getattr(db_field, "related_model", None) is Permission:
            formfield.label_from_instance = permission_labeller()
        return formfield


def permission_labeller():
    """str(permission), its content type's half named once per content type rather than
    once per permission (a model lookup and two translations each, 224 times)."""
    names: dict[int, str] = {}

    def label(permission) -> str:
        if permission.content_type_id not in names:
            names[permission.content_type_id] = str(permission.content_type)
        return f"{names[permission.content_type_id]} | {permission.name}"

    return label


class ModelAdmin(FastListMixin, admin.ModelAdmin):
    pass


class TabularInline(FastListMixin, admin.TabularInline):
    pass
