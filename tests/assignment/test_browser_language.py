"""The staff Reviewers page of a Polish evaluation in the browser: the search marks the
reviewer who does not review in Polish, assigning them still works, with a warning, and
the page passes axe."""

import pytest

from reviews.models import Assignment
from tests import factories
from tests.browser_support import assert_accessible, login_as, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_assign_a_reviewer_without_polish_and_are_warned(browser, live_server, staff):
    workshop = factories.WorkshopFactory(title="Frontier risks call 2027")
    submission = factories.CompleteSubmissionFactory(
        workshop=workshop, state="eligible", title="Ocena po polsku", language="pl"
    )
    for name, languages in (("Paula English", ["en"]), ("Piotr Reader", ["en", "pl"])):
        user = factories.UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org")
        factories.ReviewerApplicationFactory(
            workshop=workshop, user=user, state="approved", languages=languages
        )
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context._portal_base_url = live_server.url
    page = context.new_page()
    login_as(page, staff)

    page.goto(f"/staff/submissions/{submission.code}/reviewers/?q=p")
    assert (
        page.get_by_role("note")
        .inner_text()
        .startswith("The documents of this evaluation are in Polish.")
    )
    row = page.get_by_role("row", name="Paula English")
    assert "No: does not review in Polish" in row.inner_text()
    assert "does not review" not in page.get_by_role("row", name="Piotr Reader").inner_text()
    assert_accessible(page)
    screenshot(page, "assignment-language-search")

    button = page.get_by_role("button", name="Assign and notify by email")
    paula = page.get_by_role("radio", name="Paula English")
    piotr = page.get_by_role("radio", name="Piotr Reader")
    assert "does not review in Polish" in paula.locator("xpath=..").inner_text()
    assert "does not review in" not in piotr.locator("xpath=..").inner_text()
    paula.check()
    button.click()

    warning = page.get_by_text(
        "Paula English does not review in Polish, the language of this evaluation's documents."
    )
    warning.wait_for()
    # Redirected back to the page (the fragment of the form's action stays).
    assert f"/staff/submissions/{submission.code}/reviewers/" in page.url
    assert Assignment.objects.get().reviewer.full_name == "Paula English"
    assert (
        page.get_by_role("row", name="Paula English")
        .get_by_text("Does not review in Polish")
        .is_visible()
    )
    assert_accessible(page)
    screenshot(page, "assignment-language-assigned")
