"""OpenReview: a JSON list of API v2 notes, as openreview-py's `get_all_notes` returns them
(`[note.to_json() for note in notes]`), with a ZIP of the PDFs their `pdf` fields name.

What each note becomes:

- A submission note (its own forum, no `replyto`, an invitation ending in `/-/Submission`)
  becomes a portal submission in the run's workshop: title, abstract, keywords (joined by
  commas, as the form stores them), authors in order (affiliation from the first of an
  author object's institutions), and its PDF as the main document. It is imported as
  *submitted*, at the note's `pdate` (or `cdate`): it was submitted on OpenReview, so it
  enters the portal where the call's own submissions stand after submit, ready for
  screening; the fields OpenReview has no place for (model, access, …) stay empty, which
  the portal's own submit would refuse but screening does not need. The contact person
  is the staff member who applies the import. No e-mail is sent.
- The PDF is required: `/pdf/<sha>.pdf` is looked up as `pdf/<sha>.pdf`, then `<sha>.pdf`
  in the archive. A submission without its PDF is incomplete and is refused, unless staff
  set the option `without_pdf` (the PDFs then come later, through the portal). The file
  goes through the checks of a browser upload; a refusal is the row's reason.
- The organisation: the run's option `organisation` (a code) for every submission, or
  per note in `organisations` ({note id: code, or "new"}). "new" creates an organisation
  named after the first author's first institution (type Other, its country), refused
  when the note names none. An unknown code refuses the row.
- An official review (an invitation ending in `Official_Review`) is always kept as an
  ImportedReviewText of its submission: its content verbatim, its anonymous signature and
  date, so staff can read the original whatever else it became. The review's submission
  must be in the same export, or imported before.
- With the option `review_field_map` ({field: criterion code} of the workshop's current
  criteria set), an official review holding a mapped field also becomes a portal review,
  so that the old call's levels count in progress, aggregates and reports like any other:
  each mapped field gives that criterion's level (a number, or a string starting with one:
  "3: good" is 3; a value that is not one of the criterion's levels refuses the review),
  and the usual text fields not mapped fill the review's own (REVIEW_TEXT_FIELDS: summary
  and review, strengths, weaknesses and limitations). It is a submitted Review, at the
  note's `cdate`, of an accepted Assignment (source "imported") to a placeholder account,
  one per signature ("Org/…/Submission12/Reviewer_abcd" is "OpenReview reviewer abcd",
  openreview-<hash of workshop and signature>@imported.invalid), with a ReviewVersion as
  submit makes it. OpenReview never says who is behind a signature, so the placeholder is
  inactive with no usable password: it can never log in or be mailed, and every reviewer
  pool, candidate list and assignment run reads active accounts only, so it is never
  offered work. It has no ReviewerApplication: nobody applied, and an approved one would
  list it among the call's reviewers and its assignments among those an assignment run
  may remove. The browser's submit rules (every criterion answered, justifications of a
  minimum length, the deadline) are the portal's round's, not the old call's: not applied.
  A note without any mapped field stays imported text only.
- Anything else (comments, decisions, meta-reviews, withdrawals) is listed, skipped.

Idempotency: the note id is the source id. A note imported before is previewed as an
update and overwrites the portal's copy with the export's (title, abstract, keywords,
authors, organisation; the PDF only when its SHA-256 changed, the old one kept in the
earlier version); every create or update of a submission adds a SubmissionVersion. A
submission withdrawn or found not eligible in the portal since is skipped: the portal's
decision stands. One that was deleted is created again. A mapped review imported before
updates its portal review (a new ReviewVersion only when its levels or texts changed) and
its placeholder is found again by its address; one deleted in the portal is made again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from criteria.models import Criterion
from criteria.selectors import criteria_set_current
from imports.archives import ImportFiles
from imports.models import ImportedRecord, ImportedReviewText, ImportRun
from imports.sources import row
from portal.models import Organisation, User
from reviews.models import Review
from reviews.services.reviewing import ImportedReview, ReviewInput, ScoreInput, reviews_import
from submissions.files import MAIN_DOCUMENT_KINDS, file_validate
from submissions.models import Author, Submission, SubmissionFile, SubmissionVersion

DATA_FILE_EXTENSIONS = frozenset({".json"})
SOURCE = ImportRun.Source.OPENREVIEW
BATCH = 500

_TITLE_MAX = Submission._meta.get_field("title").max_length
_KEYWORDS_MAX = Submission._meta.get_field("keywords").max_length
_AUTHOR_MAX = Author._meta.get_field("name").max_length
_AFFILIATION_MAX = Author._meta.get_field("affiliation").max_length
_ORGANISATION_MAX = Organisation._meta.get_field("name").max_length
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+)")
_NAME_MAX = User._meta.get_field("full_name").max_length
PLACEHOLDER_DOMAIN = "imported.invalid"
# A mapped review's text fields, from the content fields OpenReview venues commonly use.
# The whole content is kept verbatim in its ImportedReviewText besides.
REVIEW_TEXT_FIELDS = {
    "summary": ("summary", "review", "main_review"),
    "strengths": ("strengths",),
    "main_gaps": ("weaknesses", "limitations"),
}
# The portal's decision stands over a re-import.
_CLOSED_STATES = {Submission.State.WITHDRAWN, Submission.State.NOT_ELIGIBLE}


class _StoredFile(File):
    """The stored export as file_validate reads an upload: a path the child can parse."""

    def temporary_file_path(self) -> str:
        return self.file.name


# --- reading the export -------------------------------------------------------------------


def _load(run: ImportRun) -> list:
    path = run.data_file.path
    with open(path, "rb") as handle:
        # The browser upload's checks: UTF-8, and JSON syntax parsed in a child process
        # under limits, refused with the line and column of the first error.
        file_validate(
            upload=_StoredFile(handle, name=run.data_file_name), allowed=frozenset({"json"})
        )
        handle.seek(0)
        notes = _without_nul(json.load(handle))
    if not isinstance(notes, list):
        raise ValidationError(
            _(
                "“%(name)s” is not an OpenReview export: it must be a JSON list of notes "
                "(openreview-py's get_all_notes), not a single %(type)s."
            )
            % {"name": run.data_file_name, "type": type(notes).__name__}
        )
    return notes


def _without_nul(document):
    """The parsed export with every NUL character dropped from its strings (keys too).

    JSON may carry "\u0000"; PostgreSQL refuses it in text and in jsonb, so a single one
    would fail the preview's save, or the apply, for the whole export. It never means
    anything in a title or a review. Iterative: the export may be nested deeply.
    """

    def clean(value):
        return value.replace("\x00", "") if isinstance(value, str) else value

    root = [document]
    stack = [root]
    while stack:
        container = stack.pop()
        if isinstance(container, list):
            for index, value in enumerate(container):
                container[index] = clean(value)
                if isinstance(value, list | dict):
                    stack.append(value)
        else:
            for key in list(container):
                value = container.pop(key)
                container[clean(key)] = clean(value)
                if isinstance(value, list | dict):
                    stack.append(value)
    return root[0]


class _UnexpectedShape(Exception):
    """A field of a note holds a value of a type OpenReview never writes there."""

    def __init__(self, field: str, value):
        super().__init__(field)
        self.field = field
        self.value = value


def _shape_message(error: _UnexpectedShape) -> str:
    value = error.value
    if isinstance(value, list):
        kind = _("a list")
    elif isinstance(value, dict):
        kind = _("an object")
    elif isinstance(value, str):
        kind = _("a text")
    elif isinstance(value, bool | int | float):
        kind = _("a number")
    else:
        kind = _("a value of another type")
    return _("Not an OpenReview note as expected: its field “%(field)s” holds %(kind)s.") % {
        "field": error.field,
        "kind": kind,
    }


def _list(note: dict, field: str) -> list:
    """A content field that holds a list (a single text is a list of one)."""
    value = _value(note, field)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise _UnexpectedShape(field, value)
    return value


def _string(note: dict, field: str) -> str:
    """A content field that holds text (a number is written as text)."""
    value = _value(note, field)
    if isinstance(value, list | dict):
        raise _UnexpectedShape(field, value)
    return _text(value)


def _value(note: dict, field: str):
    content = note.get("content") or {}
    if not isinstance(content, dict):
        raise _UnexpectedShape("content", content)
    entry = content.get(field)
    if isinstance(entry, dict):
        return entry.get("value")
    return entry  # API v1 exports hold the value itself


def _content(note: dict) -> dict:
    content = note.get("content") or {}
    if not isinstance(content, dict):
        return {}
    return {
        field: (entry.get("value") if isinstance(entry, dict) else entry)
        for field, entry in content.items()
    }


def _invitations(note: dict) -> list[str]:
    invitations = note.get("invitations")
    if isinstance(invitations, list):
        return [str(i) for i in invitations]
    single = note.get("invitation")  # API v1
    return [str(single)] if single else []


def _is_submission(note: dict) -> bool:
    return (
        note.get("forum") == note.get("id")
        and not note.get("replyto")
        and any(i.endswith("/-/Submission") for i in _invitations(note))
    )


def _is_official_review(note: dict) -> bool:
    return any(i.endswith("Official_Review") for i in _invitations(note))


def _date(note: dict, *fields: str) -> tuple[datetime | None, bool]:
    """The first of `fields` present, as an aware datetime; (None, False) if unreadable."""
    for field in fields:
        raw = note.get(field)
        if raw is None:
            continue
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return None, False
        try:
            return datetime.fromtimestamp(raw / 1000, tz=UTC), True
        except (OverflowError, OSError, ValueError):
            return None, False
    return None, True


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value).strip()


def _authors(note: dict) -> tuple[list[dict], str, str]:
    """[{"name", "affiliation"}] in order, and the first institution (name, country)."""
    authors = []
    first_institution = ("", "")
    value = _value(note, "authors")
    if value is not None and not isinstance(value, list):
        raise _UnexpectedShape("authors", value)
    for author in value or []:
        if isinstance(author, dict):
            name = _text(author.get("fullname") or author.get("username"))
            institutions = author.get("institutions") or []
            institution = (
                institutions[0]
                if isinstance(institutions, list)
                and institutions
                and isinstance(institutions[0], dict)
                else {}
            )
            affiliation = _text(institution.get("name"))
            if affiliation and not first_institution[0]:
                first_institution = (affiliation, _text(institution.get("country")))
        else:
            name, affiliation = _text(author), ""
        if name:
            authors.append({"name": name, "affiliation": affiliation})
    return authors, *first_institution


def _too_long(label: str, value: str, limit: int) -> str:
    return _("Field too long: %(field)s has %(length)d characters, at most %(limit)d.") % {
        "field": label,
        "length": len(value),
        "limit": limit,
    }


# --- preview ----------------------------------------------------------------------------


class _Context:
    """What the preview reads from the database once, not per note."""

    def __init__(self, run: ImportRun, notes: list):
        workshop = run.workshop
        self.workshop_code = workshop.code
        self.options = run.options or {}
        self.records = {
            (kind, source_id): code
            for kind, source_id, code in ImportedRecord.objects.filter(
                workshop=workshop, source=SOURCE
            ).values_list("kind", "source_id", "object_code")
        }
        submission_codes = [
            code for (kind, _id), code in self.records.items() if kind == "submission"
        ]
        self.submission_states = dict(
            Submission.objects.filter(code__in=submission_codes).values_list("code", "state")
        )
        codes = {self.options.get("organisation")} | set(
            (self.options.get("organisations") or {}).values()
        )
        codes -= {None, "", "new"}
        self.organisations = dict(
            Organisation.objects.filter(code__in=[str(c) for c in codes]).values_list(
                "code", "name"
            )
        )
        self.field_map = self.options.get("review_field_map") or {}
        self.criteria: dict[str, Criterion] = {}
        self.criteria_set_id = None
        if self.field_map:
            criteria_set = criteria_set_current(workshop=workshop)
            if criteria_set is not None:
                self.criteria_set_id = criteria_set.pk
                self.criteria = {
                    c.code: c for c in Criterion.objects.filter(criteria_set=criteria_set)
                }
        self.without_pdf = bool(self.options.get("without_pdf"))
        # Reviews imported before that still exist: a deleted one is made again.
        review_codes = [code for (kind, _id), code in self.records.items() if kind == "review"]
        self.reviews = set(
            Review.objects.filter(code__in=review_codes).values_list("code", flat=True)
        )
        # (forum, reviewer) pairs already given a portal review by this export.
        self.reviewed: dict[tuple[str, str], str] = {}


def _organisation(note: dict, ctx: _Context, institution: str, country: str):
    """(data, reason): {"code"} or {"new": {...}}, or a refusal."""
    chosen = (ctx.options.get("organisations") or {}).get(note["id"]) or ctx.options.get(
        "organisation"
    )
    if not chosen:
        return None, _("No organisation chosen: choose one for this row, or a default.")
    if chosen == "new":
        if not institution:
            return None, _(
                "A new organisation is named after the first author's institution, and "
                "this note names none: choose an existing organisation."
            )
        if len(institution) > _ORGANISATION_MAX:
            return None, _too_long(_("organisation name"), institution, _ORGANISATION_MAX)
        code = country.upper()
        if code not in dict(countries):
            return None, _(
                "A new organisation needs a country, and the institution “%(name)s” gives "
                "none the portal knows: choose an existing organisation."
            ) % {"name": institution}
        return {"new": {"name": institution, "country": code}, "name": institution}, None
    chosen = str(chosen)
    if chosen not in ctx.organisations:
        return None, _("Unknown organisation “%(code)s”.") % {"code": chosen}
    return {"code": chosen, "name": ctx.organisations[chosen]}, None


def _pdf(note: dict, ctx: _Context, files: ImportFiles | None):
    """(data, reason) for the note's PDF."""
    path = _string(note, "pdf")
    if not path:
        if ctx.without_pdf:
            return None, None
        return None, _("Missing PDF: the note names no PDF.")
    relative = path.lstrip("/")
    name = files.find(relative, relative.rpartition("/")[2]) if files is not None else None
    if name is None:
        if ctx.without_pdf:
            return None, None
        return None, _("Missing PDF: %(path)s is not among the files.") % {"path": path}
    try:
        checked = files.validate(name, allowed=MAIN_DOCUMENT_KINDS)
    except ValidationError as error:
        return None, _("Invalid file: %(reason)s") % {"reason": " ".join(error.messages)}
    return {"member": name, "sha256": checked.sha256, "size": checked.size}, None


def _submission_row(note: dict, ctx: _Context, files: ImportFiles | None) -> dict:
    note_id = note["id"]
    title = _string(note, "title")
    label = title[:200] or _("(no title) note %(id)s") % {"id": note_id}
    reasons = []
    if not title:
        reasons.append(_("The note has no title."))
    elif len(title) > _TITLE_MAX:
        reasons.append(_too_long(_("title"), title, _TITLE_MAX))
    keywords_value = _list(note, "keywords")
    if any(isinstance(k, list | dict) for k in keywords_value):
        raise _UnexpectedShape("keywords", keywords_value)
    keywords = ", ".join(_text(k) for k in keywords_value if _text(k))
    if len(keywords) > _KEYWORDS_MAX:
        reasons.append(_too_long(_("keywords"), keywords, _KEYWORDS_MAX))
    authors, institution, country = _authors(note)
    for author in authors:
        if len(author["name"]) > _AUTHOR_MAX:
            reasons.append(_too_long(_("author name"), author["name"], _AUTHOR_MAX))
        if len(author["affiliation"]) > _AFFILIATION_MAX:
            reasons.append(_too_long(_("affiliation"), author["affiliation"], _AFFILIATION_MAX))
    submitted_at, readable = _date(note, "pdate", "cdate")
    if not readable:
        reasons.append(_("Date unreadable: pdate/cdate must be milliseconds since 1970."))
    organisation, refusal = _organisation(note, ctx, institution, country)
    if refusal:
        reasons.append(refusal)
    action = "create"
    existing = ctx.records.get(("submission", note_id))
    if existing is not None and existing in ctx.submission_states:
        state = ctx.submission_states[existing]
        if state in _CLOSED_STATES:
            return row(
                source_id=note_id,
                kind="submission",
                action="skip",
                label=label,
                reasons=[
                    _("Imported before, and %(state)s in the portal since: left as it is.")
                    % {"state": Submission.State(state).label.lower()}
                ],
                data={"code": existing},
            )
        action = "update"
    pdf = None
    if not reasons:
        # Checked last: a PDF check runs a child process, wasted on a row refused anyway.
        pdf, refusal = _pdf(note, ctx, files)
        if refusal:
            reasons.append(refusal)
    if reasons:
        return row(
            source_id=note_id, kind="submission", action="refuse", label=label, reasons=reasons
        )
    return row(
        source_id=note_id,
        kind="submission",
        action=action,
        label=label,
        data={
            "code": existing if action == "update" else None,
            "title": title,
            "abstract": _string(note, "abstract"),
            "keywords": keywords,
            "authors": authors,
            "submitted_at": submitted_at.isoformat() if submitted_at else None,
            "organisation": organisation,
            "pdf": pdf,
            "number": number if isinstance(number := note.get("number"), int) else None,
        },
    )


def _level(value, criterion: Criterion) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        level = value
    elif isinstance(value, float) and value.is_integer():
        level = int(value)
    else:
        match = _LEADING_NUMBER.match(str(value)) if isinstance(value, str) else None
        if match is None:
            return None
        level = int(match.group(1))
    return level if level in criterion.level_values else None


def _placeholder_email(workshop_code: str, reviewer_key: str) -> str:
    """The placeholder's address: the same for a signature on every re-import, unique per
    workshop and signature, and in a reserved domain (RFC 2606) no mail can reach."""
    digest = hashlib.sha256(f"{workshop_code}\n{reviewer_key}".encode()).hexdigest()
    return f"openreview-{digest[:12]}@{PLACEHOLDER_DOMAIN}"


def _placeholder_name(signature: str) -> str:
    anonymous_id = signature.rpartition("/")[2].removeprefix("Reviewer_")
    return (_("OpenReview reviewer %(id)s") % {"id": anonymous_id or "?"})[:_NAME_MAX]


def _review_texts(content: dict, field_map: dict) -> dict[str, str]:
    """The review's text fields from the note's usual fields not mapped onto criteria,
    several joined by a blank line."""
    texts = {}
    for name, sources in REVIEW_TEXT_FIELDS.items():
        parts = [
            _text(content.get(field))
            for field in sources
            if field not in field_map and _text(content.get(field))
        ]
        texts[name] = "\n\n".join(parts)
    return texts


def _review_row(note: dict, ctx: _Context, submissions: dict[str, dict]) -> dict:
    note_id = note["id"]
    forum = _text(note.get("forum"))
    signatures = note.get("signatures") or [""]
    if not isinstance(signatures, list):
        raise _UnexpectedShape("signatures", signatures)
    signature = _text(signatures[0])
    label = _("Review of %(forum)s by %(signature)s") % {
        "forum": (submissions.get(forum) or {}).get("label") or forum,
        "signature": signature.rpartition("/")[2] or _("an anonymous reviewer"),
    }
    reasons = []
    parent = submissions.get(forum)
    submission_code = ctx.records.get(("submission", forum))
    if parent is not None and parent["action"] in ("refuse", "skip"):
        reasons.append(_("Its submission (%(forum)s) is not imported.") % {"forum": forum})
    elif parent is None and submission_code is None:
        reasons.append(
            _("Its submission (%(forum)s) is neither in this export nor imported before.")
            % {"forum": forum}
        )
    written_at, readable = _date(note, "cdate")
    if not readable:
        reasons.append(_("Date unreadable: cdate must be milliseconds since 1970."))
    content = _content(note)
    # Mapped as soon as one mapped field is present: the review then becomes a portal
    # review, or is refused whole (a review counted with some of its levels would lie).
    mapped = any(field in content for field in ctx.field_map)
    kind = "review" if mapped else "imported_review_text"
    reviewer_key = signature or note_id
    scores = {}
    for field, criterion_code in ctx.field_map.items():
        criterion = ctx.criteria.get(criterion_code)
        if criterion is None:
            reasons.append(
                _("Unknown criterion “%(code)s” (mapped from %(field)s).")
                % {"code": criterion_code, "field": field}
            )
            continue
        if field not in content:
            continue
        level = _level(content[field], criterion)
        if level is None:
            reasons.append(
                _("%(field)s: “%(value)s” is not a level of %(criterion)s (%(levels)s).")
                % {
                    "field": field,
                    "value": str(content[field])[:50],
                    "criterion": criterion.code,
                    "levels": ", ".join(str(v) for v in criterion.level_values),
                }
            )
        else:
            scores[criterion.code] = level
    if mapped and not reasons:
        other = ctx.reviewed.get((forum, reviewer_key))
        if other is not None:
            reasons.append(
                _(
                    "The same reviewer's review of this submission is also note %(id)s: "
                    "a reviewer has one review per submission."
                )
                % {"id": other}
            )
        else:
            ctx.reviewed[(forum, reviewer_key)] = note_id
    if reasons:
        return row(source_id=note_id, kind=kind, action="refuse", label=label, reasons=reasons)
    text_code = ctx.records.get(("imported_review_text", note_id))
    data = {
        "code": text_code,
        "forum": forum,
        "signature": signature[:300],
        "content": content,
        "scores": scores,
        "criteria_set": ctx.criteria_set_id if scores else None,
        "written_at": written_at.isoformat() if written_at else None,
    }
    if not mapped:
        action = "update" if text_code else "create"
        return row(source_id=note_id, kind=kind, action=action, label=label, data=data)
    review_code = ctx.records.get(("review", note_id))
    if review_code not in ctx.reviews:
        review_code = None
    return row(
        source_id=note_id,
        kind=kind,
        action="update" if review_code else "create",
        label=label,
        data={
            **data,
            "code": review_code,
            "text_code": text_code,
            "reviewer": {
                "key": reviewer_key,
                "email": _placeholder_email(ctx.workshop_code, reviewer_key),
                "name": _placeholder_name(signature),
            },
            "texts": _review_texts(content, ctx.field_map),
        },
    )


def _label(note: dict) -> str:
    """The note's title for a row's label, or its id when it has no readable title."""
    try:
        title = _string(note, "title")
    except _UnexpectedShape:
        title = ""
    return title[:200] or note["id"]


def _skip_reason(note: dict) -> str:
    invitation = next(iter(_invitations(note)), "")
    stage = invitation.rpartition("/-/")[2] or _("unknown")
    return _(
        "Not imported: only submissions and official reviews are (this is a “%(stage)s” note)."
    ) % {"stage": stage.replace("_", " ")}


def preview(*, run: ImportRun, progress: Callable[[int], None]) -> dict:
    notes = _load(run)
    ctx = _Context(run, notes)
    files = ImportFiles(run.files_archive.path) if run.files_archive else None
    rows: list[dict] = []
    seen: set[str] = set()
    submissions: dict[str, dict] = {}
    reviews: list[dict] = []
    total = max(1, len(notes))
    try:
        for index, note in enumerate(notes):
            if index % 50 == 0:
                progress(90 * index // total)
            note_id = _text(note.get("id")) if isinstance(note, dict) else ""
            if not note_id:
                rows.append(
                    row(
                        source_id=f"#{index + 1}",
                        kind="submission",
                        action="refuse",
                        label=_("Entry %(number)d") % {"number": index + 1},
                        reasons=[_("Not an OpenReview note: it has no id.")],
                    )
                )
                continue
            note = {**note, "id": note_id}
            if note_id in seen:
                rows.append(
                    row(
                        source_id=note_id,
                        kind="submission",
                        action="refuse",
                        label=_label(note),
                        reasons=[_("Duplicate: the note %(id)s appears twice.") % {"id": note_id}],
                    )
                )
                continue
            seen.add(note_id)
            if _is_submission(note):
                try:
                    submission_row = _submission_row(note, ctx, files)
                except _UnexpectedShape as error:
                    submission_row = row(
                        source_id=note_id,
                        kind="submission",
                        action="refuse",
                        label=_label(note),
                        reasons=[_shape_message(error)],
                    )
                submissions[note_id] = submission_row
                rows.append(submission_row)
            elif _is_official_review(note):
                reviews.append(note)  # after every submission: they name their forum
            else:
                rows.append(
                    row(
                        source_id=note_id,
                        kind="other",
                        action="skip",
                        label=_label(note),
                        reasons=[_skip_reason(note)],
                    )
                )
        for note in reviews:
            try:
                rows.append(_review_row(note, ctx, submissions))
            except _UnexpectedShape as error:
                rows.append(
                    row(
                        source_id=note["id"],
                        kind="imported_review_text",
                        action="refuse",
                        label=_label(note),
                        reasons=[_shape_message(error)],
                    )
                )
    finally:
        if files is not None:
            files.close()
    progress(99)
    review_fields = sorted({field for note in reviews for field in _content(note)})
    return {"rows": rows, "columns": ["label", "action", "reasons"], "review_fields": review_fields}


# --- apply ------------------------------------------------------------------------------


def _parse_datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _organisations(rows: list[dict]) -> dict[str, Organisation]:
    """Organisation per row's source id: existing ones read once, new ones made once per
    (name, country)."""
    codes = {r["data"]["organisation"].get("code") for r in rows} - {None}
    existing = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    missing = codes - set(existing)
    if missing:
        raise ValidationError(
            _("Organisation %(codes)s no longer exists: preview again.")
            % {"codes": ", ".join(sorted(missing))}
        )
    made: dict[tuple[str, str], Organisation] = {}
    result = {}
    for r in rows:
        choice = r["data"]["organisation"]
        if "code" in choice:
            result[r["source_id"]] = existing[choice["code"]]
            continue
        key = (choice["new"]["name"], choice["new"]["country"])
        if key not in made:
            made[key] = Organisation(name=key[0], country=key[1], type=Organisation.Type.OTHER)
        result[r["source_id"]] = made[key]
    Organisation.objects.bulk_create(made.values())
    return result


def _snapshot(submission: Submission, authors: list[dict]) -> dict:
    return {
        "title": submission.title,
        "abstract": submission.abstract,
        "keywords": submission.keywords,
        "authors": authors,
        "imported_from": "openreview",
    }


def _apply_submissions(
    run: ImportRun, user, rows: list[dict], files: ImportFiles | None, progress
) -> tuple[dict[str, Submission], int, int]:
    """Create and update the submissions; returns {note id: submission}, created, updated."""
    workshop = run.workshop
    organisations = _organisations(rows)
    records = {
        r.source_id: r
        for r in ImportedRecord.objects.filter(
            workshop=workshop,
            source=SOURCE,
            kind="submission",
            source_id__in=[x["source_id"] for x in rows],
        )
    }
    existing = {
        s.code: s
        for s in Submission.objects.filter(
            code__in=[r.object_code for r in records.values()]
        ).select_for_update()
    }
    now = timezone.now()
    to_create: list[tuple[dict, Submission]] = []
    to_update: list[tuple[dict, Submission]] = []
    for r in rows:
        data = r["data"]
        record = records.get(r["source_id"])
        submission = existing.get(record.object_code) if record else None
        if submission is not None and submission.state in _CLOSED_STATES:
            continue  # closed since the preview: the portal's decision stands
        if submission is None:
            submission = Submission(
                workshop=workshop,
                contact=user,
                state=Submission.State.SUBMITTED,
                submitted_at=_parse_datetime(data["submitted_at"]) or now,
            )
            to_create.append((r, submission))
        else:
            submission.revision += 1
            to_update.append((r, submission))
        submission.organisation = organisations[r["source_id"]]
        submission.title = data["title"]
        submission.abstract = data["abstract"]
        submission.keywords = data["keywords"]
        submission.updated_at = now
    Submission.objects.bulk_create([s for _r, s in to_create], batch_size=BATCH)
    Submission.objects.bulk_update(
        [s for _r, s in to_update],
        ["organisation", "title", "abstract", "keywords", "revision", "updated_at"],
        batch_size=BATCH,
    )
    progress(30)
    touched = to_create + to_update
    # Authors: replaced as a whole, in the export's order.
    Author.objects.filter(submission__in=[s for _r, s in to_update]).delete()
    Author.objects.bulk_create(
        [
            Author(
                submission=s,
                name=a["name"],
                affiliation=a["affiliation"],
                position=position,
            )
            for r, s in touched
            for position, a in enumerate(r["data"]["authors"])
        ],
        batch_size=BATCH,
    )
    progress(40)
    _apply_files(user, touched, files, now, progress)
    progress(80)
    _versions(user, touched)
    ImportedRecord.objects.bulk_create(
        [
            ImportedRecord(
                workshop=workshop,
                source=SOURCE,
                kind="submission",
                source_id=r["source_id"],
                object_code=s.code,
                run=run,
            )
            for r, s in touched
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["workshop", "source", "kind", "source_id"],
        update_fields=["object_code", "run", "updated_at"],
    )
    return {r["source_id"]: s for r, s in touched}, len(to_create), len(to_update)


def _apply_files(user, touched, files: ImportFiles | None, now, progress) -> None:
    with_pdf = [(r, s) for r, s in touched if r["data"]["pdf"]]
    if not with_pdf:
        return
    if files is None:
        raise ValidationError(_("The files archive is gone: upload the import again."))
    current = {
        f.submission_id: f
        for f in SubmissionFile.objects.filter(
            submission__in=[s for _r, s in with_pdf],
            kind=SubmissionFile.Kind.MAIN,
            detached_at__isnull=True,
        )
    }
    made = []
    replaced = []
    for index, (r, submission) in enumerate(with_pdf):
        if index % 20 == 0:
            progress(40 + 40 * index // len(with_pdf))
        pdf = r["data"]["pdf"]
        old = current.get(submission.pk)
        if old is not None and old.sha256 == pdf["sha256"]:
            continue
        # The same checks again, as the browser's attach runs them: what is stored is what
        # was checked, whatever happened to the archive since the preview.
        with files.open(pdf["member"]) as upload:
            checked = file_validate(upload=upload, allowed=MAIN_DOCUMENT_KINDS)
            file = SubmissionFile(
                submission=submission,
                kind=SubmissionFile.Kind.MAIN,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=user,
                uploaded_at=now,
            )
            upload.seek(0)
            file.file.save(checked.original_name, upload, save=False)
        made.append(file)
        if old is not None:
            old.detached_at = now
            replaced.append(old)
    SubmissionFile.objects.bulk_update(replaced, ["detached_at"], batch_size=BATCH)
    SubmissionFile.objects.bulk_create(made, batch_size=BATCH)


def _versions(user, touched) -> None:
    submissions = [s for _r, s in touched]
    last = dict(
        SubmissionVersion.objects.filter(submission__in=submissions)
        .values("submission")
        .annotate(last=Max("number"))
        .values_list("submission", "last")
    )
    versions = [
        SubmissionVersion(
            submission=s,
            number=(last.get(s.pk) or 0) + 1,
            created_by=user,
            metadata=_snapshot(s, r["data"]["authors"]),
        )
        for r, s in touched
    ]
    SubmissionVersion.objects.bulk_create(versions, batch_size=BATCH)
    files = {}
    for f in SubmissionFile.objects.filter(
        submission__in=submissions, detached_at__isnull=True
    ).values_list("submission_id", "pk"):
        files.setdefault(f[0], []).append(f[1])
    through = SubmissionVersion.files.through
    through.objects.bulk_create(
        [
            through(submissionversion_id=v.pk, submissionfile_id=file_id)
            for v in versions
            for file_id in files.get(v.submission_id, [])
        ],
        batch_size=BATCH,
    )


def _placeholders(rows: list[dict]) -> dict[str, User]:
    """The placeholder reviewer per reviewer key: found by its address, made once."""
    wanted = {r["data"]["reviewer"]["email"]: r["data"]["reviewer"] for r in rows}
    found = {u.email: u for u in User.objects.filter(email__in=wanted)}
    made = []
    for email, reviewer in wanted.items():
        if email in found:
            continue
        # Inactive with no usable password: it can never log in, nor be sent mail or be
        # picked as a reviewer (every pool and mailing reads active accounts only).
        user = User(email=email, full_name=reviewer["name"], is_active=False)
        user.set_unusable_password()
        made.append(user)
        found[email] = user
    User.objects.bulk_create(made, batch_size=BATCH)
    return {reviewer["key"]: found[email] for email, reviewer in wanted.items()}


def _apply_portal_reviews(
    run: ImportRun, user, rows: list[tuple[dict, Submission]]
) -> dict[str, tuple[Review, str]]:
    """The portal reviews of the mapped rows: {note id: (review, "created" | "updated" |
    "unchanged")}."""
    if not rows:
        return {}
    workshop = run.workshop
    current = criteria_set_current(workshop=workshop)
    set_ids = {r["data"]["criteria_set"] for r, _s in rows}
    if current is None or set_ids != {current.pk}:
        raise ValidationError(_("The criteria set changed since the preview: preview again."))
    criteria = {c.code: c.pk for c in Criterion.objects.filter(criteria_set=current)}
    placeholders = _placeholders([r for r, _s in rows])
    now = timezone.now()
    items = []
    for r, submission in rows:
        data = r["data"]
        if any(code not in criteria for code in data["scores"]):
            raise ValidationError(_("The criteria set changed since the preview: preview again."))
        items.append(
            ImportedReview(
                submission=submission,
                reviewer=placeholders[data["reviewer"]["key"]],
                submitted_at=_parse_datetime(data["written_at"]) or now,
                data=ReviewInput(
                    **data["texts"],
                    scores={
                        criteria[code]: ScoreInput(level=level)
                        for code, level in data["scores"].items()
                    },
                ),
            )
        )
    results = reviews_import(workshop=workshop, criteria_set=current, items=items, created_by=user)
    ImportedRecord.objects.bulk_create(
        [
            ImportedRecord(
                workshop=workshop,
                source=SOURCE,
                kind="review",
                source_id=r["source_id"],
                object_code=review.code,
                run=run,
            )
            for (r, _s), (review, _action) in zip(rows, results, strict=True)
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["workshop", "source", "kind", "source_id"],
        update_fields=["object_code", "run", "updated_at"],
    )
    return {r["source_id"]: result for (r, _s), result in zip(rows, results, strict=True)}


def _apply_reviews(
    run: ImportRun, user, rows: list[dict], submissions: dict[str, Submission]
) -> tuple[int, int]:
    workshop = run.workshop
    forums = {r["data"]["forum"] for r in rows} - set(submissions)
    if forums:
        # Reviews of submissions imported by an earlier run.
        codes = dict(
            ImportedRecord.objects.filter(
                workshop=workshop, source=SOURCE, kind="submission", source_id__in=forums
            ).values_list("source_id", "object_code")
        )
        by_code = {s.code: s for s in Submission.objects.filter(code__in=codes.values())}
        submissions = {**submissions, **{f: by_code[c] for f, c in codes.items() if c in by_code}}
    # Its submission was skipped (closed since the preview): the review goes with it.
    rows = [r for r in rows if r["data"]["forum"] in submissions]
    portal_reviews = _apply_portal_reviews(
        run,
        user,
        [(r, submissions[r["data"]["forum"]]) for r in rows if r["kind"] == "review"],
    )
    records = dict(
        ImportedRecord.objects.filter(
            workshop=workshop,
            source=SOURCE,
            kind="imported_review_text",
            source_id__in=[r["source_id"] for r in rows],
        ).values_list("source_id", "object_code")
    )
    existing = {t.code: t for t in ImportedReviewText.objects.filter(code__in=records.values())}
    created = updated = 0
    to_create, to_update, touched = [], [], []
    for r in rows:
        data = r["data"]
        text = existing.get(records.get(r["source_id"], ""))
        if text is None:
            text = ImportedReviewText(workshop=workshop, source=SOURCE)
            to_create.append(text)
        else:
            to_update.append(text)
        text.submission = submissions[data["forum"]]
        text.signature = data["signature"]
        text.content = data["content"]
        text.scores = data["scores"]
        text.criteria_set_id = data["criteria_set"]
        text.written_at = _parse_datetime(data["written_at"])
        review, action = portal_reviews.get(r["source_id"], (None, ""))
        if review is not None:
            text.review = review
        # A mapped row counts as its portal review; the text alone otherwise.
        if action == "created" or (review is None and text.pk is None):
            created += 1
        else:
            updated += 1
        touched.append((r, text))
    ImportedReviewText.objects.bulk_create(to_create, batch_size=BATCH)
    ImportedReviewText.objects.bulk_update(
        to_update,
        ["submission", "signature", "content", "scores", "criteria_set", "written_at", "review"],
        batch_size=BATCH,
    )
    ImportedRecord.objects.bulk_create(
        [
            ImportedRecord(
                workshop=workshop,
                source=SOURCE,
                kind="imported_review_text",
                source_id=r["source_id"],
                object_code=t.code,
                run=run,
            )
            for r, t in touched
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["workshop", "source", "kind", "source_id"],
        update_fields=["object_code", "run", "updated_at"],
    )
    return created, updated


def apply(*, run: ImportRun, user, progress: Callable[[int], None]) -> dict:
    if user is None:
        raise ValidationError(_("An import needs the staff member who applies it."))
    rows = (run.preview or {}).get("rows", [])
    accepted = [r for r in rows if r["action"] in ("create", "update")]
    submission_rows = [r for r in accepted if r["kind"] == "submission"]
    review_rows = [r for r in accepted if r["kind"] in ("review", "imported_review_text")]
    files = ImportFiles(run.files_archive.path) if run.files_archive else None
    try:
        submissions, created, updated = _apply_submissions(
            run, user, submission_rows, files, progress
        )
    finally:
        if files is not None:
            files.close()
    progress(90)
    reviews_created, reviews_updated = _apply_reviews(run, user, review_rows, submissions)
    counts = (run.preview or {}).get("counts", {})
    written = created + updated + reviews_created + reviews_updated
    return {
        "created": created + reviews_created,
        "updated": updated + reviews_updated,
        # Rows accepted by the preview but closed in the portal since count as skipped.
        "skipped": counts.get("skip", 0) + len(accepted) - written,
        "refused": counts.get("refuse", 0),
    }
