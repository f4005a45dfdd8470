"""Live notes on a flaky connection: typed offline, kept on this device and saved once
the browser is back online; a failed save kept across a reload and restored with a
notice; and a second note-taker's save refused, with the first one's text shown."""

import re

import pytest
from playwright.sync_api import expect

from debate.models import Proposal
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.debate.conftest import invite, make_proposal, make_session
from tests.factories import UserFactory, WorkshopFactory

from .test_proposal_flow import _wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context._portal_base_url = live_server.url
    page = context.new_page()
    page.set_default_timeout(15_000)
    login_as(page, user)
    return page


def _session_with_a_proposal(staff):
    workshop = WorkshopFactory(title="Brussels 2027")
    pat = UserFactory(email="pat@example.org", full_name="Pat Proposer")
    invite(workshop, pat)
    proposal = make_proposal(workshop, pat, title="Say what uncertainty means")
    return make_session(workshop, proposal, note_taker=staff), proposal


def _url(session):
    return f"/staff/workshops/{session.workshop.code}/agenda/{session.code}/notes/"


def test_typed_offline_is_kept_and_saved_when_back_online(browser, live_server, staff):
    session, proposal = _session_with_a_proposal(staff)
    page = _page(browser, live_server, staff)
    page.goto(_url(session))
    item = page.locator(f"#proposal-{proposal.code}")
    status = item.get_by_role("status")

    page.context.set_offline(True)
    item.get_by_label("Discussion notes").fill("Typed while the Wi-Fi was down.")
    item.get_by_label("Rejected").check()
    expect(status).to_have_text(re.compile("Not saved: offline, kept on this device"))
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.outcome_notes) == ("", "")
    kept = page.evaluate(
        "code => Object.keys(localStorage).filter(k => k.includes('proposal-' + code))",
        proposal.code,
    )
    assert kept == [f"portal-review:proposal-{proposal.code}:1"]
    screenshot(page, "83-live-notes-offline")

    page.context.set_offline(False)
    expect(status).to_contain_text("Saved at")
    _wait_saved(page, proposal, outcome="rejected", outcome_notes="Typed while the Wi-Fi was down.")


def test_a_failed_save_is_restored_after_a_reload(browser, live_server, staff):
    session, proposal = _session_with_a_proposal(staff)
    page = _page(browser, live_server, staff)
    # The portal cannot be reached for the autosave (the page itself still loads).
    page.route("**/outcome/autosave/", lambda route: route.abort())
    page.goto(_url(session))
    item = page.locator(f"#proposal-{proposal.code}")
    item.get_by_label("Discussion notes").fill("Nearly lost")
    item.get_by_label("Discussion notes").blur()
    expect(item.get_by_role("status")).to_contain_text("kept on this device")

    page.unroute("**/outcome/autosave/")
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page with unsaved changes?"
    page.reload()
    item = page.locator(f"#proposal-{proposal.code}")
    expect(item.get_by_text("Restored the text kept on this device")).to_be_visible()
    expect(item.get_by_label("Discussion notes")).to_have_value("Nearly lost")
    expect(item.get_by_role("status")).to_contain_text("Saved at")
    _wait_saved(page, proposal, outcome_notes="Nearly lost")


def test_a_second_note_taker_is_refused_and_sees_the_first_text(browser, live_server, staff):
    session, proposal = _session_with_a_proposal(staff)
    first = _page(browser, live_server, staff)
    second = _page(browser, live_server, staff)
    first.goto(_url(session))
    second.goto(_url(session))

    mine = first.locator(f"#proposal-{proposal.code}")
    mine.get_by_label("Accepted", exact=True).check()
    mine.get_by_label("Discussion notes").fill("The first note-taker's notes")
    mine.get_by_label("Discussion notes").blur()
    _wait_saved(first, proposal, outcome="accepted", outcome_notes="The first note-taker's notes")

    saved_revision = Proposal.objects.get(pk=proposal.pk).outcome_revision
    theirs = second.locator(f"#proposal-{proposal.code}")
    theirs.get_by_label("Discussion notes").fill("The second tab's notes")
    theirs.get_by_label("Discussion notes").blur()
    expect(theirs.get_by_role("status")).to_contain_text("Not saved: someone else changed this.")
    conflict = theirs.locator(f"#conflict-{proposal.code}")
    expect(conflict).to_have_text("Outcome: Accepted. Notes: The first note-taker's notes")
    # What the second person typed stays in the form and on the device.
    expect(theirs.get_by_label("Discussion notes")).to_have_value("The second tab's notes")
    proposal.refresh_from_db()
    assert proposal.outcome_notes == "The first note-taker's notes"
    assert proposal.outcome_revision == saved_revision  # the refused save changed nothing
    assert_accessible(second)
    screenshot(second, "84-live-notes-conflict")
