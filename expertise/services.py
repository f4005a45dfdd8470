"""Writes of publication lists: by hand (create, update, delete) and imported from a file.
Each is one transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from expertise import selectors
from expertise.formats import PARSERS, ImportProblem
from expertise.formats.base import (
    ABSTRACT_MAX,
    TITLE_MAX,
    VENUE_MAX,
    YEAR_MAX,
    YEAR_MIN,
    clean_doi,
    clean_url,
    clip,
    duplicate_keys,
)
from expertise.models import Publication
from portal.models import User
from portal.services.audit import audit_changes, audit_record, audit_stored, personal

_AUDITED = ["kind", "title", "abstract", "year", "venue", "doi", "url"]
# Free text goes to the log only as a hash and length (portal.services.audit.personal).
_TEXT_FIELDS = {"title", "abstract", "venue", "url"}


def file_too_large_message(limit_mb: int) -> str:
    return _("The file is larger than the %(mb)d MB limit.") % {"mb": limit_mb}


@dataclass(frozen=True)
class ImportResult:
    added: int
    duplicates: int
    untitled: int


def _clean(*, kind: str, title: str, abstract: str, year, venue: str, doi: str, url: str):
    errors = {}
    if kind not in Publication.Kind.values:
        errors["kind"] = _("Choose the kind of work.")
    title = clip(title, TITLE_MAX)
    if not title:
        errors["title"] = _("Enter the title.")
    if doi.strip() and not clean_doi(doi):
        errors["doi"] = _("Enter a DOI such as 10.1234/abcd, or leave it empty.")
    if url.strip() and not clean_url(url):
        errors["url"] = _("Enter a web address starting with https:// or http://.")
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = _("Enter a year between %(min)d and %(max)d.") % {
            "min": YEAR_MIN,
            "max": YEAR_MAX,
        }
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "title": title,
        "abstract": (abstract or "").strip()[:ABSTRACT_MAX],
        "year": year,
        "venue": clip(venue, VENUE_MAX),
        "doi": clean_doi(doi),
        "url": clean_url(url),
    }


def _audit_changes(before: dict, after: dict) -> dict:
    changes = audit_changes(before, after)
    for name in _TEXT_FIELDS & set(changes):
        changes[name] = [personal(value) for value in changes[name]]
    return changes


@transaction.atomic
def publication_create(
    *,
    user: User,
    title: str,
    kind: str = Publication.Kind.PUBLICATION,
    abstract: str = "",
    year: int | None = None,
    venue: str = "",
    doi: str = "",
    url: str = "",
) -> Publication:
    fields = _clean(
        kind=kind, title=title, abstract=abstract, year=year, venue=venue, doi=doi, url=url
    )
    publication = Publication.objects.create(user=user, source=Publication.Source.MANUAL, **fields)
    audit_record(
        action="publication.created",
        obj=publication,
        actor=user,
        changes=_audit_changes({}, fields),
    )
    return publication


@transaction.atomic
def publication_update(
    *,
    publication: Publication,
    user: User,
    title: str,
    kind: str,
    abstract: str = "",
    year: int | None = None,
    venue: str = "",
    doi: str = "",
    url: str = "",
) -> Publication:
    fields = _clean(
        kind=kind, title=title, abstract=abstract, year=year, venue=venue, doi=doi, url=url
    )
    before = audit_stored(publication, _AUDITED)
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.save(update_fields=[*fields, "updated_at"])
    changes = _audit_changes(before, fields)
    if changes:
        audit_record(action="publication.updated", obj=publication, actor=user, changes=changes)
    return publication


@transaction.atomic
def publication_delete(*, publication: Publication, user: User) -> None:
    audit_record(
        action="publication.deleted",
        obj=publication,
        actor=user,
        details={"source": publication.source, "year": publication.year},
    )
    publication.delete()


def publications_import(*, user: User, source: str, data: bytes) -> ImportResult:
    """Add the publications a file lists, skipping those already in the user's list (or
    twice in the file) and those without a title. A file that cannot be read adds
    nothing: ValidationError naming the problem (and its line or entry where known)."""
    if source not in PARSERS:
        raise ValidationError({"source": _("Choose the format of the file.")})
    limit_mb = settings.PUBLICATION_IMPORT_MAX_MB
    if len(data) > limit_mb * 1024 * 1024:
        raise ValidationError({"file": file_too_large_message(limit_mb)})
    try:
        entries = PARSERS[source](data)
    except ImportProblem as problem:
        raise ValidationError({"file": problem.message}) from None
    # Parsed outside the transaction (it can take a moment); written inside it, with the
    # user's row locked so a second click on "Import" waits and then finds the duplicates.
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
        seen = selectors.publication_duplicate_keys(user=user)
        new, duplicates, untitled = [], 0, 0
        for entry in entries:
            if not entry.title:
                untitled += 1
                continue
            keys = duplicate_keys(title=entry.title, year=entry.year, doi=entry.doi)
            # A duplicate's keys count too: an entry with the DOI of a listed work and a
            # new title makes that title known as well.
            duplicate = not seen.isdisjoint(keys)
            seen.update(keys)
            if duplicate:
                duplicates += 1
                continue
            new.append(
                Publication(
                    user=user,
                    source=source,
                    title=entry.title,
                    abstract=entry.abstract,
                    year=entry.year,
                    venue=entry.venue,
                    doi=entry.doi,
                    url=entry.url,
                )
            )
        Publication.objects.bulk_create(new, batch_size=500)
        result = ImportResult(added=len(new), duplicates=duplicates, untitled=untitled)
        audit_record(
            action="publications.imported",
            obj=user,
            actor=user,
            details={
                "source": source,
                "added": result.added,
                "duplicates": result.duplicates,
                "untitled": result.untitled,
            },
        )
    return result
