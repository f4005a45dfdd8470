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
from django import forms
from django.template import engines

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


_OTHER_WIDGETS = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
)


@functools.cache
def _pack_template():
    """The template pack's own field.html, behind the portal's of the same name."""
    engine = engines["django"].engine
    _portal, portal_origin = engine.find_template(TEMPLATE)
    template, _origin = engine.find_template(TEMPLATE, skip=[portal_origin])
    return template


def _plain(context, field) -> bool:
    return not (
        field.is_hidden
        or isinstance(field.field.widget, _OTHER_WIDGETS)
        or field.use_fieldset
        or context.get("tag")
        or context.get("field_class")
        or context.get("label_class")
        or "form-horizontal" in (context.get("form_class") or "")
    )


def field_html(context) -> str:
    field = context.get("field")
    if field is None or not isinstance(field, forms.BoundField) or not _plain(context, field):
        return _pack_template().render(context)
    required = field.field.required
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
    if field.label and context.get("form_show_labels"):
        id_for_label = field.id_for_label
        parts += [
            "\n            \n            <label\n                ",
            f'for="{_value(id_for_label)}"' if id_for_label else "",
            ' class="form-label',
            " requiredField" if required else "",
            '">\n                ',
            _value(field.label),
            '<span class="asteriskField">*</span>' if required else "",
            "\n            </label>\n        ",
        ]
    select = isinstance(field.field.widget, forms.Select)
    control = _CONTROLS[select, bool(field.errors)].render(context)
    parts += ["\n\n        \n\n        \n            \n                \n                    "]
    if select:
        parts += ["\n                        \n                            ", control]
        parts += ["\n                        \n                    "]
    else:
        parts += ["\n                        ", control, "\n                    "]
    parts += [
        "\n                    \n                        ",
        _help_text_and_errors(context, field),
        "\n                    \n                \n            \n        \n        \n    </div>",
        "\n    \n\n",
    ]
    return "".join(parts)


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
