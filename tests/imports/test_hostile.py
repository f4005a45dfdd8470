"""Hostile or broken input to the imports (staff page, API, command): every refusal is a
clear message on the page, a problem document, or a refused row with its reason; never a
server error, a stuck run, or a worker that reads without bound."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from imports.models import ImportRun
from tests.imports.conftest import notes_upload

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def submission_limit_1mb(settings):
    settings.SUBMISSION_MAX_UPLOAD_MB = 1
    settings.SUBMISSION_MAX_UPLOAD_BYTES = MB
    # Kept small, so that the run is previewed in the request and the tests stay fast.
    settings.IMPORT_ARCHIVE_MAX_MB = 3


def _archive(size: int) -> SimpleUploadedFile:
    """A ZIP of `size` bytes or a little more: one stored member of random bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("pdf/big.bin", os.urandom(size))
    return SimpleUploadedFile("files.zip", buffer.getvalue())


# --- the import's own upload limit (not the submission limit) --------------------------------


def test_api_import_takes_an_archive_over_the_submission_limit(
    client, staff, workshop, submission_limit_1mb
):
    client.force_login(staff)
    response = client.post(
        reverse("api:import-create", args=[workshop.code]),
        {"source": "openreview", "data_file": notes_upload(), "files_archive": _archive(2 * MB)},
    )
    assert response.status_code in (200, 202), response.content[:500]
    run = ImportRun.objects.get()
    assert run.files_archive.size > 2 * MB


def test_api_import_over_the_archive_limit_is_a_413_naming_that_limit(
    client, staff, workshop, submission_limit_1mb
):
    client.force_login(staff)
    response = client.post(
        reverse("api:import-create", args=[workshop.code]),
        {"source": "openreview", "data_file": notes_upload(), "files_archive": _archive(4 * MB)},
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "too_large" and body["limit_mb"] == 3
    assert body["errors"] == {"files_archive": ["“files.zip” is larger than the 3 MB limit."]}
    assert not ImportRun.objects.exists()


def test_api_import_data_file_keeps_its_own_limit(client, staff, workshop, settings):
    settings.IMPORT_DATA_MAX_MB = 1
    client.force_login(staff)
    big = SimpleUploadedFile("notes.json", b"[" + b" " * (MB + 10) + b"]")
    response = client.post(
        reverse("api:import-create", args=[workshop.code]),
        {"source": "openreview", "data_file": big},
    )
    assert response.status_code == 413
    assert response.json()["errors"] == {
        "data_file": ["“notes.json” is larger than the 1 MB limit."]
    }


def test_staff_page_takes_an_archive_over_the_submission_limit_with_csrf(
    staff, workshop, submission_limit_1mb
):
    # With CSRF enforced, CsrfViewMiddleware reads the body before the view: the limit must
    # be chosen from the resolved URL, not in the view.
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("imports:index", args=[workshop.code])
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "source": "openreview",
            "data_file": notes_upload(),
            "files_archive": _archive(2 * MB),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert ImportRun.objects.get().files_archive.size > 2 * MB


def test_staff_page_says_the_archive_limit_when_over_it(staff, workshop, submission_limit_1mb):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("imports:index", args=[workshop.code])
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "source": "openreview",
            "data_file": notes_upload(),
            "files_archive": _archive(4 * MB),
        },
    )
    assert response.status_code == 400
    assert "“files.zip” is larger than the 3 MB limit." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_submission_upload_keeps_its_limit(client, evaluator, submission_limit_1mb):
    from tests.factories import SubmissionFactory

    draft = SubmissionFactory(contact=evaluator, organisation=evaluator.organisations.first())
    client.force_login(evaluator)
    response = client.post(
        reverse("api:submission-file-list", args=[draft.code]),
        {"kind": "main", "file": _archive(2 * MB)},
    )
    assert response.status_code == 413
    assert response.json()["limit_mb"] == 1
