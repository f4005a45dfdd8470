"""Reads about a person's own data: their data exports, and the rows the inventory
(privacy.inventory) says hold their personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from imports.models import ImportedRecord
from portal.ids import may_name_a_row
from portal.models import OutgoingEmail, User
from privacy.inventory import Nested, Source
from privacy.models import DataExport
from reviews.models import Review, ReviewerApplication
from submissions.models import Submission


def data_exports_of(*, user: User) -> QuerySet[DataExport]:
    """A person's own exports; nobody else's, staff included: an export is personal."""
    return DataExport.objects.filter(user=user)


def data_export_latest(*, user: User) -> DataExport | None:
    return data_exports_of(user=user).order_by("-created_at", "-pk").first()


def data_export_get_for_owner(*, code: str, user: User) -> DataExport:
    """The export, or 404 for anyone but its owner."""
    if not user.is_authenticated or not may_name_a_row(code):
        raise Http404
    export = data_exports_of(user=user).filter(code=code).first()
    if export is None:
        raise Http404
    return export


def availability_text(export: DataExport) -> str:
    """ "Available until ..." for a finished export, or why it is not."""
    if export.state != DataExport.State.DONE or export.expires_at is None:
        return ""
    if not export.is_downloadable():
        return _("Expired. Make a new export to download your data.")
    return _("Available until %(date)s.") % {
        "date": formats.date_format(timezone.localtime(export.expires_at), "DATETIME_FORMAT")
    }


def data_export_status(export: DataExport) -> dict:
    """The JSON the progress bar polls (static/portal/job-progress.js)."""
    downloadable = export.is_downloadable()
    return {
        "code": export.code,
        "state": export.state,
        "state_label": str(export.get_state_display()),
        "progress": export.progress,
        "error": export.error if export.state == DataExport.State.FAILED else "",
        "finished_at": (
            formats.date_format(timezone.localtime(export.finished_at), "DATETIME_FORMAT")
            if export.finished_at
            else ""
        ),
        "snapshot": availability_text(export),
        "download_url": (
            reverse("privacy:data_export_download", args=[export.code]) if downloadable else ""
        ),
        "download_label": _("Download"),
    }


def email_addresses_of(*, user: User) -> list[str]:
    """Every address of the person, lower-cased: the account's and allauth's (past
    addresses stay there until removed)."""
    addresses = {user.email.lower()} if user.email else set()
    addresses.update(
        email.lower()
        for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    )
    return sorted(addresses)


def source_model(source: Source | Nested) -> type[models.Model]:
    return apps.get_model(source.model)


def field_of_path(model: type[models.Model], path: str) -> models.Field:
    """The model field a lookup path ends on ("assignment__submission" -> submission)."""
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    return field


def _optimise(query: QuerySet, model: type[models.Model], fields: Iterable[str]) -> QuerySet:
    related, many = set(), set()
    for path in fields:
        parts = path.split("__")
        field = field_of_path(model, path)
        relation_path = parts if field.is_relation else parts[:-1]
        if field.many_to_many:
            many.add("__".join(relation_path))
        elif relation_path:
            related.add("__".join(relation_path))
    if related:
        query = query.select_related(*sorted(related))
    if many:
        query = query.prefetch_related(*sorted(many))
    return query


def _import_records(user: User, addresses: list[str]) -> QuerySet:
    """Import records of what the person submitted, applied with or reviewed: an
    ImportedRecord names the portal object by its code only."""
    codes = (
        Submission.objects.filter(Q(contact=user) | Q(authors__user=user)).values("code"),
        ReviewerApplication.objects.filter(user=user).values("code"),
        Review.objects.filter(assignment__reviewer=user).values("code"),
    )
    condition = Q()
    for subquery in codes:
        condition |= Q(object_code__in=subquery)
    return ImportedRecord.objects.filter(condition).order_by("pk")


def _emails(user: User, addresses: list[str]) -> list[OutgoingEmail]:
    """Mail addressed to any of the person's addresses. `to` is a JSON list, which SQLite
    cannot search by element: narrowed by text in the database, then exactly here."""
    if not addresses:
        return []
    condition = Q()
    for address in addresses:
        condition |= Q(to__icontains=address)
    wanted = set(addresses)
    return [
        email
        for email in OutgoingEmail.objects.filter(condition).order_by("created_at", "pk")
        if any(str(recipient).strip().lower() in wanted for recipient in email.to or [])
    ]


CUSTOM_ROWS: dict[str, Callable[[User, list[str]], Iterable[models.Model]]] = {
    "import_records": _import_records,
    "emails": _emails,
}


def personal_data_rows(*, source: Source, user: User, addresses: list[str]) -> Iterable:
    """The rows of `source` that hold the person's data, with what exporting their fields
    reads (related objects, many-to-many fields and nested rows) fetched in bulk."""
    model = source_model(source)
    if source.custom:
        rows = CUSTOM_ROWS[source.custom](user, addresses)
        if isinstance(rows, QuerySet):
            return _optimise(rows, model, source.fields)
        return rows
    condition = Q()
    for lookup in source.person:
        condition |= Q(**{lookup: user.pk})
    for name in source.email:
        for address in addresses:
            condition |= Q(**{f"{name}__iexact": address})
    query = model._default_manager.filter(condition).order_by("pk")
    query = _optimise(query, model, source.fields)
    for nested in source.nested:
        nested_model = source_model(nested)
        inner = _optimise(nested_model._default_manager.order_by("pk"), nested_model, nested.fields)
        query = query.prefetch_related(Prefetch(nested.relation, queryset=inner))
    return query
