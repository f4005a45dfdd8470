"""Checks on uploaded files before they are stored, and PDF metadata removal.

Everything here treats the upload as hostile: its name, its declared content type and its
content. The name is cleaned for display and downloads (storage uses random names anyway,
see submissions.models.files); the content type is decided from what the bytes are, never
taken from the client; the content is read once, in chunks, so a 50 MB upload never sits
in a web worker's memory; and the parsers that a crafted file could exhaust (pypdf, json)
run in a child process with operating-system limits (submissions.pdfcheck).

Refusals are ValidationErrors that name the file and say why in plain language, so that a
view can show them next to the upload field as they are. Each has a `code` for callers
that need to branch.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from typing import IO, Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

# ZIP (and so .docx, .xlsx, .odt) is deliberately not accepted: an archive can hide any
# of the refused types inside, decompress to thousands of times its size, and carry path
# tricks in its member names. Making it safe means unpacking and checking every member
# under limits, which is not cheap; evaluators can upload the members themselves.
KINDS: frozenset[str] = frozenset({"pdf", "csv", "json", "txt"})
MAIN_DOCUMENT_KINDS: frozenset[str] = frozenset({"pdf"})
SUPPLEMENTARY_KINDS: frozenset[str] = KINDS

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "csv": "text/csv",
    "json": "application/json",
    "txt": "text/plain",
}
_KIND_OF_EXTENSION = {".pdf": "pdf", ".csv": "csv", ".json": "json", ".txt": "txt"}
_TEXT_KINDS = frozenset({"csv", "json", "txt"})

# json.loads builds the whole document in memory (over 20 times the file's size for some
# shapes), even in the child process: this bounds what the child is asked to do.
JSON_MAX_BYTES = 20 * 1024 * 1024

# What Django's upload handlers use; large enough to read a file quickly, small enough
# that memory stays flat whatever the file's size.
_CHUNK_SIZE = 64 * 1024
# Enough for every signature below, including an HTML page after a long preamble of
# whitespace and comments.
_HEAD_SIZE = 8 * 1024
_UTF8_BOM = codecs.BOM_UTF8

FILENAME_MAX_LENGTH = 150
_EXTENSION_MAX_LENGTH = 16
# Characters Windows refuses in file names: a download named with them would be renamed
# by the browser, or refused.
_WINDOWS_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))


@dataclass(frozen=True)
class ValidatedFile:
    """What file_validate found out about an accepted upload."""

    original_name: str  # sanitised: safe to show and to offer as a download name
    content_type: str  # from the detected kind, never from the client
    size: int
    sha256: str  # hex digest
    kind: str  # one of KINDS


# --- file names ------------------------------------------------------------------------


def sanitise_filename(name: str) -> str:
    """A file name safe to display and to offer as a download name; never empty."""
    # NFC first, so that "é" typed as e + combining accent counts as one character.
    name = unicodedata.normalize("NFC", name)
    # All of category C: controls (NUL, ESC, newlines), format characters (the bidi
    # overrides that make "exe.pdf" display as "fdp.exe"), surrogates, unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    # A browser may send the whole client path, with either kind of separator.
    name = re.split(r"[/\\]", name)[-1]
    name = name.translate(_WINDOWS_RESERVED)
    name = " ".join(name.split())
    # A leading dot hides the file on Unix; trailing dots and spaces are dropped by
    # Windows, which would change the extension the user sees.
    name = name.lstrip(". ").rstrip(". ")
    if len(name) > FILENAME_MAX_LENGTH:
        name = _shorten(name)
    return name or "file"


def _shorten(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) <= _EXTENSION_MAX_LENGTH:
        keep = FILENAME_MAX_LENGTH - len(extension) - 1
        return f"{stem[:keep].rstrip('. ')}.{extension}"
    return name[:FILENAME_MAX_LENGTH].rstrip(". ")


# --- content signatures -----------------------------------------------------------------

_DESCRIPTIONS = {
    "pdf": gettext_lazy("a PDF document"),
    "png": gettext_lazy("a PNG image"),
    "jpeg": gettext_lazy("a JPEG image"),
    "gif": gettext_lazy("a GIF image"),
    "webp": gettext_lazy("a WebP image"),
    "tiff": gettext_lazy("a TIFF image"),
    "zip": gettext_lazy("a ZIP archive or an Office document"),
    "ole": gettext_lazy("an older Microsoft Office document"),
    "gzip": gettext_lazy("a gzip archive"),
    "archive": gettext_lazy("a compressed archive"),
    "elf": gettext_lazy("a Linux program"),
    "pe": gettext_lazy("a Windows program"),
    "macho": gettext_lazy("a macOS program"),
    "html": gettext_lazy("an HTML web page"),
    "svg": gettext_lazy("an SVG image"),
}

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"PK\x07\x08", "zip"),  # a spanned archive
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!\x1a\x07", "archive"),
    (b"\xfd7zXZ\x00", "archive"),
    (b"BZh", "archive"),
    (b"\x28\xb5\x2f\xfd", "archive"),  # zstandard
    (b"\x7fELF", "elf"),
    (b"\xfe\xed\xfa\xce", "macho"),
    (b"\xfe\xed\xfa\xcf", "macho"),
    (b"\xce\xfa\xed\xfe", "macho"),
    (b"\xcf\xfa\xed\xfe", "macho"),
    (b"\xca\xfe\xba\xbe", "macho"),  # universal binary (also a Java class file)
)

# Markup a browser would render (and run scripts in) if the file were ever served as
# HTML. Checked after leading whitespace, a BOM and comments, where browsers still sniff.
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|frameset|meta|title|style|svg)[\s>/]",
    re.IGNORECASE,
)
_MARKUP_PREAMBLE = re.compile(rb"(?:\s|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)


def _detect(head: bytes) -> str | None:
    """What the first bytes say the file is, or None for anything not recognised."""
    for prefix, detected in _PREFIXES:
        if head.startswith(prefix):
            return detected
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"MZ" and len(head) >= 64:
        # "MZ" alone also starts ordinary text; a Windows program has a PE header at the
        # offset stored at 0x3C.
        offset = int.from_bytes(head[60:64], "little")
        if head[offset : offset + 4] == b"PE\x00\x00":
            return "pe"
    text = head.removeprefix(_UTF8_BOM)
    start = _MARKUP_PREAMBLE.match(text)
    match = _MARKUP.match(text, start.end() if start else 0)
    if match:
        return "svg" if match.group(0)[1:4].lower() == b"svg" else "html"
    return None


# --- validation ---------------------------------------------------------------------------


def _kinds_list(allowed: frozenset[str]) -> str:
    labels = {"pdf": "PDF", "csv": "CSV", "json": "JSON", "txt": _("plain-text")}
    names = [labels[kind] for kind in ("pdf", "csv", "json", "txt") if kind in allowed]
    return str(get_text_list(names, _("and")))


def _refuse(message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def _check_signature(*, name: str, kind: str, extension: str, head: bytes) -> None:
    detected = _detect(bytes(head))
    if kind == "pdf":
        if detected == "pdf":
            return
        if detected is None:
            raise _refuse(
                _("“%(name)s” is not a PDF: its content is not in PDF format."),
                "mismatch",
                name=name,
            )
        raise _refuse(
            _("“%(name)s” is not a PDF: its content looks like %(content)s."),
            "mismatch",
            name=name,
            content=str(_DESCRIPTIONS[detected]),
        )
    if detected is not None:
        raise _refuse(
            _(
                "“%(name)s” does not match its extension (%(extension)s): "
                "its content looks like %(content)s."
            ),
            "mismatch",
            name=name,
            extension=extension,
            content=str(_DESCRIPTIONS[detected]),
        )


class _TextCheck:
    """Checks, chunk by chunk, that bytes are UTF-8 text without NUL bytes.

    An incremental decoder carries a character split across two chunks over to the next,
    so a chunk boundary inside a multi-byte character is not mistaken for bad UTF-8.
    """

    def __init__(self, *, name: str, extension: str) -> None:
        self.name = name
        self.extension = extension
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self.lines_before = 0  # newlines in the bytes fed so far, for the line number
        self.first = True

    def feed(self, data: bytes, *, final: bool = False) -> None:
        if self.first:
            self.first = False
            if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # Excel's "Unicode text" export: text, but not UTF-8; say so rather than
                # calling its NUL bytes binary data.
                self._not_utf8(line=1)
            data = data.removeprefix(_UTF8_BOM)
        if b"\x00" in data:
            raise _refuse(
                _(
                    "“%(name)s” does not match its extension (%(extension)s): "
                    "it contains binary data, not text."
                ),
                "binary",
                name=self.name,
                extension=self.extension,
            )
        pending = len(self.decoder.getstate()[0])
        bad_at = None
        try:
            # The decoded text is dropped at once: only whether it decodes matters.
            self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            # exc.start counts from the start of the bytes held over from the last chunk.
            bad_at = max(0, exc.start - pending)
        if bad_at is not None:
            self._not_utf8(line=self.lines_before + data.count(b"\n", 0, bad_at) + 1)
        self.lines_before += data.count(b"\n")

    def _not_utf8(self, *, line: int) -> NoReturn:
        raise _refuse(
            _(
                "“%(name)s” is not UTF-8 text: line %(line)s has bytes that are not "
                "valid UTF-8. Save the file as UTF-8 and upload it again."
            ),
            "not_utf8",
            name=self.name,
            line=line,
        )


def file_validate(*, upload: UploadedFile, allowed: frozenset[str]) -> ValidatedFile:
    """Check an upload and describe it, or raise ValidationError saying what is wrong.

    `allowed` is a subset of KINDS (MAIN_DOCUMENT_KINDS, SUPPLEMENTARY_KINDS). The file is
    read once, in chunks; the upload is left open, at an undefined position.
    """
    if not allowed or not allowed <= KINDS:
        raise ValueError(f"allowed must be a non-empty subset of {sorted(KINDS)}: {allowed}")
    name = sanitise_filename(upload.name or "")
    extension = ("." + name.rpartition(".")[2].lower()) if "." in name else ""
    kind = _KIND_OF_EXTENSION.get(extension)
    if kind is None or kind not in allowed:
        raise _refuse(
            _("“%(name)s”: only %(kinds)s files are accepted."),
            "extension",
            name=name,
            kinds=_kinds_list(allowed),
        )
    empty = _refuse(_("“%(name)s” is empty."), "empty", name=name)
    if upload.size == 0:
        raise empty
    json_too_large = _refuse(
        _(
            "“%(name)s” is too large to check as JSON: JSON files may be at most "
            "%(limit)s MB. Split the data into smaller files."
        ),
        "json_too_large",
        name=name,
        limit=JSON_MAX_BYTES // (1024 * 1024),
    )
    if kind == "json" and (upload.size or 0) > JSON_MAX_BYTES:
        raise json_too_large

    # The child process needs a path. Uploads streamed to disk by Django have one; an
    # in-memory upload is copied to a temporary file during the same single read.
    path: str | None = None
    spool = None
    if kind in ("pdf", "json"):
        if hasattr(upload, "temporary_file_path"):
            path = upload.temporary_file_path()
        else:
            spool = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in finally
                suffix=extension, dir=settings.FILE_UPLOAD_TEMP_DIR
            )
            path = spool.name
    try:
        digest = hashlib.sha256()
        size = 0
        head = bytearray()
        held: list[bytes] | None = []  # chunks read before the signature was checked
        text = _TextCheck(name=name, extension=extension) if kind in _TEXT_KINDS else None
        for chunk in upload.chunks(chunk_size=_CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
            if kind == "json" and size > JSON_MAX_BYTES:
                raise json_too_large
            if spool is not None:
                spool.write(chunk)
            if held is not None:
                # A PNG renamed .csv is better reported as a PNG than as bad UTF-8: the
                # text check waits until the signature has been looked at.
                head += chunk[: _HEAD_SIZE - len(head)]
                held.append(chunk)
                if len(head) < _HEAD_SIZE:
                    continue
                _check_signature(name=name, kind=kind, extension=extension, head=head)
                chunk, held = b"".join(held), None
            if text is not None:
                text.feed(chunk)
        if size == 0:
            raise empty
        if held is not None:
            _check_signature(name=name, kind=kind, extension=extension, head=head)
            if text is not None:
                text.feed(b"".join(held))
        if text is not None:
            text.feed(b"", final=True)

        if spool is not None:
            spool.flush()
        elif path is not None:
            # Django's temporary file may still hold the last chunk in its buffer.
            upload.file.flush()
        if kind == "pdf":
            _check_in_child(name=name, path=path, json_syntax=False)
        elif kind == "json":
            _check_in_child(name=name, path=path, json_syntax=True)
    finally:
        if spool is not None:
            spool.close()
    return ValidatedFile(
        original_name=name,
        content_type=CONTENT_TYPES[kind],
        size=size,
        sha256=digest.hexdigest(),
        kind=kind,
    )


def _check_in_child(*, name: str, path: str, json_syntax: bool) -> None:
    timeout = settings.PDF_CHECK_TIMEOUT_SECONDS
    command = [
        sys.executable,
        "-m",
        "submissions.pdfcheck",
        "--memory-mb",
        str(settings.PDF_CHECK_MEMORY_MB),
        "--cpu-seconds",
        str(int(timeout) + 1),
        *(["--json"] if json_syntax else []),
        path,
    ]
    too_complex = _refuse(
        _(
            "“%(name)s” could not be checked: it is too large or complex to open within "
            "the portal's limits. It may be damaged."
        ),
        "too_complex",
        name=name,
    )
    try:
        completed = subprocess.run(  # noqa: S603 - our own module, a path we made
            command,
            cwd=settings.BASE_DIR,  # so that `-m submissions.pdfcheck` is found
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has already killed the child.
        logger.warning("File check timed out after %ss: %s", timeout, name)
        raise too_complex from None
    stderr = completed.stderr.decode("utf-8", "replace")[-2000:]
    result = _last_json_line(completed.stdout)
    if result is None:
        if completed.returncode < 0 or "MemoryError" in stderr:
            # Killed by a limit (SIGXCPU, or the memory limit hit while reporting).
            logger.warning("File check of %s ended by a limit: %s", name, stderr)
            raise too_complex
        # Not the file's fault: the check itself could not run. A 500 alerts the admins,
        # where blaming the evaluator's file would hide the problem.
        raise RuntimeError(f"submissions.pdfcheck failed ({completed.returncode}): {stderr}")
    if result["ok"]:
        return
    error = result["error"]
    if error:
        logger.info("File %s refused (%s): %s", name, error, result.get("detail", ""))
    if error == "encrypted":
        raise _refuse(
            _("“%(name)s” is encrypted (password-protected). Upload an unencrypted copy."),
            "encrypted",
            name=name,
        )
    if error == "no_pages":
        raise _refuse(_("“%(name)s” has no pages."), "no_pages", name=name)
    if error == "invalid_json":
        raise _refuse(
            _(
                "“%(name)s” is not valid JSON: there is an error on line %(line)s, "
                "column %(column)s."
            ),
            "invalid_json",
            name=name,
            line=result["line"],
            column=result["column"],
        )
    if error == "too_complex":
        raise too_complex
    raise _refuse(
        _("“%(name)s” could not be read as a PDF: the file appears truncated or damaged."),
        "damaged",
        name=name,
    )


def _last_json_line(stdout: bytes) -> dict[str, Any] | None:
    lines = stdout.decode("utf-8", "replace").strip().splitlines()
    if not lines:
        return None
    try:
        result = json.loads(lines[-1])
    except ValueError:
        return None
    return result if isinstance(result, dict) and "ok" in result else None


# --- PDF metadata ---------------------------------------------------------------------------

# Document-level and page-level entries that carry authorship, software and editing
# history rather than content.
_ROOT_METADATA_KEYS = ("/Metadata", "/PieceInfo")
_PAGE_METADATA_KEYS = ("/Metadata", "/PieceInfo")


def pdf_strip_metadata(*, source: IO[bytes]) -> IO[bytes]:
    """A copy of the PDF without its document information and XMP metadata.

    Returns a NamedTemporaryFile positioned at the start; closing it deletes it. Run it
    only on a file that file_validate accepted (it parses in this process, where the
    validation parsed under limits), ideally in a Celery task rather than a web request.
    Removes the document information dictionary (Author, Creator, Producer, Title,
    Subject, Keywords, dates) and XMP streams of the document and of its pages; the
    pages, outline and links are kept.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(source, strict=False)
    if reader.is_encrypted:
        raise ValueError("pdf_strip_metadata needs an unencrypted PDF; validate it first")
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    for key in _ROOT_METADATA_KEYS:
        writer.root_object.pop(NameObject(key), None)
    for page in writer.pages:
        for key in _PAGE_METADATA_KEYS:
            page.pop(NameObject(key), None)
    # Cloning copied the old metadata objects; unreferenced now, they would still be
    # written to the file (and readable in it) unless dropped.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    output = tempfile.NamedTemporaryFile(  # noqa: SIM115 - returned to the caller
        suffix=".pdf", dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    try:
        writer.write(output)
        output.flush()
        output.seek(0)
    except BaseException:
        output.close()
        raise
    return output
