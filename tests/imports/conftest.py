import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CriteriaSetFactory, OrganisationFactory, WorkshopFactory
from tests.factories.submissions import make_pdf

FIXTURES = Path(__file__).parent / "fixtures"

PDF_A = make_pdf(pages=2, title="A")
PDF_B = make_pdf(pages=1)


def notes_bytes(name: str = "notes.json") -> bytes:
    return (FIXTURES / name).read_bytes()


def notes_upload(content: bytes | None = None, name: str = "notes.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, notes_bytes() if content is None else content)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def pdfs_upload(members: dict[str, bytes] | None = None) -> SimpleUploadedFile:
    members = members or {
        "pdf/aaaa1111.pdf": PDF_A,
        "bbbb2222.pdf": PDF_B,
        "pdf/dddd4444.pdf": b"this is not a PDF at all\n",
    }
    return SimpleUploadedFile("files.zip", zip_bytes(members))


def notes_json(notes) -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.json", json.dumps(notes).encode())


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="GPAI systemic risk 2026")


@pytest.fixture
def criteria_set(workshop):
    return CriteriaSetFactory(workshop=workshop)


@pytest.fixture
def target_organisation(db):
    return OrganisationFactory(name="Imported Evaluators Ltd")
