"""Mail from the portal's services: stored in the outbox (OutgoingEmail) in the caller's
transaction, and handed to a Celery worker once that commits (portal.tasks). The sending
side, which the tasks call, is portal.services.outbox."""

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

from portal.models import OutgoingEmail
from portal.tasks import email_dispatch


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
    transaction.on_commit(lambda: email_dispatch(email.pk))
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


def absolute_url(path: str) -> str:
    """A portal path as the link an email carries (PORTAL_SITE_URL in front)."""
    return settings.SITE_URL.rstrip("/") + path


def email_subject(subject: str) -> str:
    """The subject line with the portal's prefix, in the active language (the caller
    renders in the recipient's language): translators may reorder or change the brackets."""
    return pgettext("email subject", "[GPAI evaluation portal] %(subject)s") % {
        "subject": subject.strip()
    }
