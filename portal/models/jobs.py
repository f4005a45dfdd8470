"""The columns of a background job whose row, not Celery's result backend, is the source of
truth: its state and progress, which the page polls, and the attempts and heartbeat that
portal.jobs reads to tell a lost worker from a busy one."""

import logging

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class BackgroundJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task id of the delivery that claimed the job: a re-delivery of the same
    # message (its worker was lost) may take the job over at once.
    claimed_by = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


def job_file_delete_on_commit(field_file, *, using: str | None = None) -> None:
    """Delete a deleted job's file once the deletion is committed (a rolled-back deletion
    must still find it). For a kind's post_delete receiver; a file left behind when the
    storage refuses is only wasted space, and logged."""
    name = field_file.name
    if not name:
        return
    storage = field_file.storage

    def delete_file() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete job file %s", name, exc_info=True)

    transaction.on_commit(delete_file, using=using)
