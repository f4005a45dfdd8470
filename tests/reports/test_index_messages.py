"""What the Reports page says before and after staff generate a report: a warning with a
link when the summary editions would print "No executive summary has been written yet",
and a confirmation that does not freeze the job's state."""

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reports.models import ReportJob, WorkshopSummary
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop():
    return WorkshopFactory(title="Summary workshop")


def _index(client, workshop) -> str:
    return client.get(reverse("reports:index", args=[workshop.code])).content.decode()


@pytest.mark.parametrize("saved", [None, "", "  \n "])
def test_index_warns_with_a_link_while_no_executive_summary_is_written(
    client, staff, workshop, saved
):
    if saved is not None:
        WorkshopSummary.objects.create(workshop=workshop, executive_summary_md=saved)
    client.force_login(staff)

    html = _index(client, workshop)

    assert 'id="executive-summary-missing"' in html
    assert "No executive summary has been written yet" in html
    edit = reverse("reports:summary_edit", args=[workshop.code])
    assert f'<a href="{edit}#id_executive_summary_md">Write the executive summary</a>' in html


def test_index_does_not_warn_once_the_executive_summary_is_written(client, staff, workshop):
    WorkshopSummary.objects.create(workshop=workshop, executive_summary_md="Findings.")
    client.force_login(staff)

    assert 'id="executive-summary-missing"' not in _index(client, workshop)


def test_generating_without_executive_summary_is_not_blocked(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = reverse("reports:generate", args=[workshop.code])

    with (
        mock.patch("reports.services.report_jobs._enqueue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, {"kind": ReportJob.Kind.PUBLIC_SUMMARY, "language": "en"})

    assert ReportJob.objects.get(workshop=workshop).kind == ReportJob.Kind.PUBLIC_SUMMARY
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Public summary (PDF) requested: its state under “Reports generated” follows the job."
    ]


def test_confirmation_names_no_state_that_the_job_leaves_behind(
    client, staff, workshop, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = reverse("reports:generate", args=[workshop.code])
    with (
        mock.patch("reports.services.report_jobs._enqueue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(url, {"kind": ReportJob.Kind.PUBLIC_SUMMARY, "language": "en"})
    ReportJob.objects.filter(workshop=workshop).update(state=ReportJob.State.DONE, progress=100)

    html = _index(client, workshop)

    # The row says Done; nothing at the top still says Queued.
    assert "Queued" not in html
    assert "Done" in html
