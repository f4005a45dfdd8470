import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
    acks_late=True,
)
def task_send_email(*, email_id: int) -> None:
    from portal.services.mail import email_send

    email_send(email_id=email_id)


@shared_task
def task_flush_outbox() -> int:
    from portal.services.mail import email_flush_outbox

    return email_flush_outbox()


@shared_task(ignore_result=False)
def task_ping(*, token: str) -> str:
    """A trivial round trip through the broker and a worker, for health and tests."""
    return f"pong:{token}"
