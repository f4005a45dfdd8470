"""Downloading the audit log is itself recorded: who took which part of it, and when."""

from django.db import transaction

from portal.models import AuditEvent, User, Workshop
from portal.services.audit import audit_record


@transaction.atomic
def audit_log_export(*, user: User, filters: dict, workshop: Workshop | None = None) -> AuditEvent:
    """Record that `user` exported the events matching `filters` (as the form names them;
    an actor as their account id, never an email address)."""
    return audit_record(
        action="audit.exported",
        actor=user,
        workshop=workshop,
        object_type_name="auditlog",
        code="",
        details={"filters": filters},
    )
