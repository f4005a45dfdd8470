"""Uploads through the real edit view: refused files say why, and nothing typed is lost."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from submissions.models import SubmissionFile
from tests.factories import make_pdf
from tests.submissions.test_lifecycle import _form_data

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def _post(client, submission, upload, **fields):
    return client.post(
        reverse("submissions:edit", args=[submission.code]),
        {**_form_data(submission, **fields), "upload": upload},
    )


def test_real_pdf_is_stored_with_hash_and_sanitised_name(client, evaluator, draft):
    content = make_pdf(pages=2)
    client.force_login(evaluator)
    response = _post(
        client,
        draft,
        SimpleUploadedFile("../../etc/\x1bre\nport.pdf", content, "application/pdf"),
        abstract="Kept",
    )
    assert response.status_code == 302
    stored = SubmissionFile.objects.get(submission=draft)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert "/" not in stored.original_name and "\x1b" not in stored.original_name
    assert stored.original_name.endswith(".pdf")
    with stored.file.open("rb") as handle:
        assert handle.read() == content
    draft.refresh_from_db()
    assert draft.abstract == "Kept"


def test_png_renamed_to_pdf_is_refused_and_fields_are_kept(client, evaluator, draft):
    client.force_login(evaluator)
    response = _post(
        client,
        draft,
        SimpleUploadedFile("figure.pdf", PNG, "application/pdf"),
        abstract="Typed before the upload",
    )
    assert response.status_code == 400
    errors = response.context["upload_form"].errors["upload"]
    assert len(errors) == 1
    assert errors[0].startswith("“figure.pdf” is not a PDF")
    assert "PNG" in errors[0]
    assert not SubmissionFile.objects.exists()
    draft.refresh_from_db()
    assert draft.abstract == "Typed before the upload"
    assert "Typed before the upload" in response.content.decode()


def test_empty_file_is_refused(client, evaluator, draft):
    client.force_login(evaluator)
    response = _post(client, draft, SimpleUploadedFile("empty.pdf", b"", "application/pdf"))
    assert response.status_code == 400
    assert response.context["upload_form"].errors["upload"]
    assert not SubmissionFile.objects.exists()


def test_oversized_upload_is_stopped_and_fields_are_kept(client, evaluator, draft, settings):
    settings.SUBMISSION_MAX_UPLOAD_MB = 1
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(evaluator)
    big = io.BytesIO(make_pdf() + b"%" + b"x" * (1024 * 1024 + 10))
    big.name = "huge.pdf"
    response = _post(client, draft, big, abstract="Survives the refusal")
    assert response.status_code == 400
    assert response.context["upload_form"].errors["upload"] == [
        "“huge.pdf” is larger than the 1 MB limit."
    ]
    assert not SubmissionFile.objects.exists()
    draft.refresh_from_db()
    assert draft.abstract == "Survives the refusal"


def test_replacing_main_document_keeps_old_one_for_versions(client, evaluator, complete_draft):
    from submissions import services

    services.submission_submit(submission=complete_draft, user=evaluator)
    complete_draft.refresh_from_db()
    first = complete_draft.files.get()
    client.force_login(evaluator)
    response = _post(
        client,
        complete_draft,
        SimpleUploadedFile("report-v2.pdf", make_pdf(pages=3), "application/pdf"),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.detached_at is not None
    current = complete_draft.files.filter(detached_at__isnull=True).get()
    assert current.original_name == "report-v2.pdf"
    assert list(complete_draft.versions.get().files.all()) == [first]
