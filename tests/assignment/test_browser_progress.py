"""The page of an assignment run in headless Chromium, driven by the same job-progress
script as the report jobs: the bar follows the run, a failure shows its reason and the
"Run again" form without a reload, and the change is announced."""

import pytest

from assignment.models import AssignmentRun
from tests.assignment.helpers import run_url
from tests.browser_support import assert_accessible, login_as, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_failing_run_shows_its_error_and_the_run_again_form(page, staff, hand):
    run = AssignmentRun.objects.create(
        workshop=hand.workshop, created_by=staff, state="running", progress=20
    )
    login_as(page, staff)
    page.goto(run_url(run))
    bar = page.locator(f'[data-job="{run.code}"] [role="progressbar"]')
    again = page.locator('form[data-show-when="failed"]')
    assert bar.get_attribute("aria-valuenow") == "20"
    assert again.is_hidden()
    assert page.get_by_text("This page follows the run").is_visible()

    AssignmentRun.objects.filter(pk=run.pk).update(progress=70)
    page.locator(f'[data-job="{run.code}"] [role="progressbar"][aria-valuenow="70"]').wait_for()

    AssignmentRun.objects.filter(pk=run.pk).update(
        state="failed", error="The solver found no assignment within the limits."
    )
    again.wait_for()
    error = page.locator(f'[data-job="{run.code}"] [data-role="error"]')
    assert error.inner_text() == "The solver found no assignment within the limits."
    assert bar.is_hidden()
    assert page.locator('[data-show-when="done"]').is_hidden()
    assert page.get_by_text("This page follows the run").is_hidden()
    page.locator("#run-live", has_text="no assignment within the limits").wait_for(state="attached")
    screenshot(page, "matching-run-failed")
    assert_accessible(page)
