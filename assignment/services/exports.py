"""Downloads of automatic assignment's data, recorded in the audit log: the
openreview-matcher files of a workshop's instance (assignment.views.files)."""

from __future__ import annotations

from django.db import transaction

from portal.models import User, Workshop
from portal.services.audit import audit_record


@transaction.atomic
def assignment_instance_record_export(
    *, workshop: Workshop, user: User, files: str, reviewer_key: str, run_code: str = ""
) -> None:
    """Record that `user` downloaded the instance's files (`files`: scores, constraints,
    max_loads or all). With reviewer_key "email" the files name reviewers by their email
    addresses: the log says so, without the addresses."""
    audit_record(
        action="assignment_instance.exported",
        obj=workshop,
        actor=user,
        details={"files": files, "reviewer_key": reviewer_key, "run": run_code or None},
    )
