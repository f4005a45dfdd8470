"""The kinds of file the portal accepts, and how a refusal is raised."""

from typing import Any

from django.core.exceptions import ValidationError

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
KIND_OF_EXTENSION = {".pdf": "pdf", ".csv": "csv", ".json": "json", ".txt": "txt"}
TEXT_KINDS = frozenset({"csv", "json", "txt"})
# Parsed in a child process under limits (submissions.pdfcheck).
PARSED_KINDS = frozenset({"pdf", "json"})

# json.loads builds the whole document in memory (over 20 times the file's size for some
# shapes), even in the child process: this bounds what the child is asked to do.
JSON_MAX_BYTES = 20 * 1024 * 1024


def refuse(message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params)
