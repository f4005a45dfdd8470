"""Two staff members editing the same criterion: in the browser, the second save is refused
with the reason, the saved version shown above the form and the typed text kept; saving
again replaces the other version. Axe clean."""

import pytest
from playwright.sync_api import expect

from criteria import services
from criteria.selectors import criteria_set_current
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_criterion_edit_race(page, staff):
    workshop = WorkshopFactory(title="Brussels 2027")
    criteria_set = criteria_set_current(workshop=workshop)
    login_as(page, staff)
    page.goto(f"/staff/workshops/{workshop.code}/criteria/criterion/REL-1/edit/")
    page.get_by_label("Title").fill("Relevance to a named systemic risk")

    # Meanwhile a colleague saves another wording.
    criterion = criteria_set.criteria.select_related("group").get(code="REL-1")
    services.criterion_save(
        criteria_set=criteria_set,
        criterion=criterion,
        group=criterion.group,
        code="REL-1",
        title="Systemic-risk relevance (reworded)",
        levels=criterion.levels,
        description=criterion.description,
        guidance=criterion.guidance,
        sources=criterion.sources,
        allow_na=criterion.allow_na,
        weight=criterion.weight,
        justification_required=criterion.justification_required,
        user=None,
    )

    page.get_by_role("button", name="Save criterion").click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else saved a change here")
    saved_now = page.get_by_role("region", name="What is saved now")
    expect(saved_now).to_contain_text("Systemic-risk relevance (reworded)")
    expect(page.get_by_label("Title")).to_have_value("Relevance to a named systemic risk")
    assert_accessible(page)
    screenshot(page, "92-criterion-edit-conflict")

    page.get_by_role("button", name="Save criterion").click()
    expect(page.get_by_text("Criterion REL-1 saved.")).to_be_visible()
    criterion.refresh_from_db()
    assert criterion.title == "Relevance to a named systemic risk"
