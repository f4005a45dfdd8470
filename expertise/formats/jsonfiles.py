"""ORCID record exports and OpenReview profile exports, both JSON.

ORCID (public API v3.0): a record (`activities-summary.works.group[].work-summary[]`), the
works list alone (`group[]`), or a bulk works answer (`bulk[].work`, where the full work
also carries the abstract as `short-description`), or a list of works. A group is one
work as several sources list it; its first summary is taken.

OpenReview: a list of notes, `{"notes": [...]}`, `{"publications": [...]}` or JSON Lines
(one note per line, as openreview-expertise keeps a reviewer's archive). A note's
`content` holds title, abstract and venue, as plain values (API v1) or wrapped as
{"value": ...} (API v2); its dates are milliseconds since 1970.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from expertise.formats.base import Entry, EntryCounter, ImportProblem, decode_text, make_entry

_NOTE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _unreadable(error: Exception) -> ImportProblem:
    """Valid-looking JSON that Python will not read: nesting deeper than its recursion
    limit, or a number of thousands of digits (a ValueError). No real export has either."""
    if isinstance(error, RecursionError):
        return ImportProblem(_("The file is not valid JSON: it is nested too deeply."))
    return ImportProblem(_("The file is not valid JSON: it holds a number too long to read."))


def _load(data: bytes, *, lines: bool = False):
    text = decode_text(data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if lines and error.msg == "Extra data":
            return _load_lines(text)
        raise ImportProblem(
            _("The file is not valid JSON: %(problem)s (line %(line)d, column %(column)d).")
            % {"problem": error.msg, "line": error.lineno, "column": error.colno}
        ) from None
    except (ValueError, RecursionError) as error:
        raise _unreadable(error) from None


def _load_lines(text: str) -> list:
    notes = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            notes.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ImportProblem(
                _("Line %(line)d is not valid JSON: %(problem)s.")
                % {"line": number, "problem": error.msg}
            ) from None
        except (ValueError, RecursionError) as error:
            raise _unreadable(error) from None
    return notes


def _get(obj, *path):
    """obj[path[0]][path[1]]..., or None where a step is missing or of the wrong type."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(obj, list) or len(obj) <= step:
                return None
        elif not isinstance(obj, dict):
            return None
        obj = obj[step] if isinstance(step, int) else obj.get(step)
    return obj


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _wrong_shape(expected: str) -> ImportProblem:
    return ImportProblem(
        _("The file is JSON, but not %(expected)s. Check that you chose the right format.")
        % {"expected": expected}
    )


# --- ORCID ---------------------------------------------------------------------------------
def _orcid_works(document) -> list:
    if isinstance(document, dict) and isinstance(document.get("bulk"), list):
        return [_get(item, "work") for item in document["bulk"] if _get(item, "work")]
    if isinstance(document, list):
        # Works saved one by one and joined in a list: each a work, or {"work": ...}.
        return [item.get("work", item) if isinstance(item, dict) else item for item in document]
    groups = _get(document, "activities-summary", "works", "group")
    if groups is None:
        groups = _get(document, "works", "group")
    if groups is None:
        groups = _get(document, "group")
    if not isinstance(groups, list):
        raise _wrong_shape(_("an ORCID record (activities-summary.works.group was not found)"))
    return [_get(group, "work-summary", 0) for group in groups]


def _orcid_doi(work) -> str:
    ids = _get(work, "external-ids", "external-id")
    for external in ids if isinstance(ids, list) else []:
        if _text(_get(external, "external-id-type")).lower() == "doi":
            return _text(_get(external, "external-id-value")) or _text(
                _get(external, "external-id-url", "value")
            )
    return ""


def parse_orcid(data: bytes) -> list[Entry]:
    counter = EntryCounter()
    entries = []
    for work in _orcid_works(_load(data)):
        counter.add()
        if not isinstance(work, dict):
            entries.append(make_entry(title=""))
            continue
        entries.append(
            make_entry(
                title=_text(_get(work, "title", "title", "value")),
                abstract=_text(_get(work, "short-description")),
                year=_text(_get(work, "publication-date", "year", "value")),
                venue=_text(_get(work, "journal-title", "value")),
                doi=_orcid_doi(work),
                url=_text(_get(work, "url", "value")),
            )
        )
    return entries


# --- OpenReview ----------------------------------------------------------------------------
def _content(note, name: str) -> str:
    value = _get(note, "content", name)
    if isinstance(value, dict):
        value = value.get("value")
    return _text(value)


def _openreview_year(note) -> str:
    year = _content(note, "year")
    if year:
        return year
    for name in ("pdate", "odate", "cdate", "tcdate"):
        stamp = _get(note, name)
        if isinstance(stamp, int | float) and not isinstance(stamp, bool) and stamp > 0:
            try:
                return str(datetime.fromtimestamp(stamp / 1000, tz=UTC).year)
            except (OverflowError, OSError, ValueError):
                continue
    return ""


def _openreview_notes(document) -> list:
    if isinstance(document, dict):
        for key in ("notes", "publications"):
            if isinstance(document.get(key), list):
                return document[key]
        if isinstance(document.get("content"), dict):
            return [document]
        if "profiles" in document or "profile" in document:
            raise ImportProblem(
                _(
                    "The file is an OpenReview profile without its publications. Export "
                    "your publications (the notes you authored) and upload that file."
                )
            )
    if isinstance(document, list):
        return document
    raise _wrong_shape(_("an OpenReview export (a list of notes was not found)"))


def parse_openreview(data: bytes) -> list[Entry]:
    counter = EntryCounter()
    entries = []
    for note in _openreview_notes(_load(data, lines=True)):
        counter.add()
        if not isinstance(note, dict) or not isinstance(note.get("content"), dict):
            raise _wrong_shape(
                _("an OpenReview export (entry %(n)d has no content)") % {"n": counter.count}
            )
        note_id = _text(note.get("forum")) or _text(note.get("id"))
        # A link to the note on OpenReview; the portal never follows it itself.
        url = _content(note, "html") or (
            f"https://openreview.net/forum?id={note_id}" if _NOTE_ID.match(note_id) else ""
        )
        entries.append(
            make_entry(
                title=_content(note, "title"),
                abstract=_content(note, "abstract"),
                year=_openreview_year(note),
                venue=_content(note, "venue"),
                doi=_content(note, "doi"),
                url=url,
            )
        )
    return entries
