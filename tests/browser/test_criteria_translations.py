"""The criteria translation page in a browser: the English beside each field, the status of
each criterion, saving; and a reviewer's preview in German with the untranslated criterion
marked. Both pass axe."""

import pytest
from playwright.sync_api import expect

from criteria.models import CriterionTranslation
from criteria.selectors import criteria_set_current
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.criteria.conftest import criterion_reword
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _workshop_with_a_stale_and_a_missing_translation(staff):
    workshop = WorkshopFactory(title="Brussels 2027")
    criteria_set = criteria_set_current(workshop=workshop)
    criterion_reword(criteria_set, "REL-2", user=staff, title="Decision relevance and thresholds")
    CriterionTranslation.objects.filter(
        criterion__criteria_set=criteria_set, criterion__code="TRN-2", language="de"
    ).delete()
    return workshop, criteria_set


def test_translation_page(page, staff):
    workshop, criteria_set = _workshop_with_a_stale_and_a_missing_translation(staff)
    login_as(page, staff)
    page.goto(f"/staff/workshops/{workshop.code}/criteria/translations/de/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Criteria in German, version 1")
    expect(page.get_by_role("status")).to_contain_text("10 criteria translated, 1 needs review")
    rel2 = page.locator("#criterion-REL-2")
    expect(rel2).to_contain_text("Needs review: the English changed")
    trn2 = page.locator("#criterion-TRN-2")
    expect(trn2).to_contain_text("Not translated")
    assert_accessible(page)
    screenshot(page, "90-criteria-translations")

    rel2.get_by_label("Title · German (REL-2)").fill("Entscheidungsrelevanz und Schwellenwerte")
    page.get_by_role("button", name="Save the German texts").click()
    expect(page.get_by_text("Translations saved: 1 changed.")).to_be_visible()
    expect(page.get_by_role("status").last).to_contain_text("11 criteria translated")
    row = CriterionTranslation.objects.get(
        criterion__criteria_set=criteria_set, criterion__code="REL-2", language="de"
    )
    assert row.title == "Entscheidungsrelevanz und Schwellenwerte"
    assert not row.is_stale


def test_german_preview_marks_the_untranslated_criterion(page, staff):
    workshop, criteria_set = _workshop_with_a_stale_and_a_missing_translation(staff)
    staff.preferred_language = "de"
    staff.save(update_fields=["preferred_language"])
    login_as(page, staff)
    page.goto(f"/staff/workshops/{workshop.code}/criteria/versions/{criteria_set.code}/preview/")
    expect(page.locator("#criterion-REL-1-title")).to_have_text(
        "REL-1 Relevanz für systemische Risiken"
    )
    marked = page.locator(".untranslated")
    expect(marked).to_have_count(2)
    expect(marked.first).to_have_text("Englisch: noch nicht übersetzt")
    expect(page.locator("#criterion-TRN-2-title span[lang=en]")).to_have_text(
        "Reporting and responsible disclosure"
    )
    assert_accessible(page)
    screenshot(page, "91-criteria-preview-de")
