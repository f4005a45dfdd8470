"""Celery tasks of personal data: carrying out an approved erasure, the daily retention
run (which also deletes expired data exports), and building a data export."""

import logging

from celery import shared_task

from privacy.exports.worker import data_export_build
from privacy.models import ErasureRequest
from privacy.services.erasure import erasure_request_complete
from privacy.services.retention import retention_apply

logger = logging.getLogger(__name__)


def erasure_dispatch(request_id: int) -> None:
    """Hand an approved request to a worker (after the commit that approved it). A broker
    failure leaves it approved, for the next retention run to carry out."""
    try:
        task_complete_erasure.delay(request_id=request_id)
    except Exception:  # noqa: BLE001 - any broker failure: the retention run completes it
        logger.warning(
            "Broker unavailable; erasure request %s waits for the retention run",
            request_id,
            exc_info=True,
        )


@shared_task(acks_late=True, ignore_result=True)
def task_complete_erasure(*, request_id: int) -> None:
    erasure_request = ErasureRequest.objects.filter(pk=request_id).first()
    if erasure_request is None:
        return
    erasure_request_complete(erasure_request=erasure_request)


@shared_task(ignore_result=True)
def task_apply_retention() -> None:
    """Daily (CELERY_BEAT_SCHEDULE). Takes no arguments and is idempotent: a re-delivered
    or duplicated message finds less, or nothing, to do."""
    retention_apply()


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
