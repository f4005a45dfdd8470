"""Staff edit a criterion and assign a reviewer; the reviewer fills half the form, reloads
(the draft is kept), completes and submits; staff see the aggregate."""

import re

import pytest

from criteria.selectors import criteria_set_current
from reviews.models import Review
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.factories import (
    CompleteSubmissionFactory,
    ReviewerApplicationFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_criterion_edit_assignment_review_and_aggregate(browser, live_server, staff):
    workshop = WorkshopFactory(title="Brussels 2027")
    submission = CompleteSubmissionFactory(
        workshop=workshop, state="eligible", title="Cyber range uplift"
    )
    reviewer = UserFactory(email="rui@example.org", full_name="Rui Reviewer")
    ReviewerApplicationFactory(workshop=workshop, user=reviewer, state="approved")

    # Staff: edit a criterion of the default set, then assign the reviewer.
    staff_page = browser.new_context(base_url=live_server.url, bypass_csp=True)
    staff_page._portal_base_url = live_server.url
    page = staff_page.new_page()
    login_as(page, staff)
    page.goto(f"/staff/workshops/{workshop.code}/criteria/criterion/VAL-1/edit/")
    page.get_by_label("Title").fill("Internal validity and statistics")
    page.get_by_role("button", name="Save criterion").click()
    page.wait_for_url(re.compile(r".*/criteria/edit/.*"))
    criteria_set = criteria_set_current(workshop=workshop)
    assert criteria_set.criteria.get(code="VAL-1").title == "Internal validity and statistics"
    screenshot(page, "40-criteria-editor")

    page.goto(f"/staff/submissions/{submission.code}/reviewers/")
    # A call can have thousands of reviewers: staff search by part of a name or email (the
    # conflict form below has its own "Reviewer", a select), then choose among the matches.
    page.get_by_role("searchbox", name="Reviewer").fill("rui@")
    page.get_by_role("button", name="Find reviewers").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(r"^Rui Reviewer \(rui@example\.org\)")).check()
    page.get_by_role("button", name="Assign and notify by email").click()
    page.wait_for_load_state()
    assert submission.assignments.get().reviewer == reviewer
    assert_accessible(page)
    screenshot(page, "41-assigned")

    # Reviewer: accept, fill half the criteria, reload, finish and submit.
    reviewer_context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    reviewer_context._portal_base_url = live_server.url
    rpage = reviewer_context.new_page()
    login_as(rpage, reviewer)
    assignment = submission.assignments.get()
    rpage.goto(f"/reviews/{assignment.code}/")
    rpage.get_by_role("button", name="Accept").first.click()
    rpage.wait_for_load_state()
    review = Review.objects.get(assignment=assignment)
    criteria = list(review.criteria_set.criteria.order_by("group__position", "position"))
    half = len(criteria) // 2

    def fill(criterion, level):
        rpage.locator(f"input[name='c{criterion.pk}-level'][value='{level}']").check()
        rpage.locator(f"textarea[name='c{criterion.pk}-justification']").fill(
            f"{criterion.code}: reported with confidence intervals and re-runs."
        )

    for criterion in criteria[:half]:
        fill(criterion, 3)
    rpage.get_by_role("button", name="Save draft").click()
    rpage.wait_for_load_state()
    rpage.reload()
    for criterion in criteria[:half]:
        assert rpage.locator(f"input[name='c{criterion.pk}-level'][value='3']").is_checked()
    screenshot(rpage, "42-review-half-filled")

    for criterion in criteria[half:]:
        if criterion.allow_na:
            rpage.locator(f"input[name='c{criterion.pk}-level'][value='2']").check()
            rpage.locator(f"textarea[name='c{criterion.pk}-justification']").fill(
                f"{criterion.code}: structured red-teaming only."
            )
        else:
            fill(criterion, 2)
    rpage.get_by_label("Summary").fill("A careful uplift study with clear limits.")
    rpage.locator("input[name=confidence][value='4']").check()
    rpage.locator("input[name=recommendation][value='yes']").check()
    rpage.get_by_role("button", name="Submit review").click()
    rpage.wait_for_load_state()
    review.refresh_from_db()
    assert review.state == "submitted"
    assert review.scores.count() == len(criteria)
    assert_accessible(rpage)
    screenshot(rpage, "43-review-submitted")

    # Staff: the aggregate shows the reviewer's levels.
    page.goto(f"/staff/workshops/{workshop.code}/aggregates/{submission.code}/")
    body = page.locator("main").inner_text()
    assert "Reviewer A" in body
    assert "VAL-1" in body
    assert_accessible(page)
    screenshot(page, "44-aggregate")
