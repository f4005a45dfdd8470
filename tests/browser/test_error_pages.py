"""The error pages in a browser: the layout, the words, a way on, screenshots to look at;
and the duplicate-id check every browser test runs (tests/browser_support.py)."""

import pytest
from django.urls import reverse

from tests.browser_support import assert_accessible, login_as, screenshot, watch_duplicate_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seen(page, response, status: int, heading: str, name: str) -> None:
    assert response.status == status
    assert page.locator("h1").inner_text() == heading
    assert page.locator("nav .navbar-brand").is_visible()
    assert page.get_by_role("heading", name="Where to go next").count() == 1
    assert_accessible(page)
    screenshot(page, name)


def test_404_400_500_for_a_visitor_and_in_danish(page, settings):
    _seen(page, page.goto("/no-such-page/"), 404, "Page not found", "error-404")
    assert page.locator("main").get_by_role("link", name="Sign in").is_visible()

    # More query fields than Django accepts: a request it refuses as malformed.
    query = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = page.goto(f"{reverse('account_login')}?{query}")
    _seen(page, response, 400, "The portal could not understand this request", "error-400")

    settings.ROOT_URLCONF = "tests.portal.error_urls"
    response = page.goto("/test-boom/")
    _seen(page, response, 500, "Something went wrong on our side", "error-500")

    page.set_extra_http_headers({"Accept-Language": "da"})
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "da"
    screenshot(page, "error-404-da")


def test_403_and_the_csrf_page_for_a_signed_in_evaluator(page, evaluator):
    login_as(page, evaluator)
    _seen(
        page,
        page.goto(reverse("portal:staff_workshop_list")),
        403,
        "You don't have permission to do this",
        "error-403",
    )
    page.get_by_role("link", name="Go to your dashboard").click()
    page.wait_for_url("**/dashboard/")

    # A form whose token no longer matches (as after signing out in another tab).
    page.locator("form[action$='/i18n/setlang/'] input[name=csrfmiddlewaretoken]").evaluate(
        "input => input.value = 'x'.repeat(64)"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Change").click()
    assert page.locator("h1").inner_text() == "The form could not be sent"
    assert_accessible(page)
    screenshot(page, "error-403-csrf")


def test_the_duplicate_id_check_reports_a_repeated_id(browser):
    context = browser.new_context()
    page = context.new_page()
    found = watch_duplicate_ids(page)
    page.route(
        "http://duplicates.test/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><title>t</title><p id="a"></p><p id="a"></p><p id="b"></p>',
        ),
    )
    page.goto("http://duplicates.test/")
    page.wait_for_load_state("load")
    context.close()
    assert found == ["portal: duplicate ids on /: a"]
