from collections.abc import Iterator
from contextlib import contextmanager

from django.core.signals import request_finished
from django.db import close_old_connections


def close_response(response) -> None:
    """Close a streamed response (releasing its file) the way the test client would.

    A bare response.close() sends request_finished, whose close_old_connections handler
    would close the test's own database connection mid-test.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _drop_broker_connections() -> None:
    from portal.celery import app

    # Celery keeps broker connections built from the URL at first use; drop them so that
    # the next publish connects to whatever broker_url says now.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str, *, publish_retry: bool = False) -> Iterator[None]:
    """Within the block, tasks are sent to the broker at `url` instead of run in-process.

    Celery's own retries of a failed publish are off unless asked for: against a broker
    that is down they only make the test slower.
    """
    from portal.celery import app

    conf = app.conf
    saved = (conf.broker_url, conf.task_publish_retry, conf.task_always_eager)
    conf.broker_url, conf.task_publish_retry, conf.task_always_eager = url, publish_retry, False
    _drop_broker_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.task_publish_retry, conf.task_always_eager = saved
        _drop_broker_connections()
