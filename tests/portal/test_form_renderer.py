"""The portal's form renderer writes Django's widget templates out in Python: the same bytes
as the templates, without a template render per option."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portal.form_renderer import PortalFormRenderer

CHOICES = [
    ("", "— choose —"),
    (1, "One & <two>"),
    ("b", gettext_lazy("Danish")),
    ("Group <g>", [("x", "X"), (Decimal("2.5"), 1234567)]),
    ("safe", mark_safe("<b>bold</b>")),
]


class EveryWidgetForm(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'a "quote" & <tag>'}))
    empty = forms.CharField(required=False)
    number = forms.DecimalField(required=False)
    integer = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"step": 10}))
    email = forms.EmailField(required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    agree = forms.BooleanField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    disabled_choice = forms.ChoiceField(choices=CHOICES, required=False, disabled=True)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    radio = forms.ChoiceField(
        choices=CHOICES,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "levels", "data-x": True, "data-y": False}),
    )
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    upload = forms.FileField(required=False)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))


DATA = {
    "text": "<script>alert('x')</script>",
    "empty": "",
    "number": "1234567.5",
    "integer": "12345",
    "email": "a@b.example",
    "hidden": '"h"',
    "date": "2026-01-02",
    "when": "2026-01-02 03:04",
    "agree": "on",
    "notes": "line 1\n<line 2> & 'three'",
    "choice": "1",
    "disabled_choice": "b",
    "many": ["x", "2.5"],
    "radio": "safe",
    "boxes": ["", "1"],
    "password": "secret & <more>",
}

INITIAL = {
    "number": Decimal("1234567.25"),
    "integer": 1234567,
    "date": datetime.date(2026, 3, 4),
    "when": datetime.datetime(2026, 3, 4, 5, 6, tzinfo=datetime.UTC),
    "agree": True,
    "notes": "initial <text>",
    "choice": 1,
    "many": [1, "b"],
    "radio": Decimal("2.5"),
    "boxes": ["x"],
}


def _forms(renderer):
    return [
        EveryWidgetForm(renderer=renderer),
        EveryWidgetForm(DATA, renderer=renderer),
        EveryWidgetForm(initial=INITIAL, renderer=renderer),
        EveryWidgetForm(initial=INITIAL, renderer=renderer, auto_id=False),
        EveryWidgetForm(DATA, renderer=renderer, prefix="p", auto_id="f_%s"),
    ]


def _rendered(renderer) -> list[str]:
    out = []
    for form in _forms(renderer):
        form.is_valid()
        for field in form:
            out.append(str(field))
            out.append(field.as_widget(attrs={"class": "form-control", "aria-invalid": True}))
            for sub in field.subwidgets:
                out.append(sub.tag())
                out.append(sub.tag(wrap_label=True))
        out.append(form.as_div())
    return out


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("thousands", [False, True])
def test_widgets_render_as_djangos_templates(settings, language, thousands):
    settings.USE_THOUSAND_SEPARATOR = thousands
    with translation.override(language):
        expected = _rendered(DjangoTemplates())
        actual = _rendered(PortalFormRenderer())
    assert len(actual) == len(expected) > 100
    for mine, djangos in zip(actual, expected, strict=True):
        assert mine == djangos


def test_a_select_with_an_option_template_of_its_own_goes_through_the_templates():
    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/select_option.html"

    widget = OwnOption(choices=CHOICES)
    widget.option_template_name = "portal/none_such_option.html"
    context = widget.get_context("x", "1", {"id": "id_x"})
    with pytest.raises(Exception, match="none_such_option"):
        PortalFormRenderer().render(widget.template_name, context)


@pytest.fixture
def rendered_templates():
    names = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


@pytest.mark.django_db
def test_the_profile_renders_no_widget_template(client, reviewer, rendered_templates):
    """The time-zone select (some 440 options) was two template renders per option."""
    client.force_login(reviewer)
    response = client.get(reverse("portal:profile"))
    assert response.status_code == 200
    assert response.content.count(b"<option ") > 300
    assert 'value="Europe/Copenhagen"' in response.text
    widgets = [n for n in rendered_templates if n and n.startswith("django/forms/widgets/")]
    assert widgets == []
