"""EU Survey: a results export (CSV or XLSX, one row per contribution) and, optionally, a
ZIP of the files contributors uploaded, one folder per contribution id.

The rows become submissions or reviewer applications (run.target), through the column
mapping staff saved for the survey (imports.surveys, SurveyMapping). preview() reads and
checks everything and writes nothing; apply() writes the rows the preview accepted, in the
transaction the framework opened, and records each contribution id in ImportedRecord so
that importing the next export of the same survey updates instead of duplicating.

Decisions, so that staff can predict the result:

- Organisations (submissions) are matched by name, ignoring case and spacing. An unknown
  one refuses the row, unless the run's options say `create_organisations`: then it is
  created (type "Other") with the country from the column mapped to "Organisation
  country", which must then be readable.
- The contact person is the user with the contact email (any case); a user is created,
  without a password, when there is none (they set one through "forgot password"). The
  contact is made a member of the organisation (its administrator when the import creates
  the organisation).
- Imported submissions are submitted (version 1 is their snapshot), dated by EU Survey's
  "Creation date"; no email is sent. A re-import updates the working copy and adds a
  version when something changed; a submission that staff already screened is left alone
  (refused row).
- Reviewer applications are pending; expertise comes from the mapped risk-area and method
  columns at the level "Working knowledge"; with no review language given, English.
- Multiple answers in one cell are separated by semicolons or line breaks; authors are
  "Name (Affiliation)", one per line or semicolon. Dates are read day first (31/12/2024).
- A cell that starts like a formula (= + - @) is kept as the text it is, never evaluated,
  and the row says so: exports elsewhere neutralise it when it goes back out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from imports.archives import ImportFiles
from imports.models import ImportedRecord, ImportRun
from imports.selectors import survey_mapping_for
from imports.surveys import (
    TARGET_APPLICATIONS,
    headers_fingerprint,
    is_contribution_id,
    is_metadata,
    mapping_for_headers,
    mapping_guess,
    normalise_header,
    target_fields,
)
from imports.tabular import Table, looks_like_formula, read_table
from portal.languages import EU_LANGUAGES
from portal.models import Membership, Organisation, User
from reviews.models import ReviewerApplication, ReviewerExpertise
from submissions.files import MAIN_DOCUMENT_KINDS, SUPPLEMENTARY_KINDS
from submissions.models import Author, Method, RiskArea, Submission, SubmissionFile
from submissions.services import provider_get_or_create, submission_snapshot

SOURCE = ImportRun.Source.EUSURVEY
KIND_SUBMISSION = "submission"
KIND_APPLICATION = "reviewer_application"
DATA_FILE_EXTENSIONS = frozenset({".csv", ".xlsx"})
_SPLIT = re.compile(r"\s*(?:;|\r?\n|\|)\s*")
_AUTHOR = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<affiliation>[^()]*)\)\s*$")
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
)
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", "T%H:%M", "T%H:%M:%S")

Progress = Callable[[int], None]


# ---------------------------------------------------------------------------- reading


class _Archive:
    """The uploaded ZIP (imports.archives: names, links and sizes checked), by
    contribution id: `<contribution id>/<file name>`, possibly under a top-level folder."""

    def __init__(self, run: ImportRun):
        # contribution id -> {file name, case-folded: member name}
        self.by_id: dict[str, dict[str, str]] = {}
        self.files: ImportFiles | None = None
        self._handle = None
        if not run.files_archive:
            return
        self._handle = run.files_archive.open("rb")
        try:
            self.files = ImportFiles(self._handle)
        except BaseException:
            self._handle.close()
            raise
        for member in sorted(self.files.names):
            parts = member.split("/")
            if len(parts) < 2 or "__MACOSX" in parts or parts[-1].startswith("."):  # noqa: PLR2004
                continue
            self.by_id.setdefault(parts[-2].strip(), {})[parts[-1].casefold()] = member

    @property
    def present(self) -> bool:
        return self.files is not None

    def files_of(self, contribution: str) -> dict[str, str]:
        return self.by_id.get(contribution, {})

    def close(self) -> None:
        if self.files is not None:
            self.files.close()
        if self._handle is not None:
            self._handle.close()


def _examples(table: Table) -> dict[str, str]:
    """The first answer of each question column, shown beside it on the mapping page."""
    examples = {}
    for position, header in enumerate(table.headers):
        if is_metadata(header):
            continue
        value = next((_text(cells[position]) for cells in table.rows if _text(cells[position])), "")
        examples[header] = value[:120]
    return examples


def check_data_file(*, upload) -> None:
    """Refuse, at upload, a file that is not a readable export with contribution ids."""
    table = read_table(upload, name=upload.name or "")
    if not any(is_contribution_id(h) for h in table.headers):
        raise ValidationError(_no_id_column_message())


def _no_id_column_message() -> str:
    return _("The export has no “Contribution ID” column: is it an EU Survey results export?")


def _read_export(run: ImportRun) -> Table:
    with run.data_file.open("rb") as handle:
        return read_table(handle, name=run.data_file_name or run.data_file.name)


# ---------------------------------------------------------------------------- cells


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split(value) -> list[str]:
    return [part for part in _SPLIT.split(_text(value)) if part]


def _parse_date(value) -> date | None:
    """A date from a date or datetime cell, or from text; None when unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for day_format in _DATE_FORMATS:
        for suffix in _TIME_SUFFIXES:
            try:
                return datetime.strptime(text, day_format + suffix).date()
            except ValueError:
                continue
    return None


def _parse_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = _text(value)
        moment = None
        for day_format in _DATE_FORMATS:
            for suffix in _TIME_SUFFIXES:
                try:
                    moment = datetime.strptime(text, day_format + suffix)
                    break
                except ValueError:
                    continue
            if moment is not None:
                break
        if moment is None:
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class _Vocabularies:
    """Answers matched to codes: by code, by English name, or by label in the current or
    English language, ignoring case."""

    def __init__(self):
        self.risk_areas = self._index(RiskArea.objects.all())
        self.methods = self._index(Method.objects.all())
        self.languages = self._choices(EU_LANGUAGES)
        self.choices = {
            name: self._choices(Submission._meta.get_field(name).choices)
            for name in (
                "version_type",
                "release_channel",
                "access_level",
                "stage",
                "artefacts",
                "confidentiality",
                "summary_consent",
            )
        }
        self.choices["language"] = self.languages

    @staticmethod
    def _index(rows) -> dict[str, str]:
        index = {}
        for row in rows:
            for key in (row.code, row.name, str(row.label)):
                index[key.casefold()] = row.code
            with translation.override("en"):
                index[str(row.label).casefold()] = row.code
        return index

    @staticmethod
    def _choices(choices) -> dict[str, str]:
        index = {}
        for value, label in choices:
            index[str(value).casefold()] = value
            index[str(label).casefold()] = value
            with translation.override("en"):
                index[str(label).casefold()] = value
        return index


# ---------------------------------------------------------------------------- mapping


def _mapping(run: ImportRun, table: Table) -> tuple[dict[str, str], dict]:
    """The mapping this run uses ({header: field}) and where it came from."""
    options = run.options or {}
    known = {f.name for f in target_fields(run.target)}
    if isinstance(options.get("mapping"), dict):
        mapping = mapping_for_headers(options["mapping"], table.headers)
        return {h: f for h, f in mapping.items() if f in known}, {"origin": "options"}
    saved, how = survey_mapping_for(
        workshop=run.workshop,
        target=run.target,
        headers=table.headers,
        alias=str(options.get("alias", "")),
    )
    if saved is not None:
        mapping = mapping_for_headers(saved.mapping, table.headers)
        return (
            {h: f for h, f in mapping.items() if f in known},
            {"origin": "saved", "matched_by": how, "alias": saved.alias, "saved_id": saved.pk},
        )
    return mapping_guess(table.headers, run.target), {"origin": "guess"}


def _mapping_message(info: dict) -> str:
    if info["origin"] == "options":
        return _("The column mapping chosen for this import is applied.")
    if info["origin"] == "saved":
        if info["matched_by"] == "alias":
            return _("The mapping saved for the survey “%(alias)s” is applied.") % {
                "alias": info["alias"]
            }
        if info["matched_by"] == "fingerprint":
            return _(
                "The mapping saved for this survey is applied automatically: the export has "
                "the same questions."
            )
        return _(
            "A saved mapping is applied: every column it maps is in this export, but the "
            "survey's questions changed. Check the mapping."
        )
    return _(
        "No mapping is saved for this survey: the columns were matched by their wording. "
        "Check the mapping and save it."
    )


# ---------------------------------------------------------------------------- rows


class _Row:
    def __init__(self, *, source_id: str, line: int, kind: str):
        self.source_id = source_id
        self.line = line
        self.kind = kind
        self.action = ""
        self.label = ""
        self.reasons: list[str] = []
        self.notes: list[str] = []
        self.data: dict = {}
        # Fields whose cell was refused: not reported as empty on top.
        self.bad_fields: set[str] = set()

    def refuse(self, reason: str) -> None:
        self.reasons.append(reason)

    def as_dict(self) -> dict:
        action = self.action
        if self.reasons and action != "skip":
            action = "refuse"
        return {
            "source_id": self.source_id,
            "line": self.line,
            "kind": self.kind,
            "action": action,
            "label": self.label,
            # Refusals first, then what staff should notice on a row that is imported.
            "reasons": self.reasons + self.notes,
            "notes": self.notes,
            "data": self.data,
        }


class _Checker:
    """Turns mapped cells into checked, JSON-safe values, noting every problem on the row."""

    def __init__(self, *, target: str, vocab: _Vocabularies):
        self.fields = {f.name: f for f in target_fields(target)}
        self.vocab = vocab

    def value(self, row: _Row, name: str, cell):  # noqa: C901, PLR0911, PLR0912 -- one branch per kind
        field = self.fields[name]
        label = str(field.label)
        text = _text(cell)
        if field.kind not in ("date",) and not text:
            return None
        if (
            field.kind in ("text", "organisation", "provider", "email", "url")
            and field.max_length
            and len(text) > field.max_length
        ):
            row.refuse(
                _("“%(field)s” is too long: %(length)d characters, at most %(max)d.")
                % {"field": label, "length": len(text), "max": field.max_length}
            )
            return None
        if field.kind in ("text", "organisation", "provider"):
            return text
        if field.kind == "email":
            try:
                validate_email(text)
            except ValidationError:
                row.refuse(
                    _("“%(field)s”: “%(value)s” is not an email address.")
                    % {"field": label, "value": text}
                )
                return None
            return text
        if field.kind == "url":
            try:
                URLValidator(schemes=["https"])(text)
            except ValidationError:
                row.refuse(
                    _("“%(field)s”: “%(value)s” is not an https:// address.")
                    % {"field": label, "value": text}
                )
                return None
            return text
        if field.kind == "date":
            if text == "":
                return None
            parsed = _parse_date(cell)
            if parsed is None:
                row.refuse(
                    _("“%(field)s”: “%(value)s” is not a date that can be read (use 31/12/2024).")
                    % {"field": label, "value": text}
                )
                return None
            return parsed.isoformat()
        if field.kind == "choice":
            value = self.vocab.choices[name].get(text.casefold())
            if value is None:
                row.refuse(
                    _("“%(field)s”: “%(value)s” is not one of the choices.")
                    % {"field": label, "value": text}
                )
            return value
        if field.kind in ("list", "languages"):
            index = {
                "risk_areas": self.vocab.risk_areas,
                "methods": self.vocab.methods,
                "languages": self.vocab.languages,
            }[name]
            codes = []
            for part in _split(cell):
                code = index.get(part.casefold())
                if code is None:
                    row.refuse(
                        _("“%(field)s”: “%(value)s” is not one of the choices.")
                        % {"field": label, "value": part}
                    )
                elif code not in codes:
                    codes.append(code)
            return codes
        if field.kind == "country":
            code = countries.by_name(text) or (text.upper() if text.upper() in countries else "")
            if not code:
                row.refuse(
                    _("“%(field)s”: “%(value)s” is not a country.")
                    % {"field": label, "value": text}
                )
                return None
            return code
        if field.kind == "integer":
            try:
                number = int(float(text))
            except ValueError:
                number = 0
            if not 1 <= number <= 50:  # noqa: PLR2004 -- MAX_REVIEWS_LIMIT
                row.refuse(
                    _("“%(field)s”: “%(value)s” is not a whole number from 1 to 50.")
                    % {"field": label, "value": text}
                )
                return None
            return number
        if field.kind == "authors":
            authors = []
            for part in _split(cell):
                match = _AUTHOR.match(part)
                name, affiliation = (
                    (match["name"].strip(), match["affiliation"].strip()) if match else (part, "")
                )
                if len(name) > field.max_length or len(affiliation) > field.max_length:
                    row.refuse(
                        _("“%(field)s”: “%(value)s” is too long.") % {"field": label, "value": part}
                    )
                    continue
                authors.append({"name": name, "affiliation": affiliation})
            return authors
        if field.kind in ("file", "files"):
            return _split(cell)
        raise AssertionError(field.kind)


def _files(
    row: _Row, *, archive: _Archive, wanted: list[tuple[str, list[str] | None]]
) -> list[dict]:
    """Check the uploaded files of a row. `wanted` is [(kind, file names or None)]: None
    means "whatever the contribution's folder holds" (see _auto_files)."""
    found = []
    folder = archive.files_of(row.source_id)
    for kind, names in wanted:
        allowed = SUPPLEMENTARY_KINDS if kind == "supplementary" else MAIN_DOCUMENT_KINDS
        for name in names or []:
            member = folder.get(name.casefold())
            if member is None:
                row.refuse(
                    _("The file “%(name)s” is not in the archive, in the folder “%(folder)s”.")
                    % {"name": name, "folder": row.source_id}
                )
                continue
            try:
                checked = archive.files.validate(member, allowed=allowed)
            except ValidationError as error:
                row.refuse(" ".join(error.messages))
                continue
            found.append(
                {
                    "kind": kind,
                    "member": member,
                    "name": checked.original_name,
                    "size": checked.size,
                    "sha256": checked.sha256,
                }
            )
    return found


def _auto_files(folder: dict[str, str], *, target: str) -> list[tuple[str, list]]:
    """With no column naming the files: the contribution's first PDF (by name) is the main
    document or the CV; for a submission, the other files are supplementary."""
    names = sorted(member.rsplit("/", 1)[-1] for member in folder.values())
    pdfs = [n for n in names if n.lower().endswith(".pdf")]
    first = pdfs[:1]
    if target == TARGET_APPLICATIONS:
        return [("cv", first)]
    return [("main", first), ("supplementary", [n for n in names if n not in first])]


def _row_values(
    row: _Row, *, cells: list, table: Table, mapping: dict[str, str], checker: _Checker
) -> dict:
    values = {}
    position = {h: i for i, h in enumerate(table.headers)}
    for header, name in mapping.items():
        cell = cells[position[header]]
        if looks_like_formula(cell):
            row.notes.append(
                _(
                    "“%(column)s” starts like a spreadsheet formula (“%(start)s…”): it is "
                    "kept as text and never run."
                )
                % {"column": header[:80], "start": _text(cell)[:20]}
            )
        before = len(row.reasons)
        values[name] = checker.value(row, name, cell)
        if len(row.reasons) > before:
            row.bad_fields.add(name)
    return values


def _record(run: ImportRun, kind: str, source_id: str) -> ImportedRecord | None:
    return ImportedRecord.objects.filter(
        workshop=run.workshop, source=SOURCE, kind=kind, source_id=source_id
    ).first()


def _submission_row(
    row: _Row, *, run: ImportRun, values: dict, archive: _Archive, seen_orgs: dict
) -> None:
    options = run.options or {}
    fields = {f.name: f for f in target_fields(run.target)}
    row.label = values.get("title") or ""
    for required in ("title", "organisation", "contact_email"):
        if not values.get(required) and required in values and required not in row.bad_fields:
            row.refuse(_("“%(field)s” is empty.") % {"field": str(fields[required].label)})
    data: dict = {"fields": {}}
    for name in (
        "title",
        "abstract",
        "keywords",
        "language",
        "model_name",
        "model_version",
        "model_version_date",
        "version_type",
        "release_channel",
        "access_level",
        "threat_scenario",
        "methods_other",
        "elicitation",
        "evaluation_start",
        "evaluation_end",
        "stage",
        "results_summary",
        "artefacts",
        "confidentiality",
        "summary_consent",
        "relevance_statement",
        "conflict_statement",
    ):
        if name in values:
            data["fields"][name] = values[name] if values[name] is not None else ""
    for date_field in ("model_version_date", "evaluation_start", "evaluation_end"):
        if data["fields"].get(date_field) == "":
            data["fields"][date_field] = None
    for name in ("language", "confidentiality"):
        # Fields with a default: an empty answer keeps the default.
        if data["fields"].get(name) in ("", None):
            data["fields"].pop(name, None)
    for name in ("risk_areas", "methods", "authors"):
        if name in values:
            data[name] = values[name] or []
    data["provider"] = values.get("provider") or ""
    data["contact"] = {
        "email": values.get("contact_email") or "",
        "name": values.get("contact_name") or "",
    }

    org_name = " ".join((values.get("organisation") or "").split())
    if org_name:
        key = org_name.casefold()
        if key not in seen_orgs:
            seen_orgs[key] = Organisation.objects.filter(name__iexact=org_name).first()
        organisation = seen_orgs[key]
        if organisation is not None:
            data["organisation"] = {"code": organisation.code, "name": organisation.name}
        elif options.get("create_organisations"):
            country = values.get("organisation_country")
            if not country:
                row.refuse(
                    _(
                        "The organisation “%(name)s” is not in the portal: to create it, the "
                        "column mapped to “Organisation country” must name its country."
                    )
                    % {"name": org_name}
                )
            data["organisation"] = {"code": None, "name": org_name, "country": country}
            row.notes.append(_("The organisation “%(name)s” will be created.") % {"name": org_name})
        else:
            row.refuse(
                _(
                    "The organisation “%(name)s” is not in the portal. Create it first, or "
                    "allow the import to create organisations."
                )
                % {"name": org_name}
            )

    wanted = []
    if "main_document" in values or "supplementary_files" in values:
        wanted = [
            ("main", values.get("main_document") or []),
            ("supplementary", values.get("supplementary_files") or []),
        ]
        if len(wanted[0][1]) > 1:
            row.refuse(_("Name one main document only."))
    elif archive.present:
        wanted = _auto_files(archive.files_of(row.source_id), target=run.target)
    if any(names for _kind, names in wanted) and not archive.present:
        row.notes.append(_("The row names files, but no archive of files was uploaded."))
    elif wanted:
        data["files"] = _files(row, archive=archive, wanted=wanted)

    record = _record(run, KIND_SUBMISSION, row.source_id)
    existing = (
        Submission.objects.filter(code=record.object_code, workshop=run.workshop).first()
        if record
        else None
    )
    if existing is not None:
        row.action = "update"
        data["object_code"] = existing.code
        if not existing.is_editable_state:
            row.refuse(
                _(
                    "The submission imported from this contribution is “%(state)s”: an "
                    "import no longer changes it."
                )
                % {"state": existing.get_state_display()}
            )
    else:
        row.action = "create"
    row.data = data


def _application_row(
    row: _Row, *, run: ImportRun, values: dict, archive: _Archive, emails: Counter
) -> None:
    fields = {f.name: f for f in target_fields(TARGET_APPLICATIONS)}
    email = values.get("email") or ""
    row.label = values.get("full_name") or email
    for required in ("email", "affiliation", "statement"):
        if not values.get(required) and required in values and required not in row.bad_fields:
            row.refuse(_("“%(field)s” is empty.") % {"field": str(fields[required].label)})
    if email and emails[email.casefold()] > 1:
        row.refuse(_("Another contribution in this file has the same email address."))
    languages = values.get("languages") or []
    if not languages:
        languages = ["en"]
        row.notes.append(_("No review language given: English is assumed."))
    if not values.get("risk_areas") and not values.get("methods"):
        row.refuse(_("The row names no risk area and no method of expertise."))
    data = {
        "email": email,
        "full_name": values.get("full_name") or "",
        "affiliation": values.get("affiliation") or "",
        "statement": values.get("statement") or "",
        "cv_link": values.get("cv_link") or "",
        "languages": languages,
        "max_reviews": values.get("max_reviews") or 5,
        "risk_areas": values.get("risk_areas") or [],
        "methods": values.get("methods") or [],
    }
    if "cv_file" in values:
        wanted = [("cv", values.get("cv_file") or [])]
        if len(wanted[0][1]) > 1:
            row.refuse(_("Name one CV file only."))
    elif archive.present:
        wanted = _auto_files(archive.files_of(row.source_id), target=TARGET_APPLICATIONS)
    else:
        wanted = []
    if any(names for _kind, names in wanted) and not archive.present:
        row.notes.append(_("The row names files, but no archive of files was uploaded."))
    elif wanted:
        data["files"] = _files(row, archive=archive, wanted=wanted)

    record = _record(run, KIND_APPLICATION, row.source_id)
    existing = (
        ReviewerApplication.objects.filter(code=record.object_code, workshop=run.workshop).first()
        if record
        else None
    )
    if existing is not None:
        row.action = "update"
        data["object_code"] = existing.code
        if existing.state != ReviewerApplication.State.PENDING:
            row.refuse(
                _(
                    "The application imported from this contribution is “%(state)s”: an "
                    "import no longer changes it."
                )
                % {"state": existing.get_state_display()}
            )
    else:
        row.action = "create"
        if (
            email
            and ReviewerApplication.objects.filter(
                workshop=run.workshop, user__email__iexact=email
            ).exists()
        ):
            row.refuse(
                _("%(email)s has already applied to review for this workshop in the portal.")
                % {"email": email}
            )
    row.data = data


def preview(*, run: ImportRun, progress: Progress) -> dict:
    """Read and check the export; write nothing. See the module docstring."""
    table = _read_export(run)
    id_columns = [i for i, h in enumerate(table.headers) if is_contribution_id(h)]
    if not id_columns:
        raise ValidationError(_no_id_column_message())
    id_column = id_columns[0]
    mapping, info = _mapping(run, table)
    fields = target_fields(run.target)
    missing = [f for f in fields if f.required and f.name not in mapping.values()]
    errors = [_("No column is mapped to “%(field)s”.") % {"field": str(f.label)} for f in missing]
    kind = KIND_APPLICATION if run.target == TARGET_APPLICATIONS else KIND_SUBMISSION
    question_columns = [i for i, h in enumerate(table.headers) if not is_metadata(h)]
    created_column = next(
        (i for i, h in enumerate(table.headers) if normalise_header(h) == "creation date"), None
    )
    ids = [_text(cells[id_column]) for cells in table.rows]
    counts_of_id = Counter(i for i in ids if i)
    emails: Counter = Counter()
    email_header = next((h for h, f in mapping.items() if f == "email"), None)
    if email_header is not None:
        position = table.headers.index(email_header)
        emails = Counter(
            _text(cells[position]).casefold() for cells in table.rows if _text(cells[position])
        )

    vocab = _Vocabularies()
    checker = _Checker(target=run.target, vocab=vocab)
    archive = _Archive(run)
    rows = []
    seen_orgs: dict = {}
    try:
        total = max(len(table.rows), 1)
        for index, cells in enumerate(table.rows):
            row = _Row(source_id=ids[index], line=table.line_numbers[index], kind=kind)
            rows.append(row)
            if all(_text(cells[i]) == "" for i in question_columns):
                row.action = "skip"
                row.notes.append(_("The row is empty."))
                continue
            if not row.source_id:
                row.refuse(_("The row has no contribution ID."))
            elif counts_of_id[row.source_id] > 1:
                others = [
                    str(table.line_numbers[i])
                    for i, other in enumerate(ids)
                    if other == row.source_id and i != index
                ]
                row.refuse(
                    _("The contribution ID %(id)s is also on row %(rows)s of the file.")
                    % {"id": row.source_id, "rows": ", ".join(others)}
                )
            row.reasons.extend(errors)
            values = _row_values(row, cells=cells, table=table, mapping=mapping, checker=checker)
            if row.source_id and counts_of_id[row.source_id] == 1:
                if kind == KIND_SUBMISSION:
                    _submission_row(
                        row, run=run, values=values, archive=archive, seen_orgs=seen_orgs
                    )
                    if created_column is not None:
                        moment = _parse_datetime(cells[created_column])
                        row.data["submitted_at"] = moment.isoformat() if moment else None
                else:
                    _application_row(row, run=run, values=values, archive=archive, emails=emails)
            else:
                row.label = _text(values.get("title") or values.get("email") or "")
            if index % 20 == 0:
                progress(int(100 * index / total))
    finally:
        archive.close()
    progress(100)
    as_dicts = [row.as_dict() for row in rows]
    counts = Counter(row["action"] for row in as_dicts)
    return {
        "rows": as_dicts,
        "counts": {
            action: counts.get(action, 0) for action in ("create", "update", "skip", "refuse")
        },
        "columns": table.headers,
        "examples": _examples(table),
        "mapping": mapping,
        "mapping_origin": info,
        "mapping_message": _mapping_message(info),
        "fingerprint": headers_fingerprint(table.headers),
        "errors": errors,
        "file": {"encoding": table.encoding, "delimiter": table.delimiter},
    }


# ---------------------------------------------------------------------------- apply


def _user_for(email: str, name: str) -> tuple[User, bool]:
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if name and not user.full_name:
            user.full_name = name
            user.save(update_fields=["full_name"])
        return user, False
    user = User.objects.create_user(email=email, password=None, full_name=name)
    return user, True


def _attach(archive: _Archive, *, kind: str, entry: dict, save: Callable) -> None:
    """Check the file again, check it is the one the preview saw, and store it."""
    if not archive.present or entry["member"] not in archive.files.names:
        raise ValidationError(_("The archive of files changed since the preview."))
    allowed = SUPPLEMENTARY_KINDS if kind == "supplementary" else MAIN_DOCUMENT_KINDS
    checked = archive.files.validate(entry["member"], allowed=allowed)
    if checked.sha256 != entry["sha256"]:
        raise ValidationError(_("“%(name)s” changed since the preview.") % {"name": entry["name"]})
    with archive.files.open(entry["member"]) as upload:
        save(upload, checked)


def _apply_submission(row: dict, *, run: ImportRun, user: User, archive: _Archive) -> str:
    data = row["data"]
    org_data = data["organisation"]
    if org_data.get("code"):
        organisation = Organisation.objects.get(code=org_data["code"])
        new_organisation = False
    else:
        organisation = Organisation.objects.filter(name__iexact=org_data["name"]).first()
        new_organisation = organisation is None
        if new_organisation:
            organisation = Organisation(
                name=org_data["name"], type=Organisation.Type.OTHER, country=org_data["country"]
            )
            organisation.full_clean()
            organisation.save()
    contact, _created = _user_for(data["contact"]["email"], data["contact"]["name"])
    Membership.objects.get_or_create(
        organisation=organisation,
        user=contact,
        defaults={"role": Membership.Role.ADMIN if new_organisation else Membership.Role.MEMBER},
    )
    fields = dict(data["fields"])
    for name in ("model_version_date", "evaluation_start", "evaluation_end"):
        if fields.get(name):
            fields[name] = date.fromisoformat(fields[name])

    if row["action"] == "update":
        submission = Submission.objects.select_for_update().get(
            code=data["object_code"], workshop=run.workshop
        )
        if not submission.is_editable_state:
            raise ValidationError(
                _("%(title)s was screened since the preview.") % {"title": submission.title}
            )
        submission.revision += 1
        result = "updated"
    else:
        submission = Submission(workshop=run.workshop, state=Submission.State.SUBMITTED)
        submitted_at = data.get("submitted_at")
        submission.submitted_at = (
            datetime.fromisoformat(submitted_at) if submitted_at else timezone.now()
        )
        result = "created"
    submission.organisation = organisation
    submission.contact = contact
    for name, value in fields.items():
        setattr(submission, name, value)
    if data.get("provider"):
        submission.provider = provider_get_or_create(name=data["provider"])
    submission.full_clean()
    submission.save()
    if "risk_areas" in data:
        submission.risk_areas.set(RiskArea.objects.filter(code__in=data["risk_areas"]))
    if "methods" in data:
        submission.methods.set(Method.objects.filter(code__in=data["methods"]))
    if data.get("authors") or result == "created":
        authors = data.get("authors") or [
            {"name": contact.full_name or contact.email, "affiliation": organisation.name}
        ]
        submission.authors.all().delete()
        Author.objects.bulk_create(
            Author(
                submission=submission,
                name=a["name"],
                affiliation=a["affiliation"] or organisation.name,
                position=i,
            )
            for i, a in enumerate(authors)
        )
    _apply_submission_files(submission, data.get("files") or [], user=user, archive=archive)

    snapshot = submission_snapshot(submission=submission)
    current_files = submission.files.filter(detached_at__isnull=True)
    last = submission.versions.order_by("-number").first()
    if last is None or last.metadata != snapshot or set(last.files.all()) != set(current_files):
        version = submission.versions.create(
            number=(last.number + 1) if last else 1, created_by=user, metadata=snapshot
        )
        version.files.set(current_files)
    _remember(run, KIND_SUBMISSION, row["source_id"], submission.code)
    return result


def _apply_submission_files(
    submission: Submission, entries: list[dict], *, user: User, archive: _Archive
) -> None:
    current = {f.sha256: f for f in submission.files.filter(detached_at__isnull=True)}
    for entry in entries:
        kind = (
            SubmissionFile.Kind.MAIN
            if entry["kind"] == "main"
            else SubmissionFile.Kind.SUPPLEMENTARY
        )
        same = current.get(entry["sha256"])
        if same is not None and same.kind == kind:
            continue

        def save(upload, checked, kind=kind):
            now = timezone.now()
            if kind == SubmissionFile.Kind.MAIN:
                submission.files.filter(kind=kind, detached_at__isnull=True).update(detached_at=now)
            file = SubmissionFile(
                submission=submission,
                kind=kind,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=user,
                uploaded_at=now,
            )
            file.file.save(checked.original_name, upload, save=False)
            file.save()

        _attach(archive, kind=entry["kind"], entry=entry, save=save)


def _apply_application(row: dict, *, run: ImportRun, user: User, archive: _Archive) -> str:
    data = row["data"]
    applicant, _created = _user_for(data["email"], data["full_name"])
    if row["action"] == "update":
        application = ReviewerApplication.objects.select_for_update().get(
            code=data["object_code"], workshop=run.workshop
        )
        if application.state != ReviewerApplication.State.PENDING:
            raise ValidationError(_("An application was decided since the preview."))
        result = "updated"
    else:
        application = ReviewerApplication(workshop=run.workshop, user=applicant)
        result = "created"
    application.user = applicant
    application.statement = data["statement"]
    application.affiliation = data["affiliation"]
    application.cv_link = data["cv_link"]
    application.languages = data["languages"]
    application.max_reviews = data["max_reviews"]
    application.full_clean(exclude=["cv_file"])
    application.save()
    application.expertise.all().delete()
    ReviewerExpertise.objects.bulk_create(
        [
            ReviewerExpertise(application=application, risk_area=area, level=1)
            for area in RiskArea.objects.filter(code__in=data["risk_areas"])
        ]
        + [
            ReviewerExpertise(application=application, method=method, level=1)
            for method in Method.objects.filter(code__in=data["methods"])
        ]
    )
    for entry in data.get("files") or []:
        if entry["sha256"] == application.cv_sha256:
            continue

        def save(upload, checked):
            application.cv_file.save("cv.pdf", upload, save=False)
            application.cv_original_name = checked.original_name[:255]
            application.cv_size = checked.size
            application.cv_sha256 = checked.sha256
            application.save(
                update_fields=["cv_file", "cv_original_name", "cv_size", "cv_sha256", "updated_at"]
            )

        _attach(archive, kind="cv", entry=entry, save=save)
    _remember(run, KIND_APPLICATION, row["source_id"], application.code)
    return result


def _remember(run: ImportRun, kind: str, source_id: str, code: str) -> None:
    ImportedRecord.objects.update_or_create(
        workshop=run.workshop,
        source=SOURCE,
        kind=kind,
        source_id=source_id,
        defaults={"object_code": code, "run": run},
    )


def apply(*, run: ImportRun, user: User, progress: Progress) -> dict:
    """Write the rows the stored preview accepted. Runs inside the framework's
    transaction: any failure raises and nothing is kept."""
    rows = run.preview.get("rows", [])
    result = {"created": 0, "updated": 0, "skipped": 0, "refused": 0}
    archive = _Archive(run)
    write = _apply_application if run.target == TARGET_APPLICATIONS else _apply_submission
    try:
        total = max(len(rows), 1)
        for index, row in enumerate(rows):
            if row["action"] == "skip":
                result["skipped"] += 1
            elif row["action"] == "refuse":
                result["refused"] += 1
            else:
                result[write(row, run=run, user=user, archive=archive)] += 1
            if index % 20 == 0:
                progress(int(100 * index / total))
    finally:
        archive.close()
    progress(100)
    return result
