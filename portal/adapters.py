"""allauth adapters: allauth's mail through the portal's outbox, encrypted MFA secrets, and
staff who cannot drop their second factor."""

import base64
import hashlib
from functools import cache
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.utils.html import strip_tags

from portal.services.mail import email_queue, email_subject


@cache
def _fernet() -> Fernet:
    key = settings.MFA_ENCRYPTION_KEY
    if not key:
        # Development only: settings refuse to start without a key when DEBUG is off.
        digest = hashlib.sha256(f"mfa:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEY is not a valid Fernet key.") from exc


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_SIGNUP_OPEN

    def format_email_subject(self, subject) -> str:
        # The same translatable prefix as the portal's own messages (allauth's setting
        # is one fixed string for every language).
        return email_subject(str(subject))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every allauth email (verification, password reset, email change, login codes,
        notices): rendered here, in the request's language, then stored in the outbox and
        sent by a worker like the portal's own mail, so that a mail outage delays it
        instead of failing the request (after the account was already created)."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        html = ""
        body = message.body
        if isinstance(message, EmailMultiAlternatives):
            html = next(
                (content for content, mimetype in message.alternatives if mimetype == "text/html"),
                "",
            )
        elif message.content_subtype == "html":
            html, body = body, strip_tags(body)
        email_queue(to=message.to, subject=message.subject, body=body, html=html)

    def render_mail(self, template_prefix, email, context, headers=None):
        # Without django.contrib.sites allauth names the site after the request's host
        # ("Hello from 127.0.0.1:8100!"); its emails name the portal and its public address.
        context = {**context, "current_site": portal_site()}
        return super().render_mail(template_prefix, email, context, headers=headers)


def portal_site() -> SimpleNamespace:
    """What allauth's templates read from a Site: the portal's name and public host."""
    return SimpleNamespace(name=settings.PORTAL_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken as exc:
            # A wrong or rotated key: refuse loudly rather than accept any code.
            raise ImproperlyConfigured(
                "A stored MFA secret cannot be decrypted with MFA_ENCRYPTION_KEY."
            ) from exc

    def can_delete_authenticator(self, authenticator) -> bool:
        # AI Office staff must keep a second factor; they may replace it, not drop it.
        return not authenticator.user.is_ai_office_staff

    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER
