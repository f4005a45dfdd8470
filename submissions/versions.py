"""What changed between two versions of a submission, for the staff's version page."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist

from submissions.models import Submission, SubmissionVersion


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object


def _snapshot_label(name: str) -> str:
    try:
        field = Submission._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    if field.auto_created and not field.concrete:
        # A reverse relation (the authors) has no verbose name of its own: its model's
        # plural names it.
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def _snapshot_display(value):
    """A snapshot value as staff read it: authors as "Name (Affiliation)", lists joined."""
    if not isinstance(value, list):
        return value
    if value and isinstance(value[0], dict):
        return "; ".join(_author_display(author) for author in value)
    return ", ".join(str(item) for item in value)


def _author_display(author: dict) -> str:
    name, affiliation = author.get("name", ""), author.get("affiliation", "")
    return f"{name} ({affiliation})" if affiliation else name


def version_diff(*, old: SubmissionVersion | None, new: SubmissionVersion) -> dict:
    """Fields and files that changed from `old` to `new`, for staff."""
    before = old.metadata if old else {}
    changes = []
    for name, value in new.metadata.items():
        if before.get(name) != value:
            changes.append(
                Change(
                    field=name,
                    label=_snapshot_label(name),
                    old=_snapshot_display(before.get(name)),
                    new=_snapshot_display(value),
                )
            )
    old_files = {f.sha256: f for f in old.files.all()} if old else {}
    new_files = {f.sha256: f for f in new.files.all()}
    return {
        "changes": changes,
        "files_added": [f for sha, f in new_files.items() if sha not in old_files],
        "files_removed": [f for sha, f in old_files.items() if sha not in new_files],
    }
