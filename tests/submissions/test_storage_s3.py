"""Uploaded files in S3: the settings made from S3_* variables, against a real S3 API.

moto runs as a server in a child process on a free localhost port, so boto3 and
django-storages talk HTTP to it exactly as they would to a real object store; nothing is
patched in this process. The storage configuration used is the one portal/settings.py
produces from the environment, loaded in a fresh interpreter.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.core.files import File
from django.core.files.storage import storages
from pypdf import PdfWriter

from submissions.models import Submission, SubmissionFile
from tests.factories import WorkshopFactory

BASE_DIR = Path(__file__).resolve().parents[2]
BUCKET = "portal-test-uploads"
REGION = "eu-central-1"
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - fixed command line
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"moto server exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def s3_client(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def storages_from_environment(**variables: str) -> dict:
    """settings.STORAGES as portal/settings.py builds it from these variables."""
    env = {
        name: os.environ[name]
        for name in ("PATH", "HOME", "LANG", "TMPDIR", "PORTAL_VAR_DIR")
        if name in os.environ
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", DJANGO_DEBUG="true", **variables)
    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES))"
    )
    completed = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def s3_storages(s3_endpoint) -> dict:
    return storages_from_environment(
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=s3_endpoint,
        S3_REGION=REGION,
        S3_ACCESS_KEY_ID=ACCESS_KEY,
        S3_SECRET_ACCESS_KEY=SECRET_KEY,
    )


@pytest.fixture
def s3_settings(settings, s3_storages):
    settings.STORAGES = {**settings.STORAGES, "default": s3_storages["default"]}
    return settings


def test_without_a_bucket_files_go_to_media_root():
    default = storages_from_environment()["default"]
    assert default == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_settings_make_a_private_s3_storage(s3_storages, s3_endpoint):
    default = s3_storages["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == {
        "bucket_name": BUCKET,
        "endpoint_url": s3_endpoint,
        "region_name": REGION,
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def submission(organisation, evaluator):
    return Submission.objects.create(
        workshop=WorkshopFactory(),
        organisation=organisation,
        contact=evaluator,
        title="Cyber-offence uplift evaluation",
    )


def anonymous_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - localhost
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_submission_file_is_stored_privately_in_s3(
    s3_settings, s3_endpoint, s3_client, submission, evaluator, tmp_path
):
    data = pdf_bytes() + os.urandom(200_000)  # binary, more than one chunk
    source = tmp_path / "report.pdf"
    source.write_bytes(data)

    record = SubmissionFile(
        submission=submission,
        kind=SubmissionFile.Kind.MAIN,
        original_name="report.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=evaluator,
    )
    with source.open("rb") as handle:
        record.file.save("report.pdf", File(handle), save=True)
    key = record.file.name
    assert key.startswith(f"submissions/{submission.code}/") and key.endswith(".bin")
    assert type(record.file.storage._wrapped).__name__ == "S3Storage"

    # In the bucket, byte for byte, and nothing on the local disk.
    stored = s3_client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored == data
    assert not (Path(s3_settings.MEDIA_ROOT) / key).exists()

    # Read back through the model, as a download view would.
    again = SubmissionFile.objects.get(pk=record.pk)
    with again.file.open("rb") as handle:
        assert handle.read() == data
    assert hashlib.sha256(stored).hexdigest() == again.sha256

    # Private: only the owner has a grant, and an anonymous request is refused.
    grants = s3_client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all("URI" not in grant["Grantee"] for grant in grants)
    status, _ = anonymous_get(f"{s3_endpoint}/{BUCKET}/{key}")
    assert status == 403

    # A URL handed out is signed and expires; it works without other credentials.
    url = again.file.url
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    status, body = anonymous_get(url)
    assert (status, body) == (200, data)


def test_anonymous_refusal_is_the_acl_not_the_server(s3_endpoint, s3_client):
    # The control for the 403 above: the same server serves a public-read object to an
    # anonymous client, so the refusal comes from the private ACL.
    s3_client.put_object(Bucket=BUCKET, Key="public/control.txt", Body=b"x", ACL="public-read")
    assert anonymous_get(f"{s3_endpoint}/{BUCKET}/public/control.txt") == (200, b"x")
    s3_client.put_object(Bucket=BUCKET, Key="private/control.txt", Body=b"x")
    assert anonymous_get(f"{s3_endpoint}/{BUCKET}/private/control.txt")[0] == 403


def test_s3_storage_never_overwrites(s3_settings, s3_client):
    storage = storages.create_storage(s3_settings.STORAGES["default"])
    first = storage.save("submissions/same/name.bin", io.BytesIO(b"first"))
    second = storage.save("submissions/same/name.bin", io.BytesIO(b"second"))
    assert first == "submissions/same/name.bin"
    assert second != first
    with storage.open(first, "rb") as handle:
        assert handle.read() == b"first"
    with storage.open(second, "rb") as handle:
        assert handle.read() == b"second"
