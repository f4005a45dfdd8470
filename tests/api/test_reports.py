"""The API's report jobs (request, poll, list, download) and data exports."""

import csv
import hashlib
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.services.tokens import api_token_create
from reports.models import ReportJob
from submissions.models import Submission
from tests.factories import SubmissionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def _bearer(user, *scopes):
    _token, secret = api_token_create(user=user, name="test", scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Reports API call")


@pytest.fixture
def staff_headers(staff):
    return _bearer(staff, "reports:read", "reports:write")


def _finish(job, content=PDF, name="summary.pdf"):
    job.state = ReportJob.State.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.file_name = name
    job.content_type = "application/pdf"
    job.file.save(name, ContentFile(content), save=False)
    job.file_size = len(content)
    job.save()


def _done_job(workshop, kind, **extra):
    job = ReportJob.objects.create(
        workshop=workshop,
        kind=kind,
        # A digest, as the service's: PostgreSQL holds the column to 64 characters.
        params_hash=hashlib.sha256(f"{kind}-{extra}".encode()).hexdigest(),
        **extra,
    )
    _finish(job, name=f"{kind}.pdf")
    return job


def test_a_report_job_is_queued_polled_and_downloadable_once_done(
    client, staff_headers, staff, workshop
):
    response = client.post(
        reverse("api:report-job-list", args=[workshop.code]),
        {"kind": "public_summary", "language": "en", "criteria_set_version": None},
        "application/json",
        headers=staff_headers,
    )
    assert response.status_code == 202
    job = ReportJob.objects.get(workshop=workshop)
    assert job.kind == "public_summary" and job.created_by == staff
    assert job.params == {
        "include_ai_office_only": False,
        "criteria_set_version": None,
        "language": "en",
    }
    location = response["Location"]
    assert location == f"http://testserver{reverse('api:report-job-detail', args=[job.code])}"
    [started] = response.json()["jobs"]
    assert started["url"] == location and started["state"] == "queued"

    poll = client.get(location, headers=staff_headers)
    assert poll.status_code == 200
    assert poll.json()["state"] == "queued"
    assert poll.json()["download"] is None
    download_url = reverse("api:report-job-download", args=[job.code])
    refused = client.get(download_url, headers=staff_headers)
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/problem+json"

    _finish(job)
    done = client.get(location, headers=staff_headers).json()
    assert done["state"] == "done" and done["progress"] == 100
    assert done["download"] == f"http://testserver{download_url}"
    file = client.get(download_url, headers=staff_headers)
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF
    assert file["Content-Disposition"] == 'attachment; filename="summary.pdf"'
    assert file["Content-Type"] == "application/pdf"
    assert file["X-Content-Type-Options"] == "nosniff"


def test_a_second_identical_request_returns_the_queued_job(client, staff_headers, workshop):
    url = reverse("api:report-job-list", args=[workshop.code])
    first = client.post(url, {"kind": "scores_csv"}, "application/json", headers=staff_headers)
    second = client.post(url, {"kind": "scores_csv"}, "application/json", headers=staff_headers)
    assert first.json()["jobs"][0]["code"] == second.json()["jobs"][0]["code"]
    assert ReportJob.objects.count() == 1


def test_report_parameters_are_checked_as_the_form_checks_them(client, staff_headers, workshop):
    url = reverse("api:report-job-list", args=[workshop.code])
    response = client.post(
        url,
        {"kind": "public_summary", "criteria_set_version": 0, "language": "xx"},
        "application/json",
        headers=staff_headers,
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"criteria_set_version", "language"}
    assert not ReportJob.objects.exists()


def test_a_failed_jobs_error_is_shown(client, staff_headers, workshop):
    job = ReportJob.objects.create(
        workshop=workshop,
        kind="internal_edition",
        params_hash="x",
        state=ReportJob.State.FAILED,
        error="Template broke.",
    )
    data = client.get(reverse("api:report-job-detail", args=[job.code]), headers=staff_headers)
    assert data.json()["error"] == "Template broke."
    assert data.json()["state_label"] == "Failed"


def test_an_evaluator_downloads_their_released_feedback_but_not_the_summary(
    client, workshop, evaluator, organisation, staff
):
    feedback = _done_job(workshop, ReportJob.Kind.FEEDBACK, organisation=organisation)
    feedback.released_at = timezone.now()
    feedback.released_by = staff
    feedback.save(update_fields=["released_at", "released_by"])
    summary = _done_job(workshop, ReportJob.Kind.PUBLIC_SUMMARY)
    headers = _bearer(evaluator, "reports:read")

    file = client.get(reverse("api:report-job-download", args=[feedback.code]), headers=headers)
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF
    assert file["Content-Disposition"] == 'attachment; filename="feedback.pdf"'
    assert (
        client.get(
            reverse("api:report-job-download", args=[summary.code]), headers=headers
        ).status_code
        == 404
    )
    # They may download it, not manage it (as the browser's status page).
    assert (
        client.get(reverse("api:report-job-detail", args=[feedback.code]), headers=headers)
    ).status_code == 403
    # Withdrawn: gone for them.
    feedback.released_at = None
    feedback.save(update_fields=["released_at"])
    assert (
        client.get(
            reverse("api:report-job-download", args=[feedback.code]), headers=headers
        ).status_code
        == 404
    )


def test_feedback_for_no_reviewed_organisation_queues_no_job(client, staff_headers, workshop):
    response = client.post(
        reverse("api:report-job-list", args=[workshop.code]),
        {"kind": "feedback"},
        "application/json",
        headers=staff_headers,
    )
    assert response.status_code == 202
    assert response.json() == {"jobs": []}
    assert "Location" not in response


def test_report_job_list_costs_the_same_queries_whatever_its_length(
    client, staff_headers, workshop, django_assert_num_queries
):
    url = reverse("api:report-job-list", args=[workshop.code])

    def jobs(count, start):
        for n in range(start, start + count):
            ReportJob.objects.create(workshop=workshop, kind="scores_csv", params_hash=f"h{n}")

    jobs(2, 0)
    client.get(url, headers=staff_headers)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as baseline:
        body = client.get(url, headers=staff_headers).json()
    assert body["count"] == 2
    jobs(10, 2)
    with django_assert_num_queries(len(baseline.captured_queries)):
        body = client.get(url, headers=staff_headers).json()
    assert body["count"] == 12
    assert body["results"][0]["workshop"] == workshop.code


# --- exports --------------------------------------------------------------------------------


@pytest.fixture
def formula_submission(workshop, organisation):
    return SubmissionFactory(
        workshop=workshop,
        organisation=organisation,
        title='=HYPERLINK("http://evil.example","x")',
        state=Submission.State.ELIGIBLE,
        submitted_at=timezone.now(),
    )


def _export(client, headers, workshop, name, fmt):
    url = reverse("api:workshop-export", args=[workshop.code, name])
    return client.get(url, {"format": fmt}, headers=headers)


def test_csv_export_neutralises_formulas(client, staff_headers, workshop, formula_submission):
    response = _export(client, staff_headers, workshop, "submissions", "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="submissions-{workshop.code}-'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["submission", "title", "state"]
    assert rows[1][:3] == [formula_submission.code, "'" + formula_submission.title, "eligible"]


def test_xlsx_export_stores_formulas_as_text(client, staff_headers, workshop, formula_submission):
    response = _export(client, staff_headers, workshop, "submissions", "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["submissions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "title"
    assert rows[1][1] == "'" + formula_submission.title
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_json_export_keeps_values_as_typed(client, staff_headers, workshop, formula_submission):
    response = _export(client, staff_headers, workshop, "submissions", "json")
    assert response.status_code == 200
    [row] = json.loads(b"".join(response.streaming_content))
    assert row["submission"] == formula_submission.code
    assert row["title"] == formula_submission.title


def test_an_unknown_export_or_format(client, staff_headers, workshop):
    assert _export(client, staff_headers, workshop, "secrets", "csv").status_code == 404
    refused = _export(client, staff_headers, workshop, "scores", "pdf")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert "format" in refused.json()["errors"]


def test_exports_are_refused_to_an_evaluator(client, workshop, evaluator):
    response = _export(client, _bearer(evaluator, "reports:read"), workshop, "scores", "csv")
    assert response.status_code == 403
