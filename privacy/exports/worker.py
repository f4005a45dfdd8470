"""A data export on the worker's side: what one delivery of task_build_data_export does.
The claim, attempts, heartbeat and single final write are portal.jobs' (as for reports)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import jobs
from portal.services.audit import audit_record
from privacy.exports.archive import Archive, archive_build
from privacy.models import DataExport

logger = logging.getLogger(__name__)

State = DataExport.State


def _gave_up(count: int, error: str) -> str:
    return _(
        "Gave up after %(count)d attempts: the worker building your export stopped each "
        "time. Last error: %(error)s"
    ) % {"count": count, "error": error or _("none recorded")}


def data_export_progress(*, export_id: int, attempt: int, progress: int) -> None:
    jobs.job_progress(model=DataExport, job_id=export_id, attempt=attempt, progress=progress)


def _finish(export: DataExport, attempt: int, archive: Archive) -> bool:
    finished_at = timezone.now()

    def then() -> None:
        audit_record(
            action="data_export.built",
            obj=export,
            details={"size": archive.size, "files": archive.files, "missing": archive.missing},
        )
        # One export per person is enough: older ones go (their files once this commits).
        for older in DataExport.objects.filter(
            user_id=export.user_id, state__in=[State.DONE, State.FAILED], pk__lt=export.pk
        ):
            older.delete()

    try:
        return jobs.job_finish(
            model=DataExport,
            job_id=export.pk,
            attempt=attempt,
            file_name="data.zip",
            content=File(archive.file),
            fields={
                "file_size": archive.size,
                "expires_at": finished_at + timedelta(days=settings.DATA_EXPORT_RETENTION_DAYS),
            },
            finished_at=finished_at,
            then=then,
        )
    finally:
        archive.file.close()


def data_export_build(
    *, export_id: int, delivery: str = "", retry: Callable[[int], None] | None = None
) -> bool:
    """Claim the export, build the person's archive, store it: True when this delivery
    did. Called by the task; safe to call again (a re-delivered message finds it done)."""
    export = jobs.job_claim(
        model=DataExport,
        job_id=export_id,
        delivery=delivery,
        gave_up=_gave_up,
        related=("user",),
    )
    if export is None:
        return False
    attempt = export.attempts

    def progress(percent: int) -> None:
        data_export_progress(export_id=export_id, attempt=attempt, progress=percent)

    logger.info("Building data export %s, attempt %s", export.code, attempt)
    return jobs.job_execute(
        job=export,
        build=lambda: archive_build(user=export.user, progress=progress),
        finish=lambda archive: _finish(export, attempt, archive),
        retry=retry,
    )
