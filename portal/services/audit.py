"""Writing the audit log: one call per decision, from the service that makes it, inside
its transaction (so the event and the change commit or roll back together).

    audit_record(
        action="submission.screened",
        obj=submission,
        actor=user,
        changes=audit_changes(before, after),
        details={"reason": reason},
    )

Actions are stable verbs "<thing>.<past participle>"; the staff log and its CSV show
them as they are. Values are made JSON-safe; text longer than AUDIT_TEXT_LIMIT and any
value wrapped in `personal(...)` is kept only as its SHA-256 and length, so the log holds
no free text nor personal data beyond account ids. Secrets (fields named like a password,
token, secret or key) are never written, whatever the caller passes.
"""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from portal.audit.chain import GENESIS, event_fields, row_digest
from portal.audit.context import get_request_id, get_system_actor
from portal.models import AuditEvent, User, Workshop

# PostgreSQL advisory lock key serialising appends to the chain ("audit" in ASCII).
_CHAIN_LOCK = 0x6175646974

_SECRET_MARKERS = ("password", "secret", "token", "recovery", "otp", "key_digest", "totp")


class personal:  # noqa: N801 -- used like a function: personal(value)
    """Marks a value as personal data: the log keeps its hash and length only."""

    def __init__(self, value):
        self.value = value


def _digest(text: str) -> dict:
    return {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "length": len(text)}


def audit_value(value):
    """A JSON-safe, bounded form of `value` for the log."""
    if isinstance(value, personal):
        raw = value.value
        return None if raw in (None, "") else _digest(str(raw))
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _digest(value) if len(value) > settings.AUDIT_TEXT_LIMIT else value
    if isinstance(value, float | Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return object_code(value)
    if isinstance(value, dict):
        return {str(k): audit_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [audit_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return audit_value(str(value))


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(marker in lowered for marker in _SECRET_MARKERS)


def object_type(obj: models.Model) -> str:
    return obj._meta.model_name


def object_code(obj: models.Model) -> str:
    code = getattr(obj, "code", None)
    return str(code) if code else str(obj.pk)


def audit_snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The values of `fields` now, to compare after the change with `audit_changes`.

    A foreign key is read by its id (no query); a many-to-many field as the sorted list of
    its related objects' codes.
    """
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(object_code(o) for o in getattr(obj, name).all())
        elif field.is_relation:
            values[name] = getattr(obj, field.attname)
        else:
            values[name] = getattr(obj, name)
    return values


def audit_stored(obj: models.Model, fields: list[str]) -> dict:
    """The values of `fields` as stored in the database, for the "before" of a change.

    Use this, not `audit_snapshot`, when a ModelForm bound to `obj` was validated before
    the service runs: validation already wrote the new values onto the instance.
    """
    plain = [name for name in fields if not obj._meta.get_field(name).many_to_many]
    attnames = {name: obj._meta.get_field(name).attname for name in plain}
    row = obj._meta.model._base_manager.filter(pk=obj.pk).values(*attnames.values()).first() or {}
    values = {name: row.get(attname) for name, attname in attnames.items()}
    for name in fields:
        if name not in values:
            values[name] = sorted(object_code(o) for o in getattr(obj, name).all())
    return values


def audit_changes(before: dict, after: dict) -> dict:
    """{"field": [before, after]} for the fields whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _workshop_of(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Workshop):
        return obj.pk
    return getattr(obj, "workshop_id", None)


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    actor: User | None = None,
    workshop: Workshop | None = None,
    object_type_name: str | None = None,
    code: str | None = None,
    changes: dict | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event to the log, in the caller's transaction.

    `obj` names the object (its model name and opaque code) unless `object_type_name` and
    `code` are given; the workshop is taken from `obj.workshop_id` unless given. An actor
    that is None or anonymous is the system: the running task or command, if any.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    workshop_id = workshop.pk if workshop is not None else _workshop_of(obj)
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor,
        actor_system="" if actor is not None else (get_system_actor() or "system"),
        action=action,
        object_type=object_type_name or (object_type(obj) if obj is not None else ""),
        object_code=code if code is not None else (object_code(obj) if obj is not None else ""),
        workshop_id=workshop_id,
        changes={
            name: ["[secret]", "[secret]"] if _is_secret(name) else audit_value(list(pair))
            for name, pair in (changes or {}).items()
        },
        details={
            name: "[secret]" if _is_secret(name) else audit_value(value)
            for name, value in (details or {}).items()
        },
        request_id=get_request_id(),
    )
    # No savepoint: the event belongs to the caller's transaction, and a failed insert
    # must fail it too.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.hash = row_digest(prev_hash=event.prev_hash, fields=event_fields(event))
        event.save(force_insert=True)
    return event


def _lock_chain() -> None:
    # Appends are serialised until the appending transaction commits: two transactions
    # reading the same last hash would fork the chain. SQLite allows one writer anyway.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    problem: str = ""
    anchor: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def audit_verify(*, chunk_size: int = 5000) -> ChainReport:
    """Recompute every row's hash in id order; report the first row that does not match.

    The first row chains from the genesis, or, after a retention purge, from the last
    purged row's hash, which the purge's own `audit.purged` event keeps as its anchor.
    """
    anchors = {
        details.get("anchor")
        for details in AuditEvent.objects.filter(action="audit.purged").values_list(
            "details", flat=True
        )
    }
    previous = None
    checked = 0
    first_anchor = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if previous is None:
            first_anchor = event.prev_hash
            if event.prev_hash != GENESIS and event.prev_hash not in anchors:
                return ChainReport(
                    checked, event.id, "the first row does not chain from the start", GENESIS
                )
        elif event.prev_hash != previous:
            return ChainReport(
                checked, event.id, "its link to the row before does not match", first_anchor
            )
        if row_digest(prev_hash=event.prev_hash, fields=event_fields(event)) != event.hash:
            return ChainReport(
                checked, event.id, "its content does not match its hash", first_anchor
            )
        previous = event.hash
        checked += 1
    return ChainReport(checked, None, "", first_anchor)


@transaction.atomic
def audit_purge(*, before: dt.datetime) -> int:
    """Delete the events older than `before` (the log's own retention), keeping the chain
    verifiable: the purge records the last purged row's hash as the new anchor first."""
    _lock_chain()
    old = AuditEvent.objects.filter(created_at__lt=before).order_by("-id").first()
    if old is None:
        return 0
    count = AuditEvent.objects.filter(id__lte=old.id).count()
    audit_record(
        action="audit.purged",
        object_type_name="auditlog",
        code="",
        details={"count": count, "before": before, "anchor": old.hash, "up_to_id": old.id},
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL portal.audit_purge = 'on'")
    AuditEvent.objects.filter(id__lte=old.id)._raw_delete(AuditEvent.objects.db)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL portal.audit_purge = 'off'")
    return count
