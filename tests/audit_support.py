"""What tests of audited services share: the queries one audit event adds, and reading
the events back."""

import hashlib

from django.db import connection

from portal.models import AuditEvent


def audit_event_queries() -> int:
    """Queries one audit event adds inside a transaction: the last hash, the insert, and on
    PostgreSQL the advisory lock serialising the chain."""
    return 3 if connection.vendor == "postgresql" else 2


def digest(text: str) -> dict:
    """How the log keeps a long or personal text: its SHA-256 and length."""
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}


def event(action: str) -> AuditEvent:
    """The one event of `action` (fails if there are none or several)."""
    return AuditEvent.objects.get(action=action)


def names(event: AuditEvent) -> tuple:
    """Who, what and where of an event: actor id, object type and code, workshop id."""
    return (event.actor_id, event.object_type, event.object_code, event.workshop_id)
