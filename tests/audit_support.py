"""What tests of audited services share: the queries one audit event adds."""

from django.db import connection


def audit_event_queries() -> int:
    """Queries one audit event adds inside a transaction: the last hash, the insert, and on
    PostgreSQL the advisory lock serialising the chain."""
    return 3 if connection.vendor == "postgresql" else 2
