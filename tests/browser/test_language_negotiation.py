"""A visitor's browser language chooses the page's language; the switcher overrides it and
lists only the languages the portal is complete in."""

import pytest
from django.urls import reverse

from tests.browser_support import assert_accessible, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_accept_language_then_the_switcher(page):
    page.set_extra_http_headers({"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    page.goto(reverse("portal:home"))

    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("link", name="Anmelden").count() >= 1
    switcher = page.get_by_label("Sprache")
    assert switcher.locator("option").evaluate_all("os => os.map(o => o.textContent)") == [
        "English",
        "dansk",
        "français",
        "Deutsch",
    ]
    assert_accessible(page)
    screenshot(page, "language-accept-de")

    switcher.select_option("fr")
    page.get_by_role("button", name="Ändern").click()
    page.wait_for_load_state()

    # The switcher's choice (a cookie) beats the browser's Accept-Language.
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Se connecter").count() >= 1
    screenshot(page, "language-switched-fr")
