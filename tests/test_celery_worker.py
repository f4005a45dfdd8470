"""A task goes through the real broker to a real worker process and comes back."""

import uuid
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from celery.result import AsyncResult

from portal.tasks import task_ping
from tests.worker import result_backend

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def test_worker_runs_a_task_sent_through_the_broker(transactional_db, celery_worker_process):
    token = uuid.uuid4().hex

    sent = task_ping.apply_async(kwargs={"token": token})

    with result_backend(celery_worker_process) as backend:
        result = AsyncResult(sent.id, backend=backend, app=sent.app)
        try:
            value = result.get(timeout=30)
        except Exception as exc:
            log = celery_worker_process.log()[-4000:]
            pytest.fail(f"No answer from the worker ({exc!r}). Its log:\n{log}")
        result.forget()
    assert value == f"pong:{token}"


def test_worker_uses_the_test_database_not_the_development_one(
    transactional_db, celery_worker_process
):
    from django.db import connection

    name = PurePosixPath(unquote(urlsplit(celery_worker_process.database_url).path)).name
    assert name == PurePosixPath(str(connection.settings_dict["NAME"])).name
    assert name.startswith("test"), name
    assert celery_worker_process.process.poll() is None, celery_worker_process.log()[-4000:]
