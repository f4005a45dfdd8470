"""submissions.files: file names, upload validation and PDF metadata removal.

Every file here is real: PDFs are made with pypdf, and the PDF and JSON checks run the
actual child process (submissions.pdfcheck) under its real limits.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import (
    SimpleUploadedFile,
    TemporaryUploadedFile,
    UploadedFile,
)
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from submissions.files import (
    JSON_MAX_BYTES,
    KINDS,
    MAIN_DOCUMENT_KINDS,
    ValidatedFile,
    file_validate,
    pdf_strip_metadata,
    sanitise_filename,
)

XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:creator><rdf:Seq><rdf:li>Xavier Xmp-Author</rdf:li></rdf:Seq></dc:creator>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)
METADATA = {
    "/Author": "Alice Author",
    "/Creator": "Secret Word Processor",
    "/Producer": "Secret PDF Library",
    "/Title": "Internal draft title",
    "/Subject": "Internal subject",
    "/Keywords": "internal, keywords",
}


def make_pdf(
    *,
    pages: int = 1,
    metadata: dict[str, str] | None = None,
    xmp: bytes | None = None,
    password: str | None = None,
    drawing: bytes = b"",
) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=595, height=842)
        if drawing:
            contents = StreamObject()
            contents.set_data(drawing)
            page[NameObject("/Contents")] = writer._add_object(contents)
    if metadata:
        writer.add_metadata(metadata)
    if xmp:
        writer.xmp_metadata = xmp
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def in_memory(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def on_disk(name: str, data: bytes, content_type: str = "application/octet-stream"):
    # What Django's TemporaryFileUploadHandler (the only one configured) produces.
    upload = TemporaryUploadedFile(name, content_type, len(data), None)
    upload.write(data)
    upload.flush()
    upload.seek(0)
    return upload


@pytest.fixture(params=["in_memory", "on_disk"])
def make_upload(request) -> Callable[..., UploadedFile]:
    factory = {"in_memory": in_memory, "on_disk": on_disk}[request.param]
    made: list[UploadedFile] = []

    def make(name: str, data: bytes, content_type: str = "application/octet-stream"):
        upload = factory(name, data, content_type)
        made.append(upload)
        return upload

    yield make
    for upload in made:
        upload.close()


@pytest.fixture(autouse=True)
def _upload_temp_dir(settings, tmp_path):
    # Spooled copies of in-memory uploads go here; tests check that none is left behind.
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def refusal(upload: UploadedFile, allowed: frozenset[str] = KINDS) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        file_validate(upload=upload, allowed=allowed)
    return caught.value


# --- sanitise_filename ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/\x00pa\x1bss\nwd.pdf", "passwd.pdf"),
        ("C:\\Users\\eve\\Documents\\report.pdf", "report.pdf"),
        ("/home/eve/report.pdf", "report.pdf"),
        ("..\\..\\boot.ini", "boot.ini"),
        (".htaccess", "htaccess"),
        ("...hidden.csv", "hidden.csv"),
        ("  my \u00a0  evaluation\u2003 report .pdf", "my evaluation report .pdf"),
        ("report.pdf. . ", "report.pdf"),
        ("Évaluation ÆØÅ 模型 данные.pdf", "Évaluation ÆØÅ 模型 данные.pdf"),
        ("e\u0301valuation.pdf", "\u00e9valuation.pdf"),  # composed (NFC)
        # A right-to-left override would display "report\u202efdp.exe" as "reportexe.pdf".
        ("report\u202efdp.exe", "reportfdp.exe"),
        ('a<b>:"c"|d?*.txt', "a_b___c__d__.txt"),
        ("", "file"),
        ("...", "file"),
        ("/", "file"),
        ("dir/", "file"),
        ("\x00\x01\x1f", "file"),
    ],
)
def test_sanitise_filename(raw, clean):
    assert sanitise_filename(raw) == clean


def test_sanitise_filename_limits_length_keeping_the_extension():
    name = sanitise_filename("x" * 300 + ".pdf")
    assert len(name) == 150
    assert name == "x" * 146 + ".pdf"


def test_sanitise_filename_limits_length_counting_characters_not_bytes():
    name = sanitise_filename("é" * 200 + ".json")
    assert name == "é" * 145 + ".json"


def test_sanitise_filename_limits_length_without_extension():
    assert sanitise_filename("y" * 400) == "y" * 150
    # Something after the last dot too long to be an extension is not kept whole.
    assert sanitise_filename("z" * 100 + "." + "w" * 100) == "z" * 100 + "." + "w" * 49


# --- accepted files ---------------------------------------------------------------------


def test_real_pdf_is_accepted_with_its_hash_and_size(make_upload):
    data = make_pdf(pages=3)
    # Whatever the browser claimed, the type comes from the content.
    result = file_validate(
        upload=make_upload("Evaluation report.pdf", data, "text/html"),
        allowed=MAIN_DOCUMENT_KINDS,
    )
    assert result == ValidatedFile(
        original_name="Evaluation report.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        kind="pdf",
    )


def test_pdf_larger_than_one_chunk_is_hashed_whole(make_upload):
    data = make_pdf(pages=2, drawing=b"0 0 m 595 842 l S\n" * 20_000)
    assert len(data) > 5 * 64 * 1024
    result = file_validate(upload=make_upload("long.PDF", data), allowed=KINDS)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)
    assert result.kind == "pdf"


@pytest.mark.parametrize(
    ("name", "data", "kind", "content_type"),
    [
        ("results.csv", b"model,score\nA,0.5\nB,0.75\n", "csv", "text/csv"),
        ("results.csv", b"\xef\xbb\xbfmod\xc3\xa8le,score\n", "csv", "text/csv"),  # BOM
        ("notes.txt", "Résumé: 模型 — ok\n".encode(), "txt", "text/plain"),
        (
            "scores.json",
            b'{"scores": [1, 2.5, null, true], "n": "\\u00e9"}',
            "json",
            "application/json",
        ),
        ("scores.json", b'\xef\xbb\xbf[{"a": 1}]', "json", "application/json"),
    ],
)
def test_text_files_are_accepted(make_upload, name, data, kind, content_type):
    result = file_validate(upload=make_upload(name, data, "application/pdf"), allowed=KINDS)
    assert (result.kind, result.content_type) == (kind, content_type)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)


def test_utf8_characters_split_across_chunks_are_accepted(make_upload):
    # 3-byte characters never line up with 64 KB chunk boundaries.
    data = ("€" * 100_000 + "\n").encode() * 2
    result = file_validate(upload=make_upload("euros.txt", data), allowed=KINDS)
    assert result.size == len(data) == 600_002


def test_upload_read_in_chunks_not_into_memory(tmp_path):
    data_line = ("évaluation,0.123456789," + "x" * 70 + "\n").encode()
    upload = TemporaryUploadedFile("big.csv", "text/csv", 0, None)
    for _ in range(300_000):  # about 29 MB
        upload.write(data_line)
    upload.flush()
    upload.size = upload.tell()
    tracemalloc.start()
    try:
        result = file_validate(upload=upload, allowed=KINDS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()
    assert result.size == 300_000 * len(data_line)
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes: the file was read into memory"


def test_in_memory_upload_spool_is_removed(_upload_temp_dir):
    file_validate(upload=in_memory("a.pdf", make_pdf()), allowed=KINDS)
    with pytest.raises(ValidationError):
        file_validate(upload=in_memory("b.pdf", make_pdf(password="x")), allowed=KINDS)
    assert list(_upload_temp_dir.iterdir()) == []


# --- refused: extension and emptiness ------------------------------------------------


def test_refuses_extension_not_allowed(make_upload):
    error = refusal(make_upload("x.exe", b"MZ\x90\x00"))
    assert error.messages == ["“x.exe”: only PDF, CSV, JSON and plain-text files are accepted."]
    assert error.code == "extension"


@pytest.mark.parametrize("name", ["archive.zip", "report.docx", "README", "report.pdf.exe"])
def test_refuses_other_extensions_for_the_main_document(make_upload, name):
    error = refusal(make_upload(name, make_pdf()), MAIN_DOCUMENT_KINDS)
    assert error.messages == [f"“{name}”: only PDF files are accepted."]


def test_refuses_a_csv_where_only_pdf_is_allowed(make_upload):
    error = refusal(make_upload("data.csv", b"a,b\n"), MAIN_DOCUMENT_KINDS)
    assert error.messages == ["“data.csv”: only PDF files are accepted."]


def test_refuses_empty_file(make_upload):
    error = refusal(make_upload("report.pdf", b""))
    assert error.messages == ["“report.pdf” is empty."]
    assert error.code == "empty"


def test_refusal_names_the_sanitised_file(make_upload):
    error = refusal(make_upload("../../etc/\x00pa\x1bss\nwd.pdf", b""))
    assert error.messages == ["“passwd.pdf” is empty."]


def test_allowed_must_be_known_kinds():
    with pytest.raises(ValueError, match="subset"):
        file_validate(upload=in_memory("a.pdf", make_pdf()), allowed=frozenset({"zip"}))
    with pytest.raises(ValueError, match="subset"):
        file_validate(upload=in_memory("a.pdf", make_pdf()), allowed=frozenset())


# --- refused: content that does not match the extension ------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
SIGNATURES = [
    (PNG, "a PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), "a JPEG image"),
    (b"GIF89a" + bytes(64), "a GIF image"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(64), "a WebP image"),
    (b"PK\x03\x04\x14\x00\x00\x00" + bytes(64), "a ZIP archive or an Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "an older Microsoft Office document"),
    (b"\x1f\x8b\x08\x00" + bytes(64), "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c" + bytes(64), "a compressed archive"),
    (b"\x7fELF\x02\x01\x01" + bytes(64), "a Linux program"),
    (
        b"MZ" + bytes(58) + (64).to_bytes(4, "little") + b"PE\x00\x00" + bytes(64),
        "a Windows program",
    ),
    (b"\xcf\xfa\xed\xfe" + bytes(64), "a macOS program"),
    (b"<!DOCTYPE html><html><body>hi</body></html>", "an HTML web page"),
    (b"\xef\xbb\xbf\n  <!-- saved -->\n<HTML lang='en'>", "an HTML web page"),
    (b"<script>alert(1)</script>", "an HTML web page"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG image"),
]


def test_refuses_png_renamed_pdf(make_upload):
    error = refusal(make_upload("report.pdf", PNG, "application/pdf"))
    assert error.messages == ["“report.pdf” is not a PDF: its content looks like a PNG image."]
    assert error.code == "mismatch"


@pytest.mark.parametrize(("data", "description"), SIGNATURES)
def test_refuses_other_formats_renamed_pdf(make_upload, data, description):
    error = refusal(make_upload("report.pdf", data))
    assert error.messages == [f"“report.pdf” is not a PDF: its content looks like {description}."]


@pytest.mark.parametrize(("data", "description"), SIGNATURES)
@pytest.mark.parametrize("name", ["data.csv", "notes.txt", "data.json"])
def test_refuses_other_formats_renamed_text(make_upload, name, data, description):
    extension = "." + name.rsplit(".", 1)[1]
    error = refusal(make_upload(name, data))
    assert error.messages == [
        f"“{name}” does not match its extension ({extension}): "
        f"its content looks like {description}."
    ]


def test_refuses_pdf_renamed_csv(make_upload):
    error = refusal(make_upload("data.csv", make_pdf()))
    assert error.messages == [
        "“data.csv” does not match its extension (.csv): its content looks like a PDF document."
    ]


def test_refuses_unrecognised_content_as_pdf(make_upload):
    error = refusal(make_upload("report.pdf", b"Dear reviewers,\nplease find attached\n"))
    assert error.messages == ["“report.pdf” is not a PDF: its content is not in PDF format."]


def test_text_starting_with_mz_is_not_taken_for_a_program(make_upload):
    data = b"MZ scores for the model, by task: " + b"x" * 100 + b"\n"
    assert file_validate(upload=make_upload("mz.txt", data), allowed=KINDS).kind == "txt"


# --- refused: PDFs that do not open -------------------------------------------------------


def test_refuses_encrypted_pdf(make_upload):
    error = refusal(make_upload("report.pdf", make_pdf(password="secret")))
    assert error.messages == [
        "“report.pdf” is encrypted (password-protected). Upload an unencrypted copy."
    ]
    assert error.code == "encrypted"


def test_refuses_pdf_encrypted_with_an_empty_user_password(make_upload):
    # Opens without a password, but its permissions block copying and it cannot have its
    # metadata removed: refused all the same.
    error = refusal(make_upload("report.pdf", make_pdf(password="")))
    assert error.code == "encrypted"


@pytest.mark.parametrize("keep", [0.25, 0.5, 0.9, 0.99])
def test_refuses_truncated_pdf(make_upload, keep):
    data = make_pdf(pages=40)
    error = refusal(make_upload("report.pdf", data[: int(len(data) * keep)]))
    assert error.messages == [
        "“report.pdf” could not be read as a PDF: the file appears truncated or damaged."
    ]
    assert error.code == "damaged"


def cut_object(data: bytes, number: int) -> bytes:
    start = data.index(b"\n%d 0 obj" % number) + 1
    end = data.index(b"endobj", start) + len(b"endobj")
    return data[:start] + data[end:]


@pytest.mark.parametrize("lost", ["page", "contents"])
def test_refuses_damaged_pdf(make_upload, lost):
    # The end is intact (pypdf rebuilds the cross-reference table), but an object in the
    # middle is gone: objects 4 and 6 are the pages, 5 and 7 their contents.
    data = make_pdf(pages=2, drawing=b"0 0 m 595 842 l S\n" * 50)
    assert b"/Kids [ 4 0 R 6 0 R ]" in data and b"/Contents 5 0 R" in data
    damaged = cut_object(data, 4 if lost == "page" else 5)
    error = refusal(make_upload("report.pdf", damaged))
    assert error.messages == [
        "“report.pdf” could not be read as a PDF: the file appears truncated or damaged."
    ]


def test_refuses_pdf_header_with_nothing_behind_it(make_upload):
    error = refusal(make_upload("report.pdf", b"%PDF-1.7\nnot really\n%%EOF\n"))
    assert error.code == "damaged"


def test_refuses_pdf_without_pages(make_upload):
    error = refusal(make_upload("report.pdf", make_pdf(pages=0)))
    assert error.messages == ["“report.pdf” has no pages."]
    assert error.code == "no_pages"


def test_refuses_pdf_whose_check_takes_too_long(make_upload, settings):
    # No PDF opens in a millisecond, not even the child process's interpreter.
    settings.PDF_CHECK_TIMEOUT_SECONDS = 0.001
    error = refusal(make_upload("report.pdf", make_pdf()))
    assert error.messages == [
        "“report.pdf” could not be checked: it is too large or complex to open within the "
        "portal's limits. It may be damaged."
    ]
    assert error.code == "too_complex"


# --- refused: text files ----------------------------------------------------------------


def test_refuses_csv_with_invalid_utf8(make_upload):
    data = b"model,score\nA,0.5\nB\xe9,0.7\n"  # Latin-1 "é"
    error = refusal(make_upload("data.csv", data))
    assert error.messages == [
        "“data.csv” is not UTF-8 text: line 3 has bytes that are not valid UTF-8. "
        "Save the file as UTF-8 and upload it again."
    ]
    assert error.code == "not_utf8"


def test_invalid_utf8_far_into_the_file_gets_the_right_line(make_upload):
    data = "ligne é\n".encode() * 50_000 + b"bad \xff byte\n" + b"more\n" * 10
    error = refusal(make_upload("notes.txt", data))
    assert "line 50001 has bytes" in error.messages[0]


def test_refuses_utf8_cut_short_at_the_end(make_upload):
    data = "fin €".encode()[:-1]
    error = refusal(make_upload("notes.txt", data))
    assert error.code == "not_utf8"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_refuses_utf16_text_saying_it_is_not_utf8(make_upload, encoding):
    data = "\ufeffmodel,score\n".encode(encoding)  # with its byte order mark, as Excel writes
    error = refusal(make_upload("data.csv", data))
    assert error.messages == [
        "“data.csv” is not UTF-8 text: line 1 has bytes that are not valid UTF-8. "
        "Save the file as UTF-8 and upload it again."
    ]


def test_refuses_text_with_nul_bytes(make_upload):
    error = refusal(make_upload("data.csv", b"a,b\n1,\x002\n"))
    assert error.messages == [
        "“data.csv” does not match its extension (.csv): it contains binary data, not text."
    ]
    assert error.code == "binary"


def test_refuses_json_that_does_not_parse(make_upload):
    error = refusal(make_upload("data.json", b'{\n  "scores": [1, 2 3]\n}\n'))
    assert error.messages == [
        "“data.json” is not valid JSON: there is an error on line 2, column 19."
    ]
    assert error.code == "invalid_json"


def test_refuses_empty_looking_json(make_upload):
    error = refusal(make_upload("data.json", b"  \n"))
    assert error.code == "invalid_json"


def test_refuses_json_over_the_size_limit():
    upload = TemporaryUploadedFile("big.json", "application/json", 0, None)
    upload.write(b"[" + b"0," * (JSON_MAX_BYTES // 2) + b"0]")
    upload.flush()
    upload.size = upload.tell()
    try:
        error = refusal(upload)
    finally:
        upload.close()
    assert error.messages == [
        "“big.json” is too large to check as JSON: JSON files may be at most 20 MB. "
        "Split the data into smaller files."
    ]
    assert error.code == "json_too_large"


def nested_lists(count: int) -> bytes:
    return b"[" + b",".join([b"[]"] * count) + b"]"


def test_json_that_needs_too_much_memory_is_refused(make_upload, settings):
    # 6 MB of empty arrays takes about 175 MB to parse: over a 100 MB limit, the child
    # process runs out of memory, not the web worker.
    settings.PDF_CHECK_MEMORY_MB = 100
    error = refusal(make_upload("deep.json", nested_lists(2 * 1024 * 1024)))
    assert error.code == "too_complex"


def test_same_json_is_accepted_under_the_default_memory_limit(make_upload):
    result = file_validate(
        upload=make_upload("deep.json", nested_lists(2 * 1024 * 1024)), allowed=KINDS
    )
    assert result.kind == "json"


def test_refuses_json_nested_too_deeply(make_upload):
    error = refusal(make_upload("deep.json", b"[" * 200_000 + b"]" * 200_000))
    assert error.code == "too_complex"


# --- the child process -----------------------------------------------------------------


def test_pdfcheck_reports_json(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "r.pdf"
    path.write_bytes(make_pdf(pages=2))
    completed = subprocess.run(
        [sys.executable, "-m", "submissions.pdfcheck", str(path)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        check=True,
        timeout=60,
    )
    result = json.loads(completed.stdout)
    assert result["ok"] is True
    assert (result["pages"], result["encrypted"], result["error"]) == (2, False, None)


# --- pdf_strip_metadata -------------------------------------------------------------------


def test_strip_metadata_removes_document_information_and_xmp(settings):
    data = make_pdf(pages=2, metadata=METADATA, xmp=XMP)
    before = PdfReader(io.BytesIO(data))
    assert before.metadata.author == "Alice Author"
    assert before.xmp_metadata is not None
    assert b"Xavier Xmp-Author" in data

    stripped = pdf_strip_metadata(source=io.BytesIO(data))
    try:
        assert stripped.tell() == 0
        output = stripped.read()
        assert Path(stripped.name).parent == Path(settings.FILE_UPLOAD_TEMP_DIR)
    finally:
        stripped.close()
    assert not Path(stripped.name).exists()

    after = PdfReader(io.BytesIO(output))
    assert len(after.pages) == 2
    info = after.metadata or {}
    for key in ("/Author", "/Creator", "/Producer", "/Title", "/Subject", "/Keywords"):
        assert key not in info
    assert after.xmp_metadata is None
    # Not just unlinked: gone from the file's bytes.
    for secret in (
        b"Alice Author",
        b"Secret Word Processor",
        b"Secret PDF Library",
        b"Internal draft title",
        b"Xavier Xmp-Author",
        b"xmpmeta",
    ):
        assert secret not in output
    # And still a PDF the portal accepts.
    result = file_validate(upload=in_memory("clean.pdf", output), allowed=MAIN_DOCUMENT_KINDS)
    assert result.size == len(output)


def test_strip_metadata_removes_page_level_xmp():
    writer = PdfWriter()
    page = writer.add_blank_page(width=100, height=100)
    stream = StreamObject()
    stream.set_data(XMP)
    page[NameObject("/Metadata")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert b"Xavier Xmp-Author" in buffer.getvalue()

    with pdf_strip_metadata(source=io.BytesIO(buffer.getvalue())) as stripped:
        output = stripped.read()
    assert b"Xavier Xmp-Author" not in output
    assert "/Metadata" not in PdfReader(io.BytesIO(output)).pages[0]


def test_strip_metadata_reads_from_a_file_on_disk(tmp_path):
    path = tmp_path / "in.pdf"
    path.write_bytes(make_pdf(metadata=METADATA))
    with path.open("rb") as source, pdf_strip_metadata(source=source) as stripped:
        output = stripped.read()
    assert b"Alice Author" not in output
    assert len(PdfReader(io.BytesIO(output)).pages) == 1


def test_strip_metadata_refuses_encrypted_pdf():
    with pytest.raises(ValueError, match="unencrypted"):
        pdf_strip_metadata(source=io.BytesIO(make_pdf(password="secret")))
