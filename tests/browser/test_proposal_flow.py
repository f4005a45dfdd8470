"""A proposal's life: a participant proposes a reword, another supports and comments,
the session accepts it (the note-taker records it on the live-notes page), staff make the
next criteria version from it, and the editor links the changed criterion back."""

import re
import time

import pytest
from playwright.sync_api import expect

from criteria.selectors import criteria_set_current
from debate.models import Proposal
from reviews.models import WorkshopInvitation
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.debate.conftest import make_session
from tests.factories import UserFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_saved(page, proposal, **expected):
    """Everything typed is saved: the page holds no unsaved local copy and the database
    has `expected` (the status says "Saved" already after the first of two saves: the
    notes when focus leaves them, then the outcome)."""
    page.wait_for_function(
        "code => !Object.keys(localStorage).some(k => k.startsWith('portal-review:proposal-'"
        " + code + ':'))",
        arg=proposal.code,
    )
    for _ in range(100):
        if Proposal.objects.filter(pk=proposal.pk, **expected).exists():
            return
        time.sleep(0.1)
    raise AssertionError(f"not saved: {expected}")


def _context(browser, live_server, user, *, javascript=True):
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, java_script_enabled=javascript
    )
    context._portal_base_url = live_server.url
    page = context.new_page()
    login_as(page, user)
    return page


def test_proposal_from_creation_to_a_new_criteria_version(browser, live_server, staff):
    workshop = WorkshopFactory(title="Brussels 2027")
    pat = UserFactory(email="pat@example.org", full_name="Pat Proposer")
    quinn = UserFactory(email="quinn@example.org", full_name="Quinn Supporter")
    for user in (pat, quinn):
        WorkshopInvitation.objects.create(
            workshop=workshop, user=user, kind="reviewer", state="accepted"
        )

    page = _context(browser, live_server, pat)
    page.goto(f"/workshops/{workshop.code}/proposals/")
    assert_accessible(page)
    page.get_by_role("link", name="Propose a change").click()
    page.get_by_label("Kind of change").select_option("reword")
    page.get_by_label("Criterion", exact=True).select_option("REL-1")
    page.get_by_role("textbox", name="Summary").fill("Say what uncertainty means")
    page.get_by_role("textbox", name="Proposed text").fill(
        "Uncertainty reported\nIntervals for every number."
    )
    page.get_by_role("textbox", name="Rationale").fill("Reviewers read *uncertainty* differently.")
    page.get_by_label("Name me in the public summary").check()
    assert_accessible(page)
    screenshot(page, "70-proposal-form")
    page.get_by_role("button", name="Publish the proposal").click()
    page.wait_for_url(re.compile(r".*/proposals/[^/]+/$"))
    proposal = Proposal.objects.get()
    assert proposal.author == pat and proposal.attribution_consent

    other = _context(browser, live_server, quinn)
    other.goto(f"/workshops/{workshop.code}/proposals/{proposal.code}/")
    other.get_by_label("Support").check()
    other.get_by_role("button", name="Save my position").click()
    other.get_by_label("Your comment").fill("Yes, **intervals** please.")
    other.get_by_role("button", name="Add comment").click()
    other.wait_for_load_state()
    assert other.locator("#support-count").inner_text() == "1"
    assert other.locator("strong", has_text="intervals").count() == 1
    assert_accessible(other)
    screenshot(other, "71-proposal-detail")
    # Quinn edits the comment: the edit page, then the proposal marks it "edited".
    other.get_by_role("link", name="Edit your comment").click()
    other.get_by_role("textbox", name="Comment").fill("Yes, **intervals** and ranges.")
    assert_accessible(other)
    screenshot(other, "71b-proposal-comment-edit")
    other.get_by_role("button", name="Save").click()
    other.get_by_text("Your comment is saved.").wait_for()
    assert "intervals</strong> and ranges." in other.content()
    assert_accessible(other)

    # The session (made here: the agenda pages are another test's) discusses it; the
    # note-taker records the outcome on the live-notes page, autosaved.
    session = make_session(workshop, proposal, note_taker=staff, room="Room 2")
    staff_page = _context(browser, live_server, staff)
    staff_page.goto(f"/staff/workshops/{workshop.code}/agenda/{session.code}/notes/")
    item = staff_page.locator(f"#proposal-{proposal.code}")
    assert item.get_by_role("link", name="Say what uncertainty means").count() == 1
    item.get_by_label("Discussion notes").fill("Broad support; intervals for every number.")
    item.get_by_label("Accepted", exact=True).check()
    status = item.get_by_role("status")
    expect(status).to_contain_text("Saved at", timeout=10_000)
    _wait_saved(staff_page, proposal, outcome=Proposal.Outcome.ACCEPTED)
    proposal.refresh_from_db()
    assert proposal.outcome_notes == "Broad support; intervals for every number."
    assert proposal.decided_by == staff and proposal.decided_at is not None
    assert_accessible(staff_page)
    screenshot(staff_page, "82-live-notes")

    first = criteria_set_current(workshop=workshop)
    staff_page.goto(f"/staff/workshops/{workshop.code}/criteria/next-from-proposals/")
    assert_accessible(staff_page)
    screenshot(staff_page, "72-next-version")
    staff_page.get_by_role("button", name="Create the next version").click()
    staff_page.wait_for_url(re.compile(r".*/criteria/edit/$"))
    new_set = criteria_set_current(workshop=workshop)
    assert new_set.version == first.version + 1
    assert new_set.criteria.get(code="REL-1").title == "Uncertainty reported"
    link = staff_page.get_by_role("link", name="Say what uncertainty means")
    assert link.count() == 1
    assert_accessible(staff_page)
    screenshot(staff_page, "73-editor-with-proposal")


def test_linking_evaluations_by_search_in_a_large_call(browser, live_server, staff):
    from tests.factories import CompleteSubmissionFactory  # noqa: PLC0415 -- this test only

    workshop = WorkshopFactory(title="Brussels 2027")
    for index in range(30):
        CompleteSubmissionFactory(workshop=workshop, state="eligible", title=f"Bulk {index:02}")
    wanted = CompleteSubmissionFactory(workshop=workshop, state="eligible", title="Wet-lab uplift")
    page = _context(browser, live_server, staff)
    page.goto(f"/workshops/{workshop.code}/proposals/new/")
    boxes = page.locator("[data-link-search=submissions] input[type=checkbox]")
    assert boxes.count() == 20
    page.get_by_role("textbox", name="Summary").fill("Typed before searching")
    page.get_by_label("Bulk 03").check()
    page.get_by_role("searchbox", name="Search the evaluations by title or code").fill("wet")
    page.get_by_label(f"Wet-lab uplift ({wanted.code})").wait_for()
    # The ticked one stays, ticked; the typed summary is untouched (no reload).
    assert boxes.count() == 2
    assert page.get_by_label("Bulk 03").is_checked()
    assert page.get_by_role("textbox", name="Summary").input_value() == "Typed before searching"
    page.get_by_label(f"Wet-lab uplift ({wanted.code})").check()
    assert_accessible(page)
    screenshot(page, "74-proposal-links")


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_enter_in_a_text_field_publishes_the_proposal(browser, live_server, javascript):
    workshop = WorkshopFactory(title="Brussels 2027")
    pat = UserFactory(email="pat@example.org", full_name="Pat Proposer")
    WorkshopInvitation.objects.create(
        workshop=workshop, user=pat, kind="reviewer", state="accepted"
    )
    page = _context(browser, live_server, pat, javascript=javascript)
    page.goto(f"/workshops/{workshop.code}/proposals/new/")
    page.get_by_label("Kind of change").select_option("reword")
    page.get_by_label("Criterion", exact=True).select_option("REL-1")
    page.get_by_role("textbox", name="Proposed text").fill("Uncertainty reported")
    page.get_by_role("textbox", name="Rationale").fill("Reviewers read it differently.")
    page.get_by_role("textbox", name="Summary").fill("Say what uncertainty means")

    page.get_by_role("textbox", name="Summary").press("Enter")

    page.wait_for_url(re.compile(r".*/proposals/[^/]+/$"))
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.author) == ("Say what uncertainty means", pat)
