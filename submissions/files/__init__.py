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

  names        file names safe to show and to offer as download names
  signatures   what the first bytes say a file is (magic numbers, markup)
  text         UTF-8 text without NUL bytes, checked chunk by chunk
  parsers      PDF structure and JSON syntax, checked in a child process under limits
  validation   file_validate: one read of the upload through all of the above
  metadata     pdf_strip_metadata: a copy of a PDF without authorship metadata
"""

from submissions.files.kinds import (
    CONTENT_TYPES,
    JSON_MAX_BYTES,
    KINDS,
    MAIN_DOCUMENT_KINDS,
    SUPPLEMENTARY_KINDS,
)
from submissions.files.metadata import pdf_strip_metadata
from submissions.files.names import FILENAME_MAX_LENGTH, sanitise_filename
from submissions.files.validation import ValidatedFile, file_validate

__all__ = [
    "CONTENT_TYPES",
    "FILENAME_MAX_LENGTH",
    "JSON_MAX_BYTES",
    "KINDS",
    "MAIN_DOCUMENT_KINDS",
    "SUPPLEMENTARY_KINDS",
    "ValidatedFile",
    "file_validate",
    "pdf_strip_metadata",
    "sanitise_filename",
]
