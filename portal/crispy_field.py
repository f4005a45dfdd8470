"""crispy-forms' bootstrap5 field.html for the plain fields (text, number, date, select,
textarea: a label, the control, errors and help) written out in Python.

The template pack renders each field through field.html and three more templates, some 40
conditions each; a form of 35 fields (the submission form) spent most of its page there.
templates/bootstrap5/field.html calls `field_html` below, which gives the same bytes as the
pack's templates (checked against them by tests/portal/test_crispy_field.py), and renders the
pack's own field.html for every other case: hidden fields, checkboxes, radio and checkbox
groups, files, fieldsets, horizontal forms, a field in a table, label or field classes.
"""

import functools

from crispy_forms.templatetags.crispy_forms_field import CrispyFieldNode
from crispy_forms.templatetags.crispy_forms_filters import optgroups as crispy_optgroups
from django import forms
from django.template import engines
from django.utils.formats import localize
from django.utils.html import conditional_escape

from portal.form_renderer import attributes
from portal.form_renderer import template_value as _value

TEMPLATE = "bootstrap5/field.html"

# `{% crispy_field field 'class' '...' %}` as field.html has it, one per branch.
_CONTROLS = {
    (select, invalid): CrispyFieldNode("field", {"'class'": f"'{classes}'"})
    for select, invalid, classes in (
        (True, True, "form-select is-invalid"),
        (True, False, "form-select"),
        (False, True, "form-control is-invalid"),
        (False, False, "form-control"),
    )
}


_CHOICE_GROUPS = (forms.RadioSelect, forms.CheckboxSelectMultiple)
_OTHER_WIDGETS = (forms.CheckboxInput, forms.FileInput)


@functools.cache
def _pack_template():
    """The template pack's own field.html, behind the portal's of the same name."""
    engine = engines["django"].engine
    _portal, portal_origin = engine.find_template(TEMPLATE)
    template, _origin = engine.find_template(TEMPLATE, skip=[portal_origin])
    return template


def _kind(context, field) -> str | None:
    """ "plain", "choices" (a radio or checkbox group), or None: the pack's template."""
    if (
        field.is_hidden
        or isinstance(field.field.widget, _OTHER_WIDGETS)
        or context.get("tag")
        or context.get("field_class")
        or context.get("label_class")
        or context.get("inline_class")
        or "form-horizontal" in (context.get("form_class") or "")
    ):
        return None
    if isinstance(field.field.widget, _CHOICE_GROUPS):
        return "choices"
    return None if field.use_fieldset else "plain"


def field_html(context) -> str:
    field = context.get("field")
    kind = _kind(context, field) if isinstance(field, forms.BoundField) else None
    if kind is None:
        return _pack_template().render(context)
    wrapper_class = context.get("wrapper_class")
    css_classes = field.css_classes()
    parts = [
        '\n\n\n    \n    <div id="div_',
        _value(field.auto_id),
        '" class="mb-3',
        f" {_value(wrapper_class)}" if wrapper_class else "",
        f" {_value(css_classes)}" if css_classes else "",
        '">\n        ',
    ]
    labelled = field.label and context.get("form_show_labels")
    if labelled:
        parts.append(_label(field))
    if kind == "choices":
        parts += ["\n\n        \n            ", _choices(context, field), "\n        \n\n        "]
        parts += ["\n        ", "</fieldset>" if field.use_fieldset and labelled else ""]
    else:
        parts += ["\n\n        \n\n        \n            \n                \n                    "]
        parts += [_control(context, field), "\n                    \n                        "]
        parts += [
            _help_text_and_errors(context, field),
            "\n                    \n                \n",
        ]
        parts += ["            \n        \n        "]
    parts.append("\n    </div>\n    \n\n")
    return "".join(parts)


def _label(field) -> str:
    required = field.field.required
    id_for_label = field.id_for_label
    element = "label"
    fieldset = ""
    if field.use_fieldset:
        element = "legend"
        described = field.aria_describedby
        fieldset = f' aria-describedby="{_value(described)}"' if described else ""
        fieldset = f"<fieldset{fieldset}>"
    return "".join(
        [
            f"\n            {fieldset}\n            <{element}\n                ",
            f'for="{_value(id_for_label)}"' if id_for_label else "",
            ' class="form-label',
            " requiredField" if required else "",
            " fs-6" if field.use_fieldset else "",
            '">\n                ',
            _value(field.label),
            '<span class="asteriskField">*</span>' if required else "",
            f"\n            </{element}>\n        ",
        ]
    )


def _control(context, field) -> str:
    select = isinstance(field.field.widget, forms.Select)
    control = _CONTROLS[select, bool(field.errors)].render(context)
    if select:
        return f"\n                        \n                            {control}" + (
            "\n                        \n                    "
        )
    return f"\n                        {control}\n                    "


def _choices(context, field) -> str:
    """bootstrap5/layout/radio_checkbox_select.html (without inline_class)"""
    flat_attrs = context.get("flat_attrs")
    invalid = " is-invalid" if field.errors else ""
    name = _value(field.html_name)
    parts = ["\n\n\n<div ", f" {_value(flat_attrs)}" if flat_attrs else "", ">\n\n    "]
    groups = crispy_optgroups(field)
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        parts += ["\n    ", f"<strong>{_value(group)}</strong>" if group else "", "\n    "]
        for number, option in enumerate(options, start=1):
            parts += [
                '\n      <div class="form-check">\n        <input type="',
                _value(option["type"]),
                f'" class="form-check-input{invalid}"  name="{name}" value="',
                _unlocalized(option["value"]),
                f'" {attributes(option["attrs"])}>\n        <label for="',
                _value(option["attrs"].get("id", "")),
                '" class="form-check-label">\n            ',
                _unlocalized(option["label"]),
                "\n        </label>\n        ",
            ]
            if field.errors and number == len(options) and group_number == len(groups):
                parts += ["\n            ", _errors(context, field, "p"), "\n        "]
            parts.append("\n     </div>\n    ")
        parts.append("\n    ")
    help_text = _help_text(field, inline=bool(context.get("help_text_inline")))
    parts += ["\n\n</div>\n", "\n", help_text, "\n"]
    return "".join(parts)


def _unlocalized(value) -> str:
    """`{{ value|unlocalize }}`"""
    return conditional_escape(str(localize(value, use_l10n=False)))


def _help_text_and_errors(context, field) -> str:
    """bootstrap5/layout/help_text_and_errors.html"""
    help_inline = context.get("help_text_inline")
    error_inline = context.get("error_text_inline")
    parts = []
    if help_inline and not error_inline:
        parts += ["\n    ", _help_text(field, inline=True), "\n"]
    parts += ["\n\n", "\n    ", _errors(context, field, "span" if error_inline else "p"), "\n"]
    parts += ["\n\n"]
    if not help_inline:
        parts += ["\n    ", _help_text(field, inline=False), "\n"]
    parts.append("\n")
    return "".join(parts)


def _errors(context, field, tag: str) -> str:
    """bootstrap5/layout/field_errors.html (span) and field_errors_block.html (p)"""
    errors = field.errors
    if not (context.get("form_show_errors") and errors):
        return "\n"
    auto_id = _value(field.auto_id)
    parts = [f'\n    <div id="{_value(errors.field_id)}_error" class="invalid-feedback">\n    ']
    for number, error in enumerate(errors, start=1):
        parts.append(
            f'\n        <{tag} id="error_{number}_{auto_id}"><strong>{_value(error)}</strong>'
            f"</{tag}>\n    "
        )
    parts.append("\n    </div>\n\n")
    return "".join(parts)


def _help_text(field, *, inline: bool) -> str:
    """bootstrap5/layout/help_text.html"""
    if not field.help_text:
        return "\n"
    text = str(field.help_text)
    auto_id = field.auto_id
    if inline:
        element = f'<span id="{_value(auto_id)}_helptext" class="form-text">{text}</span>'
    else:
        id_attr = f'id="{_value(auto_id)}_helptext" ' if auto_id else ""
        element = f'<div {id_attr}class="form-text">{text}</div>'
    return f"\n    \n        {element}\n    \n\n"
