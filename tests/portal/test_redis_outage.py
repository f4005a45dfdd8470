"""Redis down (cache and broker both): the portal degrades instead of answering 500.

A Redis server of the test's own (tests/redis_server.py) is the cache and the Celery
broker, as in docker-compose.yml; it is stopped half-way and started again.
"""

import logging

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.celery import app as celery_app
from portal.models import OutgoingEmail
from portal.services.outbox import email_flush_outbox
from portal.settings import caches_for
from portal.tasks import email_dispatch
from tests.conftest import totp_now
from tests.factories import CompleteSubmissionFactory, WorkshopFactory
from tests.factories.core import PASSWORD
from tests.helpers import celery_broker

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _sign_in(client, user, *, totp_secret=None):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if totp_secret:
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_now(totp_secret)})
    return response


def _receive_tasks() -> list[tuple[str, dict]]:
    """The tasks waiting in the broker's default queue, taken off it (as a worker would)."""
    received = []
    with celery_app.connection_for_read() as connection:
        queue = connection.SimpleQueue(celery_app.conf.task_default_queue, no_ack=True)
        try:
            while True:
                message = queue.get(timeout=1)
                _args, kwargs, _embed = message.decode()
                received.append((message.headers["task"], kwargs))
        except queue.Empty:
            pass
        finally:
            queue.close()
    return received


def test_redis_outage_keeps_sign_in_board_and_submitting_working(
    settings,
    redis_server,
    evaluator,
    organisation,
    staff,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.CACHES = caches_for(redis_server.url(1))  # as CACHE_URL=redis://... gives
    workshop = WorkshopFactory()
    submission = CompleteSubmissionFactory(
        workshop=workshop, organisation=organisation, contact=evaluator
    )
    board = reverse("reviews:staff_progress", args=[workshop.code])
    staff_client, evaluator_client = Client(), Client()
    with celery_broker(redis_server.url(0), publish_retry=True):
        staff_client.force_login(staff)
        assert staff_client.get(board).status_code == 200
        with redis_server.client(1) as cache_db:
            assert list(cache_db.scan_iter(match="*progress-totals*"))
        staff_client.logout()

        redis_server.stop()
        caplog.set_level(logging.WARNING, logger="portal.cache")

        signed_in = _sign_in(evaluator_client, evaluator)
        assert signed_in.status_code == 302
        assert signed_in["Location"] == reverse("portal:dashboard")
        assert evaluator_client.get(signed_in["Location"]).status_code == 200

        staff_signed_in = _sign_in(staff_client, staff, totp_secret=staff.totp_secret)
        assert staff_signed_in.status_code == 302
        assert staff_client.get(board).status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            submitted = evaluator_client.post(reverse("submissions:submit", args=[submission.code]))
        assert submitted.status_code == 302
        assert submitted["Location"] == reverse("submissions:detail", args=[submission.code])
        submission.refresh_from_db()
        assert submission.state == "submitted"
        receipt = OutgoingEmail.objects.get(to=[evaluator.email])
        assert receipt.sent_at is None  # the broker was down: it waits in the outbox
        assert mail.outbox == []
        outage_logs = [r for r in caplog.records if r.name == "portal.cache"]
        assert [r.levelname for r in outage_logs] == ["ERROR"]
        assert "unreachable" in outage_logs[0].getMessage()

        redis_server.start()

        # The periodic flush sends what the broker did not take; a worker runs it.
        assert email_flush_outbox(dispatch=email_dispatch, older_than_seconds=0) == 1
        tasks = _receive_tasks()
        # At least once: a publish on a connection from before the restart may be sent
        # again by Celery's publish retry. Sending is idempotent, so one email goes out.
        assert tasks
        assert {(name, kwargs["email_id"]) for name, kwargs in tasks} == {
            ("portal.tasks.task_send_email", receipt.pk)
        }
        for name, kwargs in tasks:
            celery_app.tasks[name].apply(kwargs=kwargs)

    receipt.refresh_from_db()
    assert receipt.sent_at is not None
    assert [m.to for m in mail.outbox] == [[evaluator.email]]
    assert mail.outbox[0].subject.endswith(f"Received: “{submission.title}” (version 1)")
