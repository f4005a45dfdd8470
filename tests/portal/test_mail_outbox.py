from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.models import OutgoingEmail
from portal.services import outbox
from portal.services.mail import email_queue
from portal.services.outbox import email_flush_outbox
from portal.tasks import email_dispatch
from tests.helpers import celery_broker

pytestmark = pytest.mark.django_db(transaction=True)


def test_mail_is_kept_when_broker_is_down_and_sent_when_it_returns(caplog):
    # Nothing listens on port 9 of this machine: the broker is down.
    with celery_broker("redis://127.0.0.1:9/0"):
        email_queue(to=["someone@example.org"], subject="Receipt", body="Saved.")
    email = OutgoingEmail.objects.get()
    # The publish failed (it did not reach another broker, where a worker could send it).
    assert [r.getMessage() for r in caplog.records if r.name == "portal.tasks"] == [
        f"Broker unavailable; email {email.pk} stays in the outbox"
    ]
    assert email.sent_at is None
    assert mail.outbox == []

    assert email_flush_outbox(dispatch=email_dispatch, older_than_seconds=0) == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["Receipt"]
    # A second flush (or a re-delivered task) does not send it twice.
    assert email_flush_outbox(dispatch=email_dispatch, older_than_seconds=0) == 0
    assert len(mail.outbox) == 1


def test_the_purge_deletes_in_chunks_and_keeps_what_is_still_tried(monkeypatch):
    monkeypatch.setattr(outbox, "PURGE_CHUNK", 2)
    now = timezone.now()
    old = now - timedelta(days=1)
    for n in range(5):
        OutgoingEmail.objects.create(
            to=["a@example.org"], subject=f"sent {n}", body="", sent_at=old
        )
    OutgoingEmail.objects.create(
        to=["a@example.org"],
        subject="gave up",
        body="",
        created_at=old,
        attempts=outbox.OUTBOX_MAX_ATTEMPTS,
    )
    OutgoingEmail.objects.create(
        to=["a@example.org"],
        subject="trying",
        body="",
        created_at=old,
        attempts=outbox.OUTBOX_MAX_ATTEMPTS - 1,
    )

    assert outbox.email_outbox_purge(before=now) == 6

    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["trying"]
