"""Celery tasks of personal data: building a data export, and deleting expired ones."""

from celery import shared_task

from privacy.exports.retention import data_exports_purge
from privacy.exports.worker import data_export_build


@shared_task(
    bind=True,
    # As report jobs (reports.tasks): acknowledged only after the task returns, put back
    # when the worker process dies; the export's row counts attempts, so one that kills
    # its worker every time ends failed.
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def task_build_data_export(self, *, export_id: int) -> None:
    def retry(countdown: int) -> None:
        # A new message with the same task id: it may take the export over at once.
        self.apply_async(
            kwargs={"export_id": export_id}, task_id=self.request.id, countdown=countdown
        )

    data_export_build(export_id=export_id, delivery=self.request.id or "", retry=retry)


@shared_task(ignore_result=True)
def task_purge_expired_data_exports() -> None:
    """Hourly (CELERY_BEAT_SCHEDULE). No arguments: a duplicate run finds less to do."""
    data_exports_purge()
