import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext

from portal.models import OutgoingEmail

logger = logging.getLogger(__name__)


def email_queue(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html: str = "",
) -> OutgoingEmail:
    """Store an email and send it from a worker once the surrounding transaction commits."""
    email = OutgoingEmail.objects.create(
        to=list(to), subject=subject.strip().replace("\n", " "), body=body, html=html
    )
    transaction.on_commit(lambda: _dispatch(email.pk))
    return email


def email_queue_from_templates(
    *,
    to: Sequence[str],
    template_prefix: str,
    context: dict,
    language: str | None = None,
) -> OutgoingEmail:
    """Render `<prefix>_subject.txt` and `<prefix>_message.txt` in the recipient's language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        body = render_to_string(f"{template_prefix}_message.txt", context)
        subject = email_subject(subject)
    return email_queue(to=to, subject=subject, body=body)


def email_subject(subject: str) -> str:
    """The subject line with the portal's prefix, in the active language (the caller
    renders in the recipient's language): translators may reorder or change the brackets."""
    return pgettext("email subject", "[GPAI evaluation portal] %(subject)s") % {
        "subject": subject.strip()
    }


def _dispatch(email_id: int) -> None:
    # Imported here: the task module calls back into this one (a task queued by a
    # service, a service run by the task), so one side of the pair must import late.
    from portal.tasks import task_send_email

    try:
        task_send_email.delay(email_id=email_id)
    except Exception:  # noqa: BLE001 - any broker failure: the outbox flush retries later
        logger.warning("Broker unavailable; email %s stays in the outbox", email_id, exc_info=True)


def email_send(*, email_id: int) -> None:
    """Send one stored email, once. Safe to call twice (a retried task)."""
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
        except Exception as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.save(update_fields=["attempts", "last_error"])
            raise
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "sent_at", "last_error"])


def email_flush_outbox(*, older_than_seconds: int = 120, max_attempts: int = 10) -> int:
    """Queue emails whose first dispatch was lost (broker down, worker crash)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        OutgoingEmail.objects.filter(
            sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=max_attempts
        ).values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        _dispatch(email_id)
    return len(ids)
