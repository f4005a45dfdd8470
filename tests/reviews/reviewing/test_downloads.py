"""Reviewer downloads: the latest submitted version's files only, PDFs without document
metadata in an anonymous workshop, served as attachments that are never cached."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import SubmissionFileFactory, make_pdf
from tests.helpers import close_response

from .conftest import add_submitted_version

pytestmark = pytest.mark.django_db


def _download(client, assignment, file):
    client.force_login(assignment.reviewer)
    response = client.get(reverse("reviews:review_file", args=[assignment.code, file.code]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    close_response(response)
    return response, body


def _current_file(assignment):
    return assignment.submission.versions.order_by("-number").first().files.get()


def test_anonymous_workshop_strips_pdf_metadata(client, assignment):
    file = _current_file(assignment)
    with file.file.open("rb") as stream:
        original = PdfReader(stream).metadata
    assert (original["/Author"], original["/Title"]) == (
        "Ada Author",
        "Uplift study, Centre for Frontier Model Evaluation",
    )

    response, body = _download(client, assignment, file)

    assert response.status_code == 200
    metadata = PdfReader(io.BytesIO(body)).metadata or {}
    assert "/Author" not in metadata
    assert "/Title" not in metadata
    assert b"Ada Author" not in body
    assert b"Centre for Frontier Model Evaluation" not in body


def test_download_headers(client, assignment):
    response, _body = _download(client, assignment, _current_file(assignment))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="main-document.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_open_workshop_serves_the_file_as_uploaded(client, assignment):
    assignment.workshop.anonymous_review = False
    assignment.workshop.save()
    file = _current_file(assignment)

    response, body = _download(client, assignment, file)

    with file.file.open("rb") as stream:
        assert body == stream.read()
    assert response["Content-Disposition"] == 'attachment; filename="CFME-uplift-report.pdf"'


def test_supplementary_file_gets_a_neutral_name_in_an_anonymous_workshop(client, assignment):
    submission = assignment.submission
    supplement = SubmissionFileFactory(
        submission=submission,
        kind="supplementary",
        content=b"task,score\n1,0.5\n",
        original_name="cfme-results.csv",
        content_type="text/csv",
    )
    add_submitted_version(submission)

    response, body = _download(client, assignment, supplement)

    assert body == b"task,score\n1,0.5\n"
    assert response["Content-Disposition"] == (
        f'attachment; filename="supplement-{supplement.code}.csv"'
    )


def test_files_of_older_versions_are_not_served(client, assignment):
    submission = assignment.submission
    old = _current_file(assignment)
    old.detached_at = old.uploaded_at
    old.save()
    SubmissionFileFactory(submission=submission, content=make_pdf(pages=2))
    add_submitted_version(submission)

    response, _body = _download(client, assignment, old)

    assert response.status_code == 404


def test_working_copy_files_not_yet_submitted_are_not_served(client, assignment):
    unsubmitted = SubmissionFileFactory(submission=assignment.submission, kind="supplementary")

    response, _body = _download(client, assignment, unsubmitted)

    assert response.status_code == 404


def test_another_submissions_file_code_is_404(client, assignment, second_review):
    from tests.factories import AssignmentFactory

    elsewhere = AssignmentFactory(reviewer=assignment.reviewer, workshop=assignment.workshop)
    file = elsewhere.submission.files.get()
    add_submitted_version(elsewhere.submission)

    response, _body = _download(client, assignment, file)

    assert response.status_code == 404
