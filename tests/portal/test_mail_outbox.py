from contextlib import contextmanager

import pytest
from django.core import mail

from portal.celery import app as celery_app
from portal.models import OutgoingEmail
from portal.services.mail import email_queue
from portal.services.outbox import email_flush_outbox
from portal.tasks import email_dispatch

pytestmark = pytest.mark.django_db(transaction=True)


def _reset_connection_pools() -> None:
    # Celery caches broker connections built from the URL at first use; drop them so the
    # next publish connects to whatever broker_url says now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def _broker_down():
    saved = (
        celery_app.conf.broker_url,
        celery_app.conf.task_publish_retry,
        celery_app.conf.task_always_eager,
    )
    # Nothing listens on port 9 of this machine: the broker is down.
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    celery_app.conf.task_publish_retry = False
    celery_app.conf.task_always_eager = False
    _reset_connection_pools()
    try:
        yield
    finally:
        (
            celery_app.conf.broker_url,
            celery_app.conf.task_publish_retry,
            celery_app.conf.task_always_eager,
        ) = saved
        _reset_connection_pools()


def test_mail_is_kept_when_broker_is_down_and_sent_when_it_returns():
    with _broker_down():
        email_queue(to=["someone@example.org"], subject="Receipt", body="Saved.")
    email = OutgoingEmail.objects.get()
    assert email.sent_at is None
    assert mail.outbox == []

    assert email_flush_outbox(dispatch=email_dispatch, older_than_seconds=0) == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["Receipt"]
    # A second flush (or a re-delivered task) does not send it twice.
    assert email_flush_outbox(dispatch=email_dispatch, older_than_seconds=0) == 0
    assert len(mail.outbox) == 1
