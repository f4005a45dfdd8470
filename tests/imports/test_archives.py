"""The files archive: refused unread when it could escape or explode; every member goes
through the upload checks."""

import io
import stat
import zipfile

import pytest
from django.core.exceptions import ValidationError

from imports.archives import ImportFiles, folder_to_zip
from submissions.files import MAIN_DOCUMENT_KINDS
from tests.imports.conftest import PDF_A, zip_bytes


def _archive(tmp_path, members):
    path = tmp_path / "files.zip"
    path.write_bytes(zip_bytes(members))
    return str(path)


@pytest.mark.parametrize("name", ["../evil.pdf", "/etc/passwd", "a/../../b.pdf", "C:/x.pdf"])
def test_paths_that_leave_the_archive_are_refused(tmp_path, name):
    with pytest.raises(ValidationError, match="points outside"):
        ImportFiles(_archive(tmp_path, {name: b"x"}))


def test_links_are_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("link.pdf")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    path = tmp_path / "l.zip"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ValidationError, match="is a link"):
        ImportFiles(str(path))


def test_too_many_entries(tmp_path, settings):
    settings.IMPORT_ARCHIVE_MAX_ENTRIES = 2
    with pytest.raises(ValidationError, match="3 entries; at most 2"):
        ImportFiles(_archive(tmp_path, {"a": b"1", "b": b"2", "c": b"3"}))


def test_zip_bomb_refused_by_declared_size(tmp_path, settings):
    settings.IMPORT_ARCHIVE_MAX_UNPACKED_MB = 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.pdf", b"\0" * (2 * 1024 * 1024))
    path = tmp_path / "bomb.zip"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 10_000
    with pytest.raises(ValidationError, match="more than 1 MB"):
        ImportFiles(str(path))


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"%PDF-1.4 not a zip")
    with pytest.raises(ValidationError, match="not a ZIP archive"):
        ImportFiles(str(path))


def test_members_take_the_upload_checks(tmp_path):
    files = ImportFiles(_archive(tmp_path, {"pdf/a.pdf": PDF_A, "b.pdf": b"<html></html>"}))
    with files:
        assert files.find("pdf/a.pdf", "a.pdf") == "pdf/a.pdf"
        assert files.find("nope.pdf") is None
        assert files.validate("pdf/a.pdf", allowed=MAIN_DOCUMENT_KINDS).kind == "pdf"
        with pytest.raises(ValidationError, match="b.pdf"):
            files.validate("b.pdf", allowed=MAIN_DOCUMENT_KINDS)


def test_folder_packing_refuses_links(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(PDF_A)
    (folder / "link.pdf").symlink_to("/etc/passwd")
    with pytest.raises(ValidationError, match="links are not followed"):
        folder_to_zip(folder)
