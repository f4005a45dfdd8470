"""The staff report page in headless Chromium: the progress bar follows the job without a
reload, the download link appears when it is done, the change is announced, and axe-core
finds nothing. Screenshot: var/screenshots/reports-progress.png."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportJob
from tests.browser_support import assert_accessible, login_as, screenshot
from tests.factories import WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_bar_updates_and_offers_the_download(page, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workshop = WorkshopFactory(title="Progress workshop")
    job = ReportJob.objects.create(
        workshop=workshop,
        kind=ReportJob.Kind.PUBLIC_SUMMARY,
        params_hash="h",
        state=ReportJob.State.RUNNING,
        progress=10,
        heartbeat_at=timezone.now(),
        created_by=staff,
    )
    login_as(page, staff)
    page.goto(reverse("reports:index", args=[workshop.code]))
    bar = page.locator(f'tr[data-report-job="{job.code}"] [role="progressbar"]')
    assert bar.get_attribute("aria-valuenow") == "10"

    ReportJob.objects.filter(pk=job.pk).update(progress=60)
    page.locator(
        f'tr[data-report-job="{job.code}"] [role="progressbar"][aria-valuenow="60"]'
    ).wait_for()
    screenshot(page, "reports-progress")
    assert_accessible(page)

    job.file.save("summary.pdf", ContentFile(b"%PDF-1.7"), save=False)
    job.state = ReportJob.State.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.snapshot = {"evaluations": 3, "reviewers": 3, "reviews": 9}
    job.save()
    link = page.locator(f'tr[data-report-job="{job.code}"] a[data-role="download"]')
    link.wait_for()

    assert link.get_attribute("href") == reverse("reports:download", args=[job.code])
    assert bar.is_hidden()
    page.locator("#report-live", has_text="ready to download").wait_for(state="attached")
    assert "3 evaluations" in page.locator(f'tr[data-report-job="{job.code}"]').inner_text()
    screenshot(page, "reports-done")
    assert_accessible(page)
