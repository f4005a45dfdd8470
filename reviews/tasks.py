"""Celery tasks of the reviews app: thin wrappers that call a service."""

import logging

from celery import shared_task

from portal.models import Workshop
from reviews.selectors.aggregates import aggregates_warm
from reviews.services.reminders import reminders_send_due
from reviews.workshop_invitations.selectors import invitation_order_warm

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def task_send_due_reminders() -> int:
    """Hourly from beat: send the reminders that came due before review deadlines.

    Safe to run twice or late: every reminder is stamped under a unique key, and the scan
    looks at the deadlines as they are now, so an extension or a missed run needs nothing
    special.
    """
    return reminders_send_due()


@shared_task(acks_late=True, ignore_result=True)
def task_warm_aggregates(*, workshop_id: int) -> None:
    """After a review was submitted, reopened or imported: compute the workshop's aggregate
    figures now, so that the staff page does not (about 2 s at 10,000 submissions), and the
    order of the invite-submitters page (about 50 ms)."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        logger.info("Workshop %s is gone; no aggregates to compute", workshop_id)
        return
    aggregates_warm(workshop=workshop)
    invitation_order_warm(workshop=workshop)
