"""The sending side of the mail outbox: what the Celery tasks (portal.tasks) call. The
services that write mail use portal.services.mail."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from portal.models import OutgoingEmail

# Sends of one email after which the flush stops queueing it again: it gave up.
OUTBOX_MAX_ATTEMPTS = 10
# Rows deleted per query by the purge (bounded IN lists).
PURGE_CHUNK = 1000


def email_send(*, email_id: int) -> None:
    """Send one stored email, once. Safe to call twice (a retried task).

    A failed send is counted and its error kept (committed, for the outbox flush's limit
    and the admin), then raised for the task to retry."""
    failure = None
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return
        message = EmailMultiAlternatives(subject=email.subject, body=email.body, to=email.to)
        if email.html:
            message.attach_alternative(email.html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - any failure is recorded, then raised below
            failure = exc
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.save(update_fields=["attempts", "last_error"])
        else:
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["attempts", "sent_at", "last_error"])
    if failure is not None:
        # Raised only now: inside the block it would roll back the count and the error.
        raise failure


def email_flush_outbox(
    *,
    dispatch: Callable[[int], None],
    older_than_seconds: int = 120,
    max_attempts: int = OUTBOX_MAX_ATTEMPTS,
) -> int:
    """Queue again, through `dispatch` (portal.tasks.email_dispatch), the emails whose first
    dispatch was lost (broker down, worker crash)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        OutgoingEmail.objects.filter(
            sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=max_attempts
        ).values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        dispatch(email_id)
    return len(ids)


def email_outbox_purge(*, before: datetime, max_attempts: int = OUTBOX_MAX_ATTEMPTS) -> int:
    """Delete the emails sent before `before`, and those never sent, created before it,
    that the flush gave up on (`max_attempts` sends failed); how many. Each holds its
    recipients' addresses and what was said to them. An email still being tried stays,
    however old."""
    due = OutgoingEmail.objects.filter(sent_at__lt=before) | OutgoingEmail.objects.filter(
        sent_at__isnull=True, attempts__gte=max_attempts, created_at__lt=before
    )
    deleted = 0
    while ids := list(due.order_by("pk").values_list("pk", flat=True)[:PURGE_CHUNK]):
        deleted += OutgoingEmail.objects.filter(pk__in=ids).delete()[0]
    return deleted
