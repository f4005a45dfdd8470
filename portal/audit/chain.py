"""The hash chain over audit events: each row's hash covers its content and its
predecessor's hash, in id order."""

import hashlib
import json
from datetime import UTC

GENESIS = "0" * 64


def row_digest(*, prev_hash: str, fields: dict) -> str:
    payload = json.dumps(
        [prev_hash, fields], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def event_fields(event) -> dict:
    """The content a row's hash covers (everything but its id and the hashes)."""
    return {
        "created_at": _utc_iso(event.created_at),
        "actor": event.actor_id,
        "actor_system": event.actor_system,
        "action": event.action,
        "object_type": event.object_type,
        "object_code": event.object_code,
        "workshop": event.workshop_id,
        "changes": event.changes,
        "details": event.details,
        "request_id": event.request_id,
    }


def _utc_iso(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
