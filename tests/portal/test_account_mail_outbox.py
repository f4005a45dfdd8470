"""allauth's emails go through the portal's outbox: a mail outage delays them and breaks
nothing (portal.adapters.AccountAdapter.send_mail)."""

import re
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from portal.models import OutgoingEmail, User
from portal.services.mail import email_queue
from portal.services.outbox import email_flush_outbox, email_send
from portal.tasks import email_dispatch
from tests.helpers import celery_broker

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-42"
CONFIRM_LINK = r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)"
RESET_LINK = r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)"


class UnreachableSMTPBackend(BaseEmailBackend):
    """The SMTP server is down: every send fails as smtplib fails."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableSMTPBackend"
    return settings


def _smtp_back(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _flush() -> int:
    return email_flush_outbox(dispatch=email_dispatch, older_than_seconds=0)


def _path(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, text
    return match.group(1)


def test_signup_with_smtp_down_answers_the_normal_page_and_the_link_is_sent_later(
    client, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "nora@example.org",
                "full_name": "Nora New",
                "password1": STRONG,
                "password2": STRONG,
            },
            follow=True,
        )
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    user = User.objects.get(email="nora@example.org")

    stored = OutgoingEmail.objects.get()
    assert stored.to == ["nora@example.org"]
    assert stored.subject.startswith("[GPAI evaluation portal] ")
    confirm_path = _path(CONFIRM_LINK, stored.body)
    assert stored.sent_at is None
    assert stored.attempts >= 1
    assert "SMTPServerDisconnected" in stored.last_error
    assert mail.outbox == []

    _smtp_back(smtp_down)
    assert _flush() == 1
    stored.refresh_from_db()
    assert stored.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora@example.org"]
    assert _path(CONFIRM_LINK, mail.outbox[0].body) == confirm_path
    assert _flush() == 0

    response = client.post(confirm_path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified is True


def test_password_reset_with_smtp_down_answers_the_normal_page_and_the_link_works_later(
    client, evaluator, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reset_password"), {"email": evaluator.email}, follow=True
        )
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    stored = OutgoingEmail.objects.get()
    assert stored.to == [evaluator.email]
    assert stored.sent_at is None
    assert mail.outbox == []

    _smtp_back(smtp_down)
    assert _flush() == 1
    reset_path = _path(RESET_LINK, mail.outbox[0].body)
    response = client.get(reset_path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_path
    response = client.post(form_url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.check_password(STRONG)


def test_email_change_with_smtp_down_keeps_the_confirmation_in_the_outbox(
    client, evaluator, smtp_down, django_capture_on_commit_callbacks
):
    client.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"email": "erik.new@example.org", "action_add": ""}
        )
    assert response.status_code == 302
    stored = OutgoingEmail.objects.get(to=["erik.new@example.org"])
    assert stored.sent_at is None
    confirm_path = _path(CONFIRM_LINK, stored.body)

    _smtp_back(smtp_down)
    assert _flush() >= 1
    assert [m.to for m in mail.outbox if re.search(CONFIRM_LINK, m.body)] == [
        ["erik.new@example.org"]
    ]
    assert _path(CONFIRM_LINK, mail.outbox[-1].body) == confirm_path


def test_the_web_process_only_stores_allauth_mail(client, smtp_down):
    """With the worker's broker unreachable the request neither sends nor fails: the
    email waits in the outbox for the flush."""
    with celery_broker("redis://127.0.0.1:9/0"):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "olga@example.org",
                "full_name": "Olga Other",
                "password1": STRONG,
                "password2": STRONG,
            },
        )
    assert response.status_code == 302
    stored = OutgoingEmail.objects.get()
    assert stored.to == ["olga@example.org"]
    assert stored.attempts == 0
    assert stored.last_error == ""


def test_a_failed_send_is_counted_and_its_error_kept(smtp_down):
    stored = email_queue(to=["someone@example.org"], subject="Receipt", body="Saved.")
    with pytest.raises(SMTPServerDisconnected):
        email_send(email_id=stored.pk)
    stored.refresh_from_db()
    assert (stored.attempts, stored.sent_at) == (1, None)
    assert stored.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
