"""The form renderer (settings.FORM_RENDERER): Django's, with its widget templates written
out in Python.

Django renders a widget through templates that include further templates per option: a
<select> of the 440 time zones is some 900 template renders, a criterion's radio group one
per level, and each field's attributes one more. On the heavy forms (profile, workshop,
review, import preview) that was most of the page's time. The functions below produce the
same bytes as Django's templates in django/forms/templates/django/forms/widgets/ (checked
against them by tests/test_form_renderer.py); any other template, and a widget whose option
template is not one of Django's, goes through the templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

_WIDGETS = "django/forms/widgets/"


def template_value(value) -> str:
    """`{{ value }}`: as the template engine shows a variable (render_value_in_context)."""
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}`: a safe value stays as it is, as the filter is_safe."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031 -- the filter's
    return text if isinstance(value, SafeData) else escape(text)


def attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {template_value(name)}")
        else:
            parts.append(f' {template_value(name)}="{_stringformat(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html"""
    value = ""
    if widget["value"] != None:  # noqa: E711 -- the template's `!= None`, not `is not`
        value = f' value="{_stringformat(widget["value"])}"'
    return (
        f'<input type="{template_value(widget["type"])}" name="{template_value(widget["name"])}"'
        f"{value}{attributes(widget['attrs'])}>\n"
    )


def _input_option(widget: dict) -> str:
    """django/forms/widgets/input_option.html"""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    id_ = widget["attrs"].get("id")
    label_for = f' for="{template_value(id_)}"' if id_ else ""
    return f"<label{label_for}>{_input(widget)} {template_value(widget['label'])}</label>\n"


def _select_option(widget: dict) -> str:
    """django/forms/widgets/select_option.html"""
    return (
        f'<option value="{_stringformat(widget["value"])}"{attributes(widget["attrs"])}>'
        f"{template_value(widget['label'])}</option>\n"
    )


# Option templates, by name, as a select or an input group includes them.
_OPTIONS = {
    _WIDGETS + "select_option.html": _select_option,
    _WIDGETS + "radio_option.html": lambda widget: _input_option(widget) + "\n",
    _WIDGETS + "checkbox_option.html": lambda widget: _input_option(widget) + "\n",
}


def _options_known(optgroups) -> bool:
    return all(
        option["template_name"] in _OPTIONS
        for _group, options, _index in optgroups
        for option in options
    )


# (group opens, group closes, before an option, after it) in select.html and
# multiple_input.html.
_SELECT_MARKUP = ('\n  <optgroup label="{}">', "\n  </optgroup>", "\n  ", "")
_INPUTS_MARKUP = ("\n  <div><label>{}</label>", "\n  </div>", "<div>\n    ", "</div>")


def _groups(optgroups, markup: tuple[str, str, str, str]) -> str:
    """The loop over option groups that select.html and multiple_input.html share."""
    group_open, group_close, before, after = markup
    parts = []
    for group, options, _index in optgroups:
        if group:
            parts.append(group_open.format(template_value(group)))
        for option in options:
            parts.append(before)
            parts.append(_OPTIONS[option["template_name"]](option))
            parts.append(after)
        if group:
            parts.append(group_close)
    return "".join(parts)


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html"""
    if not _options_known(widget["optgroups"]):
        return None
    options = _groups(widget["optgroups"], _SELECT_MARKUP)
    name = template_value(widget["name"])
    return f'<select name="{name}"{attributes(widget["attrs"])}>{options}\n</select>\n'


def _multiple_input(widget: dict) -> str | None:
    """django/forms/widgets/multiple_input.html (radio.html, checkbox_select.html)"""
    if not _options_known(widget["optgroups"]):
        return None
    id_ = widget["attrs"].get("id")
    class_ = widget["attrs"].get("class")
    id_attr = f' id="{template_value(id_)}"' if id_ else ""
    class_attr = f' class="{template_value(class_)}"' if class_ else ""
    options = _groups(widget["optgroups"], _INPUTS_MARKUP)
    return f"<div{id_attr}{class_attr}>{options}\n</div>\n"


def _textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html"""
    value = template_value(widget["value"]) if widget["value"] else ""
    name = template_value(widget["name"])
    return f'<textarea name="{name}"{attributes(widget["attrs"])}>\n{value}</textarea>\n'


_TEMPLATES = {
    **{
        f"{_WIDGETS}{name}.html": _input
        for name in (
            "checkbox",
            "color",
            "date",
            "datetime",
            "email",
            "file",
            "hidden",
            "number",
            "password",
            "search",
            "tel",
            "text",
            "time",
            "url",
        )
    },
    _WIDGETS + "input.html": _input,
    _WIDGETS + "select.html": _select,
    _WIDGETS + "radio.html": _multiple_input,
    _WIDGETS + "checkbox_select.html": _multiple_input,
    _WIDGETS + "multiple_input.html": _multiple_input,
    _WIDGETS + "textarea.html": _textarea,
    **_OPTIONS,
}


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        render = _TEMPLATES.get(template_name)
        if render is not None and set(context) == {"widget"}:
            html = render(context["widget"])
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request=request)
