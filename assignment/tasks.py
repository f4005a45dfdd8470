"""Celery tasks of automatic assignment: thin wrappers that call a service.

The services that queue them (assignment.services.ui) import this module; the tasks import
only the services they call (runs, notify), so no import runs back."""

import logging

from celery import shared_task

from assignment.models import AssignmentRun
from assignment.services.embeddings import workshop_texts_embed
from assignment.services.export_jobs import instance_export_build
from assignment.services.notify import assignment_run_notify
from assignment.services.runs import assignment_run_execute

logger = logging.getLogger(__name__)


@shared_task(
    # Acknowledged only after the run is stored, and put back when the worker dies mid-run:
    # the run is then solved again from the start (the core deletes partial pairs first);
    # a run already done is returned untouched, so a redelivery never solves it twice.
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def task_run_assignment(*, run_id: int) -> None:
    """Solve an assignment run; progress, result and any error are stored on the run."""
    if not AssignmentRun.objects.filter(pk=run_id).exists():
        logger.info("Assignment run %s is gone; nothing to solve", run_id)
        return
    assignment_run_execute(run_id=run_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def task_notify_assignment_run(*, run_id: int) -> None:
    """Email the reviewers whose assignments a published run changed (once per run)."""
    sent = assignment_run_notify(run_id=run_id)
    logger.info("Assignment run %s: %s reviewers emailed", run_id, sent)


@shared_task(
    bind=True,
    # As report jobs (reports.tasks): acknowledged after the task returns, put back when
    # the worker dies; the export's row counts attempts, so one that kills its worker every
    # time ends failed.
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def task_build_instance_export(self, *, export_id: int) -> None:
    """Build the openreview-matcher files of an export; its state is on its row."""

    def retry(countdown: int) -> None:
        # A new message with the same task id: it may take the export over at once.
        self.apply_async(
            kwargs={"export_id": export_id}, task_id=self.request.id, countdown=countdown
        )

    instance_export_build(export_id=export_id, delivery=self.request.id or "", retry=retry)


@shared_task(ignore_result=True)
def task_embed_texts(workshop_id: int) -> None:
    """Embed the workshop's texts that have no stored vector yet (the semantic extra); a
    run would otherwise embed them itself. Idempotent: texts are re-read by workshop id,
    and a vector already stored is never computed again."""
    embedded = workshop_texts_embed(workshop_id=workshop_id)
    logger.info("Workshop %s: %s texts embedded", workshop_id, embedded)
