"""The new staff report pages in headless Chromium: axe-core finds no WCAG 2.1 AA
violation, and the remarks form works from the keyboard. Screenshots:
var/screenshots/reports-remarks*.png, reports-quote-edit.png, reports-delete.png."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.models import FeedbackRemark, ReportJob
from reports.services.quotes import quote_select
from tests.browser_support import assert_accessible, login_as, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_report_pages_are_accessible(page, staff, scored_workshop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workshop = scored_workshop["workshop"]
    organisation = scored_workshop["submissions"]["S1"].organisation
    selection = quote_select(
        workshop=workshop, score=scored_workshop["scores"][("S2", 0, "REL-1")], user=staff
    )
    job = ReportJob(
        workshop=workshop,
        kind=ReportJob.Kind.PUBLIC_SUMMARY,
        params_hash="h",
        state=ReportJob.State.DONE,
        finished_at=timezone.now(),
        file_name="summary.pdf",
    )
    job.file.save("summary.pdf", ContentFile(b"%PDF-1.7"), save=False)
    job.save()
    login_as(page, staff)

    page.goto(reverse("reports:remarks", args=[workshop.code]))
    screenshot(page, "reports-remarks")
    assert_accessible(page)

    page.get_by_role("link", name="Open Lab").click()
    textarea = page.get_by_label("Remarks to the organisation")
    textarea.focus()
    page.keyboard.type("Thank you: **clear scenario**.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past Save, to Preview
    page.keyboard.press("Enter")
    page.locator("#remark-preview strong", has_text="clear scenario").wait_for()
    screenshot(page, "reports-remarks-preview")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Remarks to each organisation").wait_for()
    assert FeedbackRemark.objects.get(organisation=organisation).remarks_md == (
        "Thank you: **clear scenario**."
    )

    page.goto(reverse("reports:quote_edit", args=[workshop.code, selection.code]))
    screenshot(page, "reports-quote-edit")
    assert_accessible(page)

    page.goto(reverse("reports:delete", args=[workshop.code, job.code]))
    screenshot(page, "reports-delete")
    assert_accessible(page)
