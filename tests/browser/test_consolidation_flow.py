"""The consolidated assessment in a browser: staff name a lead among three reviewers; the
lead sees the three reviews side by side (the disagreement flagged), fills the assessment
(autosave says "Saved") and circulates it; one reviewer agrees, another dissents; staff
finalise; the submitter's released page shows the consolidated assessment first."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import Concurrence, ConsolidatedAssessment, CriterionScore
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    CriteriaSetFactory,
    ReviewerApplicationFactory,
    ReviewFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Levels per reviewer, by criterion code: they disagree on REL-1 (1, 3, 4), not on VAL-1.
LEVELS = [
    {"REL-1": 1, "VAL-1": 3, "ELI-2": 2},
    {"REL-1": 3, "VAL-1": 3, "ELI-2": 2},
    {"REL-1": 4, "VAL-1": 3, "ELI-2": 3},
]


def _context(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context._portal_base_url = live_server.url
    page = context.new_page()
    page.set_default_timeout(15_000)
    login_as(page, user)
    return page


def _three_reviews(submission, criteria_set, workshop):
    reviewers = []
    for index, levels in enumerate(LEVELS):
        user = UserFactory(
            email=f"reviewer{index}@example.org",
            full_name=["Rui Lead", "Mia Concur", "Noor Dissent"][index],
        )
        ReviewerApplicationFactory(workshop=workshop, user=user, state="approved")
        assignment = AssignmentFactory(submission=submission, reviewer=user)
        review = ReviewFactory(assignment=assignment, criteria_set=criteria_set, state="submitted")
        for criterion in criteria_set.criteria.all():
            CriterionScore.objects.create(
                review=review,
                criterion=criterion,
                level=levels[criterion.code],
                justification=f"{user.full_name} on {criterion.code}.",
            )
        reviewers.append(user)
    return reviewers


def test_consolidation_from_lead_to_the_submitters_page(
    browser, live_server, staff, evaluator, organisation
):
    workshop = WorkshopFactory(title="Brussels 2027", review_visibility="always")
    criteria_set = CriteriaSetFactory(workshop=workshop)
    submission = CompleteSubmissionFactory(
        workshop=workshop, organisation=organisation, state="eligible", title="Wet-lab uplift"
    )
    rui, mia, noor = _three_reviews(submission, criteria_set, workshop)
    rel = criteria_set.criteria.get(code="REL-1")
    val = criteria_set.criteria.get(code="VAL-1")

    # Staff name Rui on the submission's Reviewers page.
    staff_page = _context(browser, live_server, staff)
    staff_page.goto(f"/staff/submissions/{submission.code}/reviewers/")
    staff_page.get_by_label("Lead reviewer").select_option(label="Rui Lead")
    staff_page.get_by_role("button", name="Name the lead").click()
    expect(staff_page.get_by_text("Rui Lead leads the consolidated assessment.")).to_be_visible()
    assessment = ConsolidatedAssessment.objects.get(submission=submission)
    assert assessment.lead == rui

    # Rui's page: three reviews side by side, REL-1 flagged, VAL-1 not.
    lead = _context(browser, live_server, rui)
    lead.goto(f"/consolidation/{assessment.code}/")
    rel_section = lead.locator(f"#c{rel.pk}")
    assert rel_section.locator("thead th").all_inner_texts() == [
        "Reviewer A",
        "Reviewer B",
        "Reviewer C",
    ]
    assert rel_section.locator("tbody td").all_inner_texts() == ["1", "3", "4"]
    assert rel_section.locator("table.table-warning").count() == 1
    assert lead.locator(f"#c{val.pk} table.table-warning").count() == 0
    assert lead.get_by_text("reviewers disagree by two levels or more").count() == 1

    # The lead fills REL-1 and VAL-1; autosave reports "Saved at ...".
    rel_section.get_by_label("Level").select_option("3")
    rel_section.get_by_label("Tag").select_option("gap")
    rel_section.get_by_label("Synthesis").fill("Between the three: intervals only for REL.")
    val_section = lead.locator(f"#c{val.pk}")
    val_section.get_by_label("Level").select_option("3")
    val_section.get_by_label("Synthesis").fill("All three agree.")
    status = lead.locator("#review-save-status")
    status.filter(has_text=re.compile(r"Saved at \d\d:\d\d")).wait_for()
    saved = {s.criterion.code: s for s in ConsolidatedAssessment.objects.get().scores.all()}
    assert (saved["REL-1"].level, saved["REL-1"].tag) == (3, "gap")
    assert saved["REL-1"].synthesis == "Between the three: intervals only for REL."
    assert saved["VAL-1"].synthesis == "All three agree."
    assert_accessible(lead)
    screenshot(lead, "75-consolidation-lead")

    lead.get_by_role("button", name="Circulate to the other reviewers").click()
    expect(lead.locator("#consolidation-state")).to_have_text("Circulated to the reviewers")
    assert lead.locator("#review-form").count() == 0

    # Mia agrees; Noor dissents with a note.
    other = _context(browser, live_server, mia)
    other.goto(f"/consolidation/{assessment.code}/")
    assert "Between the three: intervals only for REL." in other.content()
    other.get_by_label("I agree").check()
    other.get_by_role("button", name="Send my answer").click()
    expect(other.locator("#answers + ul li")).to_have_text(["You: agrees"])
    assert_accessible(other)
    screenshot(other, "76-consolidation-concur")

    third = _context(browser, live_server, noor)
    third.goto(f"/consolidation/{assessment.code}/")
    third.get_by_label("I dissent").check()
    third.get_by_label("Dissent note").fill("REL-1 deserves a 4: the intervals are reported.")
    third.get_by_role("button", name="Send my answer").click()
    expect(third.get_by_role("button", name="Change my answer")).to_be_visible()
    answers = dict(Concurrence.objects.values_list("reviewer__full_name", "agrees"))
    assert answers == {"Mia Concur": True, "Noor Dissent": False}
    assert_accessible(third)

    # Staff see both answers by name and finalise.
    staff_page.goto(f"/consolidation/{assessment.code}/")
    answers_text = staff_page.locator("#answers + ul").inner_text()
    assert "Mia Concur: agrees" in answers_text
    assert "Noor Dissent: dissents" in answers_text
    assert "REL-1 deserves a 4" in answers_text
    staff_page.get_by_role("button", name="Finalise the consolidated assessment").click()
    expect(staff_page.locator("#consolidation-state")).to_have_text("Final")
    assert_accessible(staff_page)
    screenshot(staff_page, "77-consolidation-final")

    # Released: the submitter's page opens with the consolidated assessment, then the reviews.
    workshop.reviews_released_at = timezone.now() - timedelta(days=1)
    workshop.save()
    submitter = _context(browser, live_server, evaluator)
    submitter.goto(f"/submissions/{submission.code}/reviews/")
    headings = submitter.locator("main h2").all_inner_texts()
    assert headings[0] == "Consolidated assessment"
    consolidated = submitter.locator("#consolidated tbody tr")
    assert consolidated.count() == 3
    assert "Between the three: intervals only for REL." in consolidated.nth(0).inner_text()
    # The tag is for the AI Office: submitters never see it.
    assert "gap" not in submitter.locator("#consolidated").inner_text().lower().split()
    assert_accessible(submitter)
