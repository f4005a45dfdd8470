"""data.json: everything the inventory (privacy.inventory) finds about one person, grouped
by category and section, with human-readable keys (the fields' names in the person's
language), choices as their labels, dates in ISO 8601 and related objects by name."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.models import User
from privacy import selectors
from privacy.inventory import CATEGORIES, SOURCES, Nested, Source
from submissions.files.names import sanitise_filename

FORMAT = "gpai-eval-portal personal data export"
VERSION = 1


@dataclass
class PersonFile:
    """A file of the person's that goes into the archive under `path`."""

    path: str
    field_file: Any


@dataclass
class Document:
    data: dict
    files: list[PersonFile] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return (
            value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    return str(value)


def export_value(obj: models.Model, path: str) -> Any:
    """The value of a field path of `obj`, as data.json holds it."""
    *steps, name = path.split("__")
    target = obj
    for step in steps:
        target = getattr(target, step)
        if target is None:
            return None
    model_field = target._meta.get_field(name)
    if model_field.is_relation and issubclass(model_field.related_model, User):
        # The inventory never exports a person through someone else's row (a test checks
        # it too); refuse rather than leak a name.
        raise ImproperlyConfigured(f"{path} names a person")
    if model_field.many_to_many:
        return sorted(str(item) for item in getattr(target, name).all())
    if model_field.is_relation:
        related = getattr(target, name, None)
        return None if related is None else str(related)
    value = getattr(target, model_field.attname)
    if model_field.choices and value not in (None, ""):
        return str(dict(model_field.flatchoices).get(value, value))
    return json_safe(value)


def field_label(model: type[models.Model], path: str) -> str:
    """A key for data.json: the field's name, with the object it belongs to when the path
    leaves the row ("submission code")."""
    parts = path.split("__")
    names = []
    for part in parts:
        model_field = model._meta.get_field(part)
        names.append(str(model_field.verbose_name))
        if model_field.is_relation:
            model = model_field.related_model
    if len(names) > 1 and not model_field.is_relation:
        return capfirst(f"{names[-2]} {names[-1]}")
    return capfirst(names[-1])


def _record(obj: models.Model, model: type[models.Model], spec: Source | Nested) -> dict:
    record = {field_label(model, path): export_value(obj, path) for path in spec.fields}
    for nested in getattr(spec, "nested", ()):
        nested_model = selectors.source_model(nested)
        record[str(nested.title)] = [
            _record(row, nested_model, nested) for row in getattr(obj, nested.relation).all()
        ]
    return record


def _file_path(source: Source, obj: models.Model) -> str:
    name = sanitise_filename(str(getattr(obj, source.file_name) or "file"))
    ident = getattr(obj, "code", None) or obj.pk
    return f"files/{source.key}/{ident}-{name}"


def _sections(user: User, addresses: list[str]) -> Iterator[tuple[Source, list]]:
    for source in SOURCES:
        yield (
            source,
            list(selectors.personal_data_rows(source=source, user=user, addresses=addresses)),
        )


def document_build(*, user: User, progress: Callable[[int], None] | None = None) -> Document:
    """The person's data, read in their language; `progress(percent)` after each section."""
    addresses = selectors.email_addresses_of(user=user)
    document = Document(data={})
    document.data[_("About this export")] = {
        _("format"): FORMAT,
        _("version"): VERSION,
        _("generated at"): json_safe(timezone.now()),
        _("account id"): user.pk,
    }
    for title in CATEGORIES.values():
        document.data[str(title)] = {}
    for index, (source, rows) in enumerate(_sections(user, addresses), start=1):
        model = selectors.source_model(source)
        records = []
        for obj in rows:
            record = _record(obj, model, source)
            if source.file:
                field_file = getattr(obj, source.file)
                if field_file:
                    path = _file_path(source, obj)
                    record[_("File in this archive")] = path
                    document.files.append(PersonFile(path=path, field_file=field_file))
            records.append(record)
        document.data[str(CATEGORIES[source.category])][str(source.title)] = records
        document.counts[source.key] = len(records)
        if progress is not None:
            progress(int(80 * index / len(SOURCES)))
    return document
