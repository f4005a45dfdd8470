"""Data exports, the person's side: asking for one, and downloading it. What the worker
does with an export is in privacy.exports.worker; expiry in privacy.exports.retention.

One export is queued or running per person at a time: a second click returns it (a lock on
the person's row, and a partial unique constraint as the backstop).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import jobs
from portal.models import User
from portal.services.audit import audit_record
from privacy.models import DataExport
from privacy.tasks import task_build_data_export

logger = logging.getLogger(__name__)

# A queued export nobody has claimed after this long is sent to the broker again when it is
# requested again.
REQUEUE_AFTER = timedelta(minutes=2)


def _enqueue(export_id: int) -> None:
    try:
        task_build_data_export.delay(export_id=export_id)
    except Exception:  # noqa: BLE001 - any broker failure: the export stays queued, visibly
        logger.warning("Broker unavailable; data export %s stays queued", export_id, exc_info=True)


def data_export_request(*, user: User) -> DataExport:
    """Queue an export of the person's data, or return the one already queued or running
    (sent to the worker again if its message or its worker seems lost)."""
    try:
        with transaction.atomic():
            # Serialises one person's requests, so that two clicks cannot both miss each
            # other's export (SQLite serialises writers anyway).
            User.objects.select_for_update().filter(pk=user.pk).first()
            active = DataExport.objects.filter(
                user=user, state__in=DataExport.ACTIVE_STATES
            ).first()
            if active is not None:
                if jobs.job_waiting_too_long(active, after=REQUEUE_AFTER) or jobs.job_is_lost(
                    active
                ):
                    active_id = active.pk
                    transaction.on_commit(lambda: _enqueue(active_id))
                return active
            export = DataExport.objects.create(user=user)
            audit_record(action="data_export.requested", obj=export, actor=user)
            export_id = export.pk
            # After commit: the worker must find the row it is told about.
            transaction.on_commit(lambda: _enqueue(export_id))
            return export
    except IntegrityError:
        # The unique constraint caught a race the lock could not.
        return DataExport.objects.get(user=user, state__in=DataExport.ACTIVE_STATES)


@transaction.atomic
def data_export_download(*, export: DataExport, user: User) -> DataExport:
    """Record that the owner downloads their export; refused once it has expired."""
    if export.user_id != user.pk:
        # The lookup only finds the owner's exports; a second guard costs nothing.
        raise ValidationError(_("This export is not yours."))
    if not export.is_downloadable():
        raise ValidationError(
            _("This export is no longer available. Make a new one from your profile.")
        )
    audit_record(action="data_export.downloaded", obj=export, actor=user)
    return export
