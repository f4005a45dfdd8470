"""The JavaScript catalogue: the scripts' strings in the language its address names."""

import json
import re

import pytest
from django.urls import reverse

from portal.javascript_catalog import catalogue_version
from tests.factories import (
    UserFactory,
    WorkshopFactory,
)
from tests.reviews.reviewing.conftest import assign_for_review


def _catalogue_src(html: str) -> str:
    found = re.findall(r'<script src="(/i18n/js/[^"]+)"></script>', html)
    assert len(found) == 1, found
    return found[0]


def _messages(body: str) -> dict:
    """The translations a catalogue defines (Django writes them as a JSON object)."""
    found = re.search(r"const newcatalog = (\{.*?\n  \});", body, re.DOTALL)
    return json.loads(found.group(1)) if found else {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "translation"),
    [
        ("da", "Ikke gemt: %(reason)s"),
        ("fr", "Non enregistré : %(reason)s"),
        ("de", "Nicht gespeichert: %(reason)s"),
    ],
)
def test_the_catalogue_is_in_the_language_of_its_address(client, language, translation):
    response = client.get(reverse("portal:javascript_catalog", args=[language]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert _messages(body)["Not saved: %(reason)s"] == translation
    assert "globals.gettext = django.gettext" in body


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "rule"), [("fr", "(n > 1)"), ("de", "(n != 1)")])
def test_the_catalogue_counts_as_its_language_does(client, language, rule):
    body = client.get(reverse("portal:javascript_catalog", args=[language])).content.decode()

    assert f"const v = {rule};" in body
    plural = _messages(body)["%(shown)s of %(total)s proposal shown; %(chosen)s chosen."]
    assert len(plural) == 2


@pytest.mark.django_db
def test_the_address_not_the_visitors_language_decides(client, reviewer):
    reviewer.preferred_language = "da"
    reviewer.save(update_fields=["preferred_language"])
    client.force_login(reviewer)

    body = client.get(reverse("portal:javascript_catalog", args=["de"])).content.decode()

    assert _messages(body)["Not saved: %(reason)s"] == "Nicht gespeichert: %(reason)s"


@pytest.mark.django_db
def test_english_is_the_source_and_has_an_empty_catalogue(client):
    response = client.get(reverse("portal:javascript_catalog", args=["en"]))

    assert response.status_code == 200
    assert _messages(response.content.decode()) == {}


@pytest.mark.django_db
def test_browsers_keep_it_for_a_year_as_its_address_changes_with_it(client, reviewer):
    # Even for a signed-in user: nothing in it is personal.
    client.force_login(reviewer)

    response = client.get(reverse("portal:javascript_catalog", args=["fr"]))

    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert not response.has_header("Expires")
    assert catalogue_version("fr") != catalogue_version("de")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "da", "fr", "de"])
def test_every_page_loads_the_catalogue_of_its_language_before_its_scripts(
    client, reviewer, language
):
    reviewer.preferred_language = language
    reviewer.save(update_fields=["preferred_language"])
    client.force_login(reviewer)

    html = client.get(reverse("portal:dashboard")).content.decode()

    src = _catalogue_src(html)
    assert src == (
        reverse("portal:javascript_catalog", args=[language]) + "?v=" + catalogue_version(language)
    )
    assert html.index(src) < html.index("</body>")


@pytest.mark.django_db
def test_the_review_page_script_comes_after_the_catalogue(client):
    reviewer = UserFactory()
    assignment = assign_for_review(WorkshopFactory(), reviewer)
    client.force_login(reviewer)

    html = client.get(reverse("reviews:review_detail", args=[assignment.code])).content.decode()

    assert 'id="review-form"' in html
    assert html.index(_catalogue_src(html)) < html.index("portal/review-autosave.js")
    # The generic messages come from the catalogue now, not from the page.
    assert "data-msg-" not in html
