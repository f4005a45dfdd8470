import os
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


_BROKER_ENV = ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL", "CELERY_BROKER_READ_URL")


@contextmanager
def celery_broker(url: str, *, publish_retry: bool = False) -> Iterator[None]:
    """Within the block, tasks are sent to the broker at `url` instead of run in-process.

    Celery's own retries of a failed publish are off unless asked for: against a broker
    that is down they only make the test slower.
    """
    from portal.celery import app

    conf = app.conf
    # Celery reads these variables before its own setting (celery.app.utils.Settings): with
    # CELERY_BROKER_URL set, as CI sets it, the block would publish to the real broker, where
    # a running test worker could take the task, instead of to `url`.
    saved_env = {name: os.environ.pop(name, None) for name in _BROKER_ENV}
    saved = (conf.broker_url, conf.task_publish_retry, conf.task_always_eager)
    conf.broker_url, conf.task_publish_retry, conf.task_always_eager = url, publish_retry, False
    _drop_broker_connections()
    try:
        assert conf.broker_write_url == url
        yield
    finally:
        conf.broker_url, conf.task_publish_retry, conf.task_always_eager = saved
        os.environ.update({name: value for name, value in saved_env.items() if value is not None})
        _drop_broker_connections()
