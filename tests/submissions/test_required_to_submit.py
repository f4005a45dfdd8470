"""The edit form marks what submitting needs, and the "Before you can submit" summary links
each item to its field."""

import re

import pytest
from django.urls import reverse

from submissions.services import REQUIRED_TO_SUBMIT, REQUIRED_TO_SUBMIT_OTHER
from tests.html_ids import parse

pytestmark = pytest.mark.django_db

MARKER = '<span class="asteriskField">*</span>'


def _label_html(html: str, for_id: str) -> str:
    match = re.search(rf'<label[^>]*for="{re.escape(for_id)}"[^>]*>(.*?)</label>', html, re.S)
    assert match, f"no label for {for_id}"
    return match.group(1)


def _legend_html(html: str, text: str) -> str:
    match = re.search(rf"<legend[^>]*>\s*{re.escape(text)}(.*?)</legend>", html, re.S)
    assert match, f"no legend {text}"
    return match.group(1)


def test_every_field_submitting_needs_carries_the_marker(client, evaluator, draft):
    client.force_login(evaluator)
    html = client.get(reverse("submissions:edit", args=[draft.code])).content.decode()
    assert "Fields marked" in html and 'aria-describedby="required-legend"' in html
    form_fields = [
        n for n in [*REQUIRED_TO_SUBMIT, *REQUIRED_TO_SUBMIT_OTHER] if n not in ("authors", "files")
    ]
    for name in form_fields:
        # A group of boxes is labelled by its legend or a label for the group (crispy).
        group = re.search(
            rf'id="div_id_{name}".*?(?:<legend[^>]*>|<label[^>]*>)(.*?)</(?:legend|label)>',
            html,
            re.S,
        )
        label = group.group(1) if group else _label_html(html, f"id_{name}")
        assert MARKER in label, f"{name} has no required marker: {label!r}"
    assert MARKER in _legend_html(html, "Authors")
    assert MARKER in _legend_html(html, "Files")
    # Fields submitting does not need stay unmarked.
    assert MARKER not in _label_html(html, "id_keywords")
    assert MARKER not in _label_html(html, "id_model_version_date")


def test_each_missing_item_links_to_an_element_on_the_page(client, evaluator, draft):
    client.force_login(evaluator)
    data = {
        "revision": draft.revision,
        "title": draft.title,
        "confidentiality": draft.confidentiality,
        "language": "en",
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "50",
        "kind": "main",
        "submit": "1",
    }
    response = client.post(reverse("submissions:edit", args=[draft.code]), data)
    assert response.status_code == 400
    missing = response.context["missing"]
    assert len(missing) >= 15
    page = parse(response.content.decode())
    by_text = {text: target for target, text in page.fragment_links}
    for anchor, message in missing:
        assert anchor, f"{message!r} links nowhere"
        assert by_text.get(message) == anchor, f"{message!r} is not a link to #{anchor}"
        assert anchor in page.ids, f"#{anchor} ({message!r}) is not an element on the page"
    anchors = {message: anchor for anchor, message in missing}
    assert anchors["Abstract is required."] == "id_abstract"
    assert anchors["Choose at least one risk area."] == "id_risk_areas_0"
    assert anchors["Name at least one author."] == "id_authors-0-name"
    assert anchors["Upload the main document (PDF)."] == "id_upload"
    # The field-level help stays beside each field.
    assert "A short summary of what was evaluated" in response.content.decode()
