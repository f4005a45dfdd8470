"""The sources an import reads, one module each, loaded by name.

A source module (imports/sources/<source>.py) defines:

    def preview(*, run: ImportRun, progress: Callable[[int], None]) -> dict
        Reads run.data_file, run.files_archive (through imports.archives) and run.options;
        writes nothing. Returns {"rows": [row, ...], "counts": {"create": n, "update": n,
        "skip": n, "refuse": n}, ...}: counts() below makes the counts. Each row is

            {"source_id": str, "kind": "submission" | "review" | "imported_review_text"
             | "reviewer_application", "action": "create" | "update" | "skip" | "refuse",
             "label": str, "reasons": [str, ...], "data": {...}}

        (reasons translated, data JSON-safe: what apply would write). A problem with the
        whole export (not JSON, not a list) is a ValidationError: the run fails, with it.

    def apply(*, run: ImportRun, user, progress: Callable[[int], None]) -> dict
        Writes the rows of run.preview whose action is create or update, and records each
        object in ImportedRecord. Called inside one transaction (all or nothing). Returns
        {"created": n, "updated": n, "skipped": n, "refused": n}.

and may define:

    DATA_FILE_EXTENSIONS: frozenset[str]   e.g. {".json"}; the default allows .json, .csv
    def check_data_file(*, upload) -> None  more checks on upload (ValidationError)
    def options_form_fields(...)            (not used by the framework)

`progress(percent)` may be called as often as convenient: it writes at most once per
percent.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# source -> module path; the EU Survey module lives beside this one.
SOURCES = {
    "openreview": "imports.sources.openreview",
    "eusurvey": "imports.sources.eusurvey",
}

ACTIONS = ("create", "update", "skip", "refuse")
DEFAULT_DATA_FILE_EXTENSIONS = frozenset({".json", ".csv"})


def source_module(source: str) -> ModuleType:
    """The module of `source`, imported on first use."""
    path = SOURCES.get(source)
    if path is None:
        raise ValidationError(_("Unknown import source “%(source)s”.") % {"source": source})
    return importlib.import_module(path)


def counts(rows: list[dict]) -> dict[str, int]:
    """The preview's counts per action, every action present."""
    totals = dict.fromkeys(ACTIONS, 0)
    for row in rows:
        totals[row["action"]] += 1
    return totals


def row(
    *,
    source_id: str,
    kind: str,
    action: str,
    label: str,
    reasons: list[str] | None = None,
    data: dict | None = None,
) -> dict:
    """A preview row in the shape every source returns."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return {
        "source_id": source_id,
        "kind": kind,
        "action": action,
        "label": label,
        "reasons": [str(reason) for reason in reasons or []],
        "data": data or {},
    }
