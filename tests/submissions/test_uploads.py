"""submissions.uploads.MaxSizeUploadHandler, through Django's test client and over a
real socket to a live server, with the handlers configured in settings.

The view below is this module's URLconf (pytest mark `urls`): it reports what Django made
of the request, so the tests see exactly what a real view would.
"""

from __future__ import annotations

import http.client
import json
import secrets
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

MB = 1024 * 1024


@csrf_exempt
def upload_view(request: HttpRequest) -> JsonResponse:
    files = {
        field: {
            "name": upload.name,
            "size": upload.size,
            "class": type(upload).__name__,
            "on_disk": hasattr(upload, "temporary_file_path"),
        }
        for field, upload in request.FILES.items()
    }
    return JsonResponse(
        {
            "post": {key: request.POST.getlist(key) for key in request.POST},
            "files": files,
            "too_large": getattr(request, "upload_too_large", None),
        }
    )


urlpatterns = [path("upload/", upload_view)]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def limit_1mb(settings):
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 1 * MB
    return 1 * MB


def post(client, data: dict) -> dict:
    response = client.post("/upload/", data)
    assert response.status_code == 200, response.content[:500]
    return response.json()


# --- settings -------------------------------------------------------------------------------


def test_settings_stream_every_upload_to_disk_behind_the_size_check():
    assert django_settings.FILE_UPLOAD_HANDLERS == [
        "submissions.uploads.MaxSizeUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    assert django_settings.SUBMISSION_MAX_UPLOAD_BYTES == (
        django_settings.SUBMISSION_MAX_UPLOAD_MB * MB
    )
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * MB
    temp_dir = Path(django_settings.FILE_UPLOAD_TEMP_DIR)
    assert temp_dir == django_settings.VAR_DIR / "uploads"
    assert temp_dir.is_dir()


# --- Django's test client -------------------------------------------------------------------


def test_small_upload_goes_to_disk(limit_1mb):
    result = post(
        Client(),
        {"note": "hello", "document": SimpleUploadedFile("report.pdf", b"%PDF-1.7 tiny")},
    )
    assert result["too_large"] is None
    assert result["post"] == {"note": ["hello"]}
    assert result["files"] == {
        "document": {
            "name": "report.pdf",
            "size": 13,
            "class": "TemporaryUploadedFile",
            "on_disk": True,
        }
    }


def test_upload_exactly_at_the_limit_is_accepted(limit_1mb):
    data = secrets.token_bytes(limit_1mb)
    result = post(Client(), {"document": SimpleUploadedFile("exact.pdf", data)})
    assert result["too_large"] is None
    assert result["files"]["document"]["size"] == limit_1mb


def test_upload_one_byte_over_the_limit_is_stopped(limit_1mb):
    data = secrets.token_bytes(limit_1mb + 1)
    result = post(
        Client(),
        {"note": "before", "document": SimpleUploadedFile("big.pdf", data), "after": "x"},
    )
    assert result["too_large"] == {"field": "document", "name": "big.pdf", "limit_mb": 1}
    assert result["files"] == {}
    # Fields before the file (the CSRF token in a real form) are kept; later ones are not
    # read, since the upload stops there.
    assert result["post"] == {"note": ["before"]}


def test_declared_body_far_over_the_limit_is_refused_at_the_first_file(limit_1mb):
    # Each file is under the limit; together they are over limit + form overhead, which
    # the declared Content-Length shows before any of them is read.
    third = limit_1mb * 9 // 10
    result = post(
        Client(),
        {
            "csrfmiddlewaretoken": "t",
            "first": SimpleUploadedFile("a.csv", b"a" * third),
            "second": SimpleUploadedFile("b.csv", b"b" * third),
            "third": SimpleUploadedFile("c.csv", b"c" * third),
        },
    )
    assert result["too_large"] == {"field": "first", "name": "a.csv", "limit_mb": 1}
    assert result["files"] == {}
    assert result["post"] == {"csrfmiddlewaretoken": ["t"]}


def test_each_file_is_counted_separately(limit_1mb):
    result = post(
        Client(),
        {
            "first": SimpleUploadedFile("a.csv", b"a" * (MB // 2)),
            "second": SimpleUploadedFile("b.csv", b"b" * (MB - 10)),
        },
    )
    assert result["too_large"] is None
    assert set(result["files"]) == {"first", "second"}


def test_too_large_name_is_sanitised(limit_1mb):
    data = b"x" * (limit_1mb + 1)
    result = post(Client(), {"document": SimpleUploadedFile("..\\.evil\u202e.pdf", data)})
    assert result["too_large"]["name"] == "evil.pdf"


def test_default_limit_is_50_mb():
    assert django_settings.SUBMISSION_MAX_UPLOAD_MB == 50


# --- a real multipart POST over a socket ----------------------------------------------------

BOUNDARY = "----portal-test-boundary-7MA4YWxkTrZu0gW"


def multipart(
    fields: list[tuple[str, str]], file_field: str, file_name: str, file_size: int
) -> tuple[int, Iterator[bytes]]:
    """The length and the chunks of a multipart body, made as it is sent (never whole)."""
    head = b"".join(
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
        for name, value in fields
    )
    head += (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    block = b"0123456789abcdef" * 4096  # 64 KiB

    def chunks() -> Iterator[bytes]:
        yield head
        left = file_size
        while left:
            piece = block[: min(left, len(block))]
            left -= len(piece)
            yield piece
        yield tail

    return len(head) + file_size + len(tail), chunks()


def raw_post(live_server, *, fields, file_name: str, file_size: int) -> dict:
    host, port = live_server.thread.host, live_server.thread.port
    length, body = multipart(fields, "document", file_name, file_size)
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.putrequest("POST", "/upload/")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        for chunk in body:
            connection.send(chunk)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    assert response.status == 200, content[:500]
    return json.loads(content)


def test_raw_multipart_upload_is_received(live_server, limit_1mb):
    result = raw_post(
        live_server, fields=[("note", "hello")], file_name="report.pdf", file_size=300_000
    )
    assert result["too_large"] is None
    assert result["post"] == {"note": ["hello"]}
    assert result["files"]["document"] == {
        "name": "report.pdf",
        "size": 300_000,
        "class": "TemporaryUploadedFile",
        "on_disk": True,
    }


def test_raw_multipart_upload_over_the_limit_is_stopped(live_server, limit_1mb):
    # Within limit + overhead as declared, so it is the per-file count that stops it.
    result = raw_post(
        live_server, fields=[("note", "hello")], file_name="big.pdf", file_size=limit_1mb + 1
    )
    assert result["too_large"] == {"field": "document", "name": "big.pdf", "limit_mb": 1}
    assert result["files"] == {}
    assert result["post"] == {"note": ["hello"]}


def test_raw_multipart_upload_declared_far_too_large_is_answered(live_server, limit_1mb):
    # A small file behind 2.5 MB of other fields: only the declared length is over
    # (limit + overhead). The browser still gets the page, not a connection reset, and
    # the fields before the file.
    result = raw_post(
        live_server,
        fields=[("csrfmiddlewaretoken", "t"), ("notes", "n" * (5 * limit_1mb // 2))],
        file_name="small.pdf",
        file_size=100,
    )
    assert result["too_large"] == {"field": "document", "name": "small.pdf", "limit_mb": 1}
    assert result["files"] == {}
    assert result["post"]["csrfmiddlewaretoken"] == ["t"]


@pytest.mark.slow
def test_large_upload_streams_with_flat_memory(live_server):
    # 40 MB through the real handlers: the server never holds more than a few chunks.
    size = 40 * MB
    peak: list[int] = []
    tracemalloc.start()
    try:
        result = raw_post(live_server, fields=[], file_name="large.pdf", file_size=size)
        peak.append(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()
    assert result["too_large"] is None
    assert result["files"]["document"]["size"] == size
    assert peak[0] < 4 * MB, f"peak {peak[0]} bytes while uploading {size}"
