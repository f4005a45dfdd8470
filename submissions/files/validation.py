"""file_validate: one read of an upload, in chunks, through every check that applies."""

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from submissions.files.kinds import (
    CONTENT_TYPES,
    JSON_MAX_BYTES,
    KIND_OF_EXTENSION,
    KINDS,
    PARSED_KINDS,
    TEXT_KINDS,
    refuse,
)
from submissions.files.names import sanitise_filename
from submissions.files.parsers import check_in_child
from submissions.files.signatures import HEAD_SIZE, check_signature
from submissions.files.text import TextCheck

# What Django's upload handlers use; large enough to read a file quickly, small enough
# that memory stays flat whatever the file's size.
_CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class ValidatedFile:
    """What file_validate found out about an accepted upload."""

    original_name: str  # sanitised: safe to show and to offer as a download name
    content_type: str  # from the detected kind, never from the client
    size: int
    sha256: str  # hex digest
    kind: str  # one of KINDS


def file_validate(*, upload: UploadedFile, allowed: frozenset[str]) -> ValidatedFile:
    """Check an upload and describe it, or raise ValidationError saying what is wrong.

    `allowed` is a subset of KINDS (MAIN_DOCUMENT_KINDS, SUPPLEMENTARY_KINDS). The file is
    read once, in chunks; the upload is left open, at an undefined position.
    """
    if not allowed or not allowed <= KINDS:
        raise ValueError(f"allowed must be a non-empty subset of {sorted(KINDS)}: {allowed}")
    name = sanitise_filename(upload.name or "")
    extension = ("." + name.rpartition(".")[2].lower()) if "." in name else ""
    kind = KIND_OF_EXTENSION.get(extension)
    if kind is None or kind not in allowed:
        raise refuse(
            _("“%(name)s”: only %(kinds)s files are accepted."),
            "extension",
            name=name,
            kinds=_kinds_list(allowed),
        )
    if upload.size == 0:
        raise _empty(name)
    if kind == "json" and (upload.size or 0) > JSON_MAX_BYTES:
        raise _json_too_large(name)
    with _path_for_child(upload, kind=kind, extension=extension) as (path, spool):
        size, sha256 = _read(upload, name=name, kind=kind, extension=extension, copy=spool)
        if kind in PARSED_KINDS:
            if spool is not None:
                spool.flush()
            else:
                # Django's temporary file may still hold the last chunk in its buffer.
                upload.file.flush()
            check_in_child(name=name, path=path, json_syntax=kind == "json")
    return ValidatedFile(
        original_name=name,
        content_type=CONTENT_TYPES[kind],
        size=size,
        sha256=sha256,
        kind=kind,
    )


@contextmanager
def _path_for_child(
    upload: UploadedFile, *, kind: str, extension: str
) -> Iterator[tuple[str | None, IO[bytes] | None]]:
    """The path the child process parses, and the temporary copy to write, if any.

    Uploads streamed to disk by Django have a path; an in-memory upload is copied to a
    temporary file during the same single read (deleted when the block ends).
    """
    if kind not in PARSED_KINDS:
        yield None, None
    elif hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path(), None
    else:
        with tempfile.NamedTemporaryFile(
            suffix=extension, dir=settings.FILE_UPLOAD_TEMP_DIR
        ) as spool:
            yield spool.name, spool


def _read(
    upload: UploadedFile, *, name: str, kind: str, extension: str, copy: IO[bytes] | None
) -> tuple[int, str]:
    """Read the upload once: its size and SHA-256, the signature and text checks, and
    the copy for the child process. Returns (size, hex digest)."""
    digest = hashlib.sha256()
    size = 0
    head = bytearray()
    held: list[bytes] | None = []  # chunks read before the signature was checked
    text = TextCheck(name=name, extension=extension) if kind in TEXT_KINDS else None
    for chunk in upload.chunks(chunk_size=_CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
        if kind == "json" and size > JSON_MAX_BYTES:
            raise _json_too_large(name)
        if copy is not None:
            copy.write(chunk)
        if held is not None:
            # A PNG renamed .csv is better reported as a PNG than as bad UTF-8: the text
            # check waits until the signature has been looked at.
            head += chunk[: HEAD_SIZE - len(head)]
            held.append(chunk)
            if len(head) < HEAD_SIZE:
                continue
            check_signature(name=name, kind=kind, extension=extension, head=head)
            chunk, held = b"".join(held), None
        if text is not None:
            text.feed(chunk)
    if size == 0:
        raise _empty(name)
    if held is not None:
        check_signature(name=name, kind=kind, extension=extension, head=head)
        if text is not None:
            text.feed(b"".join(held))
    if text is not None:
        text.feed(b"", final=True)
    return size, digest.hexdigest()


def _kinds_list(allowed: frozenset[str]) -> str:
    labels = {"pdf": "PDF", "csv": "CSV", "json": "JSON", "txt": _("plain-text")}
    names = [labels[kind] for kind in ("pdf", "csv", "json", "txt") if kind in allowed]
    return str(get_text_list(names, _("and")))


def _empty(name: str) -> ValidationError:
    return refuse(_("“%(name)s” is empty."), "empty", name=name)


def _json_too_large(name: str) -> ValidationError:
    return refuse(
        _(
            "“%(name)s” is too large to check as JSON: JSON files may be at most "
            "%(limit)s MB. Split the data into smaller files."
        ),
        "json_too_large",
        name=name,
        limit=JSON_MAX_BYTES // (1024 * 1024),
    )
