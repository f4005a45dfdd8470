"""Celery tasks of the reviews app: thin wrappers that call a service."""

import logging

from celery import shared_task

from reviews.services.reminders import reminders_send_due

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def task_send_due_reminders() -> int:
    """Hourly from beat: send the reminders that came due before review deadlines.

    Safe to run twice or late: every reminder is stamped under a unique key, and the scan
    looks at the deadlines as they are now, so an extension or a missed run needs nothing
    special.
    """
    return reminders_send_due()
