import re

import pytest
from django.core import mail

from portal.models import Invitation, Organisation, User
from tests.browser_support import assert_accessible, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-long-and-unusual-passphrase-42"


def test_sign_up_verify_log_in_create_organisation_invite_and_switch_to_danish(page):
    page.goto("/accounts/signup/")
    assert_accessible(page)
    screenshot(page, "01-signup")
    page.fill("input[name=email]", "nora@example.org")
    page.fill("input[name=full_name]", "Nora Newcomer")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert_accessible(page)
    screenshot(page, "02-verification-sent")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    assert_accessible(page)
    screenshot(page, "03-confirm-email")
    page.locator("main form button[type=submit]").first.click()
    # Confirmed in the browser that signed up: signed in at once, no second sign-in.
    page.wait_for_url("**/dashboard/")
    assert page.locator("h1").inner_text() == "Welcome, Nora Newcomer"
    assert_accessible(page)
    screenshot(page, "05-dashboard")

    page.get_by_role("link", name="Create an organisation").first.click()
    page.wait_for_url("**/organisations/new/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Baltic AI Evaluation Lab")
    page.get_by_label("Type").select_option("research")
    page.get_by_label("Country").select_option("EE")
    page.get_by_label("Website").fill("https://baltic-evals.example.org")
    screenshot(page, "06-organisation-form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/organisations/[a-z0-9]+/$"))
    organisation = Organisation.objects.get(name="Baltic AI Evaluation Lab")
    assert organisation.memberships.get().user.email == "nora@example.org"
    assert_accessible(page)

    page.get_by_role("link", name="Invite a member").click()
    page.get_by_label("Email address").fill("colleague@example.org")
    page.get_by_label("Role").select_option("member")
    assert_accessible(page)
    screenshot(page, "07-invite")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(re.compile(rf".*/organisations/{organisation.code}/$"))
    assert page.get_by_role("cell", name="colleague@example.org", exact=True).is_visible()
    assert Invitation.objects.get(organisation=organisation).email == "colleague@example.org"
    assert mail.outbox[-1].to == ["colleague@example.org"]
    assert_accessible(page)
    screenshot(page, "08-organisation-detail")

    page.get_by_label("Language").select_option("da")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.get_by_role("link", name="Inviter et medlem").is_visible()
    assert User.objects.get(email="nora@example.org").preferred_language == "da"
    assert_accessible(page)
    screenshot(page, "09-danish")
