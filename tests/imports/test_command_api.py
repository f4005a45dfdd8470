"""The management command and the API endpoints: the same services as the staff page."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from imports.models import ImportRun
from submissions.models import Submission
from tests.imports.conftest import FIXTURES, PDF_A, PDF_B, notes_upload, pdfs_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_folder(tmp_path):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "aaaa1111.pdf").write_bytes(PDF_A)
    (tmp_path / "bbbb2222.pdf").write_bytes(PDF_B)
    (tmp_path / "pdf" / "dddd4444.pdf").write_bytes(b"not a pdf\n")
    return tmp_path


def _command(*args):
    out = io.StringIO()
    call_command("import_openreview", *args, stdout=out)
    return out.getvalue()


def test_command_previews_then_applies(workshop, staff, target_organisation, pdf_folder):
    args = [
        workshop.code,
        str(FIXTURES / "notes.json"),
        "--files",
        str(pdf_folder),
        "--organisation",
        target_organisation.code,
        "--user",
        staff.email,
    ]
    output = _command(*args)
    assert "Preview of notes.json: 3 to create, 0 to update, 1 skipped, 7 refused." in output
    assert "refuse cNoTitle01" in output and "The note has no title." in output
    assert "Dry run: nothing written." in output
    assert not Submission.objects.exists()
    output = _command(*args, "--apply")
    assert "Imported: 3 created, 0 updated, 1 skipped, 7 refused." in output
    assert Submission.objects.count() == 2


def test_command_refuses_unknown_workshop(staff):
    with pytest.raises(CommandError, match="No workshop"):
        _command("nope", str(FIXTURES / "notes.json"), "--user", staff.email)


def test_command_refuses_a_non_staff_user(workshop):
    with pytest.raises(CommandError, match="staff member"):
        _command(workshop.code, str(FIXTURES / "notes.json"), "--user", "nobody@example.org")


@pytest.fixture
def api(client, staff):
    client.force_login(staff)
    return client


def test_api_dry_run_returns_the_preview(api, workshop, target_organisation):
    response = api.post(
        reverse("api:import-create", args=[workshop.code]),
        {
            "source": "openreview",
            "data_file": notes_upload(),
            "files_archive": pdfs_upload(),
            "options": json.dumps({"organisation": target_organisation.code}),
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "previewed"
    assert body["counts"] == {"create": 3, "update": 0, "skip": 1, "refuse": 7}
    assert body["rows_total"] == 11
    assert body["rows"][2]["reasons"] == ["The note has no title."]
    assert response["Location"] == reverse("api:import-detail", args=[body["code"]])
    assert not Submission.objects.exists()
    applied = api.post(reverse("api:import-apply", args=[body["code"]]))
    assert applied.status_code == 200
    assert applied.json()["result"] == {"created": 3, "updated": 0, "skipped": 1, "refused": 7}
    assert Submission.objects.count() == 2
    again = api.post(reverse("api:import-apply", args=[body["code"]]))
    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"] == ["Only a previewed import can be applied."]


def test_api_without_dry_run_applies_what_the_preview_accepts(api, workshop, target_organisation):
    response = api.post(
        reverse("api:import-create", args=[workshop.code]),
        {
            "source": "openreview",
            "data_file": notes_upload(),
            "files_archive": pdfs_upload(),
            "options": json.dumps({"organisation": target_organisation.code}),
            "dry_run": "false",
        },
    )
    assert response.status_code == 200
    assert response.json()["state"] == "applied"
    assert Submission.objects.count() == 2


def test_api_large_import_is_a_job(
    api, workshop, target_organisation, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_MAX_BYTES = 10
    response = api.post(
        reverse("api:import-create", args=[workshop.code]),
        {
            "source": "openreview",
            "data_file": notes_upload(),
            "options": json.dumps({"organisation": target_organisation.code}),
        },
    )
    assert response.status_code == 202
    assert response.json()["state"] == "previewing"


def test_api_invalid_options_and_bad_archive(api, workshop):
    url = reverse("api:import-create", args=[workshop.code])
    response = api.post(url, {"source": "openreview", "data_file": notes_upload(), "options": "[1"})
    assert response.status_code == 400
    assert "options" in response.json()["errors"]
    response = api.post(
        url,
        {
            "source": "openreview",
            "data_file": notes_upload(),
            "files_archive": notes_upload(name="files.zip"),
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "The files archive is not a ZIP archive, or it is damaged."
    ]


def test_api_detail_pages_rows(api, workshop, staff):
    from imports import services

    run = services.import_run_preview(
        run=services.import_run_create(
            workshop=workshop, source="openreview", data_file=notes_upload(), user=staff
        )
    )
    body = api.get(reverse("api:import-detail", args=[run.code]) + "?rows_offset=10").json()
    assert [r["source_id"] for r in body["rows"]] == ["rReview002"]
    assert ImportRun.objects.get().state == "previewed"
