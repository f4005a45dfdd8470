"""crispy-forms' field template, plain fields and radio or checkbox groups written out in
Python (portal/crispy_field.py): the same bytes as the template pack's field.html, for every
kind of field and option."""

import itertools

import pytest
from django import forms
from django.template import Context
from django.template.loader import get_template
from django.test.signals import template_rendered
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.crispy_field import TEMPLATE, _pack_template
from tests.portal.test_form_renderer import DATA, INITIAL, EveryWidgetForm


class MoreFields(EveryWidgetForm):
    required_css_class = "required"
    error_css_class = "has-error"
    unlabelled = forms.CharField(label="", required=False)
    marked = forms.CharField(label=format_html("Title{}", mark_safe("<span>*</span>")))
    helped = forms.CharField(required=False, help_text=format_html("<a href='/x'>{}</a>", "&"))
    when_split = forms.SplitDateTimeField(required=False)


def _make_forms():
    return [
        MoreFields(),
        MoreFields(DATA),
        MoreFields({**DATA, "integer": "x", "email": "not mail", "choice": "nope"}),
        MoreFields(initial=INITIAL, auto_id=False),
        MoreFields(DATA, prefix="p", auto_id="f_%s"),
    ]


OPTIONS = {
    "form_show_labels": (True, False),
    "form_show_errors": (True, False),
    "help_text_inline": (False, True),
    "error_text_inline": (True, False),
    "wrapper_class": ("", "col-md-6 <x>"),
}


def _contexts():
    for values in itertools.product(*OPTIONS.values()):
        yield dict(zip(OPTIONS, values, strict=True))
    yield {"form_show_labels": True, "form_show_errors": True, "field_class": "col-8"}
    yield {"form_show_labels": True, "label_class": "col-4", "form_class": "form-horizontal"}
    yield {"form_show_labels": True, "tag": "td"}
    yield {
        "form_show_labels": True,
        "form_show_errors": True,
        "flat_attrs": mark_safe('data-x="1"'),
    }
    yield {"form_show_labels": True, "form_show_errors": True, "inline_class": "inline"}


def _render(template, options: dict) -> list[str]:
    out = []
    for form in _make_forms():
        form.is_valid()
        for field in form:
            out.append(template.render(Context({**options, "field": field, "form": form})))
    return out


@pytest.mark.parametrize("language", ["en", "da"])
def test_fields_render_as_the_template_packs(language):
    mine = get_template(TEMPLATE).template
    pack = _pack_template()
    assert mine.origin.name != pack.origin.name
    assert "crispy_bootstrap5" in pack.origin.name
    compared = 0
    with translation.override(language):
        for options in _contexts():
            expected = _render(pack, options)
            actual = _render(mine, options)
            for field_html, packs in zip(actual, expected, strict=True):
                assert field_html == packs, options
                compared += 1
    assert compared > 1000


def test_a_plain_field_renders_no_template_of_the_pack():
    """The pack's field.html and its includes were some 40 conditions per field."""
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    form = MoreFields(DATA)
    form.is_valid()
    template_rendered.connect(record)
    try:
        html = get_template(TEMPLATE).render({"field": form["text"], "form_show_labels": True})
        checkbox = get_template(TEMPLATE).render({"field": form["agree"]})
        group = get_template(TEMPLATE).render({"field": form["boxes"], "form_show_labels": True})
    finally:
        template_rendered.disconnect(record)
    assert 'id="div_id_text"' in html
    assert 'id="id_agree"' in checkbox
    assert 'id="id_boxes_1"' in group
    # The checkbox goes through the pack's template (and its includes); the text field and
    # the checkbox group not.
    assert names[:3] == [TEMPLATE, TEMPLATE, TEMPLATE]
    assert "bootstrap5/layout/help_text_and_errors.html" in names
    assert "bootstrap5/layout/radio_checkbox_select.html" not in names
    assert names.count(TEMPLATE) == 4
