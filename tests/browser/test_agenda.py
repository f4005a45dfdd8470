"""The workshop agenda in the browser: staff add a session with the form (typing in the
proposals filter to find one among many), then see the staff agenda; a participant who
chairs it sees their agenda with the session marked."""

import re

import pytest

from debate.models import AgendaSession, Proposal
from reviews.models import WorkshopInvitation
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.debate.conftest import make_proposal
from tests.factories import UserFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context._portal_base_url = live_server.url
    page = context.new_page()
    login_as(page, user)
    return page


def test_staff_plan_a_session_and_the_chair_sees_it(browser, live_server, staff):
    workshop = WorkshopFactory(title="Brussels 2027")
    pat = UserFactory(email="pat@example.org", full_name="Pat Participant")
    WorkshopInvitation.objects.create(
        workshop=workshop, user=pat, kind="reviewer", state="accepted"
    )
    for i in range(30):
        make_proposal(workshop, pat, title=f"Wording change {i}")
    wanted = make_proposal(
        workshop, pat, title="Anchors for level 3", outcome=Proposal.Outcome.ACCEPTED
    )

    page = _context(browser, live_server, staff)
    page.goto(f"/staff/workshops/{workshop.code}/agenda/")
    page.get_by_role("link", name="Add a session").click()
    page.get_by_role("textbox", name="Title").fill("Reliability: anchors")
    page.get_by_label("Starts").fill("2027-03-10T09:30")
    page.get_by_label("Ends").fill("2027-03-10T11:00")
    page.get_by_role("textbox", name="Room").fill("Room A")
    page.get_by_label("Chair", exact=True).select_option(label="Pat Participant (pat@example.org)")
    page.get_by_label("REL-1").check()
    page.get_by_role("searchbox", name="Filter the proposals").fill("anchors")
    assert page.locator("#proposal-filter-count").inner_text().startswith("1 of 31")
    page.get_by_label("Proposals discussed").select_option(wanted.code)
    assert_accessible(page)
    screenshot(page, "82-agenda-form")
    page.get_by_role("button", name="Save the session").click()
    page.wait_for_url(re.compile(r".*/staff/workshops/[^/]+/agenda/$"))
    session = AgendaSession.objects.get()
    assert [p.code for p in session.proposals.all()] == [wanted.code]
    assert page.locator("article[data-session]").count() == 1
    assert_accessible(page)
    screenshot(page, "80-agenda-staff")

    other = _context(browser, live_server, pat)
    other.goto("/dashboard/")
    other.get_by_role("link", name="Agenda of Brussels 2027").click()
    other.wait_for_url(re.compile(r".*/workshops/[^/]+/agenda/$"))
    assert other.locator('[data-role="chair"]').count() == 1
    assert other.get_by_role("link", name="Anchors for level 3").count() == 1
    assert other.get_by_role("link", name="Edit agenda").count() == 0
    assert_accessible(other)
    screenshot(other, "81-agenda-participant")
