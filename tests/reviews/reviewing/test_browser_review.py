"""The review page in headless Chromium: autosave, a refused stale autosave, restoring the
browser's copy, the error summary, and axe-core on each state. Screenshots go to
var/screenshots/ (3x-review-*.png)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import Review
from reviews.services import reviewing as services
from tests.browser_support import assert_accessible, screenshot
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.factories.core import PASSWORD

from .conftest import assign_for_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/dashboard/")


def _status(page, pattern: str, timeout: int = 8000) -> str:
    status = page.locator("#review-save-status")
    status.filter(has_text=re.compile(pattern)).wait_for(timeout=timeout)
    return status.text_content()


@pytest.fixture
def assignment(db):
    workshop = WorkshopFactory(title="Frontier risks call 2027", anonymous_review=True)
    return assign_for_review(
        workshop,
        UserFactory(email="rui@example.org", full_name="Rui Reviewer"),
        organisation=OrganisationFactory(name="Centre for Frontier Model Evaluation"),
        title="Wet-lab uplift of Model X",
    )


def test_autosave_stale_refusal_and_restore(page, assignment):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, assignment.reviewer.email)
    page.goto(f"/reviews/{assignment.code}/")
    assert page.get_by_role("heading", name="Review of “Wet-lab uplift of Model X”").is_visible()
    assert page.get_by_text("Centre for Frontier Model Evaluation").count() == 0
    assert_accessible(page)
    screenshot(page, "30-review-page")

    # Autosave after typing stops.
    page.get_by_label("Summary").fill("A careful study.")
    assert _status(page, "^Saved at").startswith("Saved at ")
    review = Review.objects.get(assignment=assignment)
    assert (review.summary, review.revision) == ("A careful study.", 2)

    # Another tab saves; this tab's next autosave is refused and stops.
    services.review_save_draft(
        review=review,
        user=assignment.reviewer,
        revision=2,
        data=services.ReviewInput(summary="Saved in the other tab."),
    )
    page.get_by_label("Summary").fill("A careful study with a clear threat model.")
    message = _status(page, "^Not saved")
    assert "saved in another tab or window" in message
    assert "Autosave stopped" in message
    assert Review.objects.get(pk=review.pk).summary == "Saved in the other tab."
    screenshot(page, "31-review-stale-autosave")

    # Reloading offers the browser's copy back; restoring it saves it.
    page.once("dialog", lambda dialog: dialog.accept())  # the unsaved-changes warning
    page.reload()
    restore = page.locator("#review-restore")
    restore.wait_for(state="visible")
    assert page.get_by_label("Summary").input_value() == "Saved in the other tab."
    assert_accessible(page)
    page.get_by_role("button", name="Restore my copy").click()
    assert page.get_by_label("Summary").input_value() == (
        "A careful study with a clear threat model."
    )
    _status(page, "^Saved at")
    assert Review.objects.get(pk=review.pk).summary == "A careful study with a clear threat model."

    # Submitting an incomplete review lists what is missing, focused, with working links.
    page.get_by_role("button", name="Submit review").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert summary.get_by_role("link").first.text_content() == (
        "REL-1 Systemic-risk relevance: choose a level"
    )
    assert_accessible(page)
    screenshot(page, "32-review-not-submitted")
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []


def test_submit_then_read_only_after_the_deadline(page, assignment):
    review = services.review_get_or_create(assignment=assignment, user=assignment.reviewer)
    data = services.ReviewInput(
        summary="Sound.",
        strengths="Clear.",
        main_gaps="Few tasks.",
        confidence=4,
        recommendation="yes",
    )
    for criterion in review.criteria_set.criteria.all():
        data.scores[criterion.pk] = services.ScoreInput(
            level=3, justification="Reported with confidence intervals and re-runs."
        )
    services.review_submit(review=review, user=assignment.reviewer, revision=1, data=data)
    assignment.deadline_override = timezone.now() - timedelta(minutes=5)
    assignment.save()

    _login(page, assignment.reviewer.email)
    page.goto(f"/reviews/{assignment.code}/")

    assert page.get_by_text("The review can no longer be changed.").is_visible()
    assert page.locator("#review-form").count() == 0
    assert_accessible(page)
    screenshot(page, "33-review-read-only")
