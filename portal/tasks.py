"""Celery tasks of the portal: mail from the outbox, and a ping.

portal.services.mail queues the mail through `email_dispatch`; the tasks call only the
sending side (portal.services.outbox), so no import runs back to the services that queue.
"""

import logging

from celery import shared_task

from portal.services.outbox import email_flush_outbox, email_send

logger = logging.getLogger(__name__)


def email_dispatch(email_id: int) -> None:
    """Hand a stored email to a worker (after the commit that stored it, or from the outbox
    flush). A broker failure only leaves the email in the outbox, for task_flush_outbox."""
    try:
        task_send_email.delay(email_id=email_id)
    except Exception:  # noqa: BLE001 - any broker failure: the outbox flush retries later
        logger.warning("Broker unavailable; email %s stays in the outbox", email_id, exc_info=True)


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
    acks_late=True,
)
def task_send_email(*, email_id: int) -> None:
    email_send(email_id=email_id)


@shared_task
def task_flush_outbox() -> int:
    return email_flush_outbox(dispatch=email_dispatch)


@shared_task(ignore_result=False)
def task_ping(*, token: str) -> str:
    """A trivial round trip through the broker and a worker, for health and tests."""
    return f"pong:{token}"
