"""openreview-matcher files of a workshop's instance, the staff's side: asking for an
export (built by the worker: assignment.services.export_jobs) and downloading it, both
recorded in the audit log."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assignment.models import InstanceExport
from assignment.tasks import task_build_instance_export
from portal import jobs
from portal.models import User, Workshop
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)

# A queued export nobody has claimed after this long is sent to the broker again when it is
# asked for again.
REQUEUE_AFTER = timedelta(minutes=2)


def _enqueue(export_id: int) -> None:
    try:
        task_build_instance_export.delay(export_id=export_id)
    except Exception:  # noqa: BLE001 - any broker failure: the export stays queued, visibly
        logger.warning(
            "Broker unavailable; matcher files export %s stays queued", export_id, exc_info=True
        )


@transaction.atomic
def instance_export_request(
    *, workshop: Workshop, user: User, kind: str, reviewer_key: str, run_code: str = ""
) -> InstanceExport:
    """Queue the files `kind` (scores, constraints, max_loads or all) of the instance a run
    with `run_code`'s settings (the defaults without one) would solve, or return the same
    export already queued or running (sent again if its message or worker seems lost)."""
    active = InstanceExport.objects.filter(
        workshop=workshop,
        kind=kind,
        reviewer_key=reviewer_key,
        run_code=run_code,
        state__in=InstanceExport.ACTIVE_STATES,
    ).first()
    if active is not None:
        if jobs.job_waiting_too_long(active, after=REQUEUE_AFTER) or jobs.job_is_lost(active):
            active_id = active.pk
            transaction.on_commit(lambda: _enqueue(active_id))
        return active
    export = InstanceExport.objects.create(
        workshop=workshop, kind=kind, reviewer_key=reviewer_key, run_code=run_code, created_by=user
    )
    audit_record(
        action="instance_export.requested",
        obj=workshop,
        actor=user,
        details={
            "export": export.code,
            "files": kind,
            "reviewer_key": reviewer_key,
            "run": run_code or None,
        },
    )
    export_id = export.pk
    # After commit: the worker must find the row it is told about.
    transaction.on_commit(lambda: _enqueue(export_id))
    return export


@transaction.atomic
def assignment_instance_record_export(*, export: InstanceExport, user: User) -> None:
    """Record that `user` downloads the export's files. With reviewer_key "email" the files
    name reviewers by their email addresses: the log says so, without the addresses."""
    if export.state != InstanceExport.State.DONE or not export.file:
        raise ValidationError(_("These files are not ready."))
    audit_record(
        action="assignment_instance.exported",
        obj=export.workshop,
        actor=user,
        details={
            "files": export.kind,
            "reviewer_key": export.reviewer_key,
            "run": export.run_code or None,
        },
    )
