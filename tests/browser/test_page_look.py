"""How pages look at the width the portal is used at: nothing that should be one line wraps,
and no enabled button looks disabled."""

import pytest
from django.urls import reverse

from tests.browser_support import login_as, screenshot
from tests.factories import WorkshopFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("language", ["en", "da", "fr", "de"])
def test_staff_navbar_fits_on_one_line_at_1280_px(page, superuser, language):
    # The superuser sees every link staff can have (the administration's too).
    superuser.preferred_language = language
    superuser.save(update_fields=["preferred_language"])
    login_as(page, superuser)

    page.goto(reverse("portal:dashboard"))

    assert page.locator("html").get_attribute("lang") == language
    assert page.viewport_size["width"] == 1280
    screenshot(page, f"navbar-staff-1280-{language}")
    # Every item of the bar (links, menus, the language form) sits on the first row.
    tops = page.eval_on_selector_all(
        "#main-nav > .navbar-nav > .nav-item, #main-nav > form",
        "nodes => nodes.map(n => Math.round(n.getBoundingClientRect().top))",
    )
    assert len(tops) >= 7
    assert max(tops) - min(tops) <= 8, tops
    height = page.locator("header nav.navbar").bounding_box()["height"]
    assert height < 70, height
    # Nothing sticks out to the right (longer French and German words included).
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    nav = page.locator("header nav")
    nav.locator("#main-nav > .navbar-nav > .dropdown > button").first.click()
    staff_links = nav.locator(".dropdown-menu.show a")
    assert staff_links.evaluate_all("ns => ns.map(n => n.getAttribute('href'))") == [
        reverse("portal:staff_workshop_list"),
        reverse("portal:audit_log"),
        reverse("privacy:staff_erasure_list"),
        reverse("admin:index"),
    ]


def test_start_next_version_button_does_not_look_disabled(page, staff):
    workshop = WorkshopFactory()
    login_as(page, staff)

    page.goto(reverse("criteria:overview", args=[workshop.code]))

    start = page.get_by_role("button", name="Start version 2")
    preview = page.get_by_role("link", name="Preview as reviewers see it")
    assert start.is_enabled()
    style = "n => [getComputedStyle(n).color, getComputedStyle(n).opacity]"
    assert start.evaluate(style) == preview.evaluate(style)
    screenshot(page, "criteria-overview-start-version")
