"""What every import format yields, the problem a broken file raises, and the limits and
clean-ups all formats share (length caps, DOI and URL checks, the duplicate keys)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

# A file with more entries than this is refused whole: a real person's list is far shorter.
# (Its size is capped by settings.PUBLICATION_IMPORT_MAX_MB, while it uploads.)
MAX_ENTRIES = 2000
# The model's column lengths; an abstract is capped too, as the form caps a typed one.
TITLE_MAX = 500
VENUE_MAX = 300
DOI_MAX = 200
URL_MAX = 500
ABSTRACT_MAX = 10_000
YEAR_MIN = 1900
YEAR_MAX = 2100

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_validate_url = URLValidator(schemes=["http", "https"])


class ImportProblem(Exception):
    """The file cannot be read; `message` says why (and where) in words for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Entry:
    """One publication as read from a file, already cleaned and capped."""

    title: str
    abstract: str = ""
    year: int | None = None
    venue: str = ""
    doi: str = ""
    url: str = ""


class EntryCounter:
    """Refuses a file as soon as it passes MAX_ENTRIES (before the rest is parsed)."""

    def __init__(self) -> None:
        self.count = 0

    def add(self) -> None:
        self.count += 1
        if self.count > MAX_ENTRIES:
            raise ImportProblem(
                _(
                    "The file holds more than %(max)d entries. Split it into smaller files "
                    "and import them one after the other."
                )
                % {"max": MAX_ENTRIES}
            )


def decode_text(data: bytes) -> str:
    """The file as text: UTF-8 (a byte-order mark is allowed), nothing else."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportProblem(
            _(
                "The file is not UTF-8 text (the first unreadable byte is on line %(line)d). "
                "Save it with the UTF-8 encoding and upload it again."
            )
            % {"line": line}
        ) from None


def clip(text: str, limit: int) -> str:
    text = _SPACE.sub(" ", text or "").strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def clean_doi(value: str) -> str:
    """ "10.1234/abc" from a DOI in any usual spelling (a doi.org link, "doi:"); "" if it is
    not a DOI or too long to keep."""
    value = _DOI_PREFIXES.sub("", (value or "").strip()).strip()
    if not _DOI.match(value) or len(value) > DOI_MAX:
        return ""
    return value


def clean_url(value: str) -> str:
    """An http(s) address, or "" (a javascript: or file: address is never kept)."""
    value = (value or "").strip()
    if not value or len(value) > URL_MAX:
        return ""
    try:
        _validate_url(value)
    except ValidationError:
        return ""
    return value


def clean_year(value) -> int | None:
    match = re.search(r"\d{4}", str(value if value is not None else ""))
    if match is None:
        return None
    year = int(match.group())
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def make_entry(
    *, title: str, abstract: str = "", year=None, venue: str = "", doi: str = "", url: str = ""
) -> Entry:
    doi = clean_doi(doi) or clean_doi(url)
    return Entry(
        title=clip(title, TITLE_MAX),
        abstract=clip(abstract, ABSTRACT_MAX),
        year=clean_year(year),
        venue=clip(venue, VENUE_MAX),
        doi=doi,
        url=clean_url(url),
    )


def title_key(title: str) -> str:
    """The title for comparison: accents, case, punctuation and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", title or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", letters))


def duplicate_keys(*, title: str, year: int | None, doi: str) -> list[tuple]:
    """Two publications are the same if they share a DOI, or a title and a year."""
    keys: list[tuple] = [("title", title_key(title), year)]
    if doi:
        keys.append(("doi", doi.casefold()))
    return keys
