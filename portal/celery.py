import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task=None, **_kwargs) -> None:
    # Around each task as Django does around each request: a connection older than
    # CONN_MAX_AGE, or broken (CONN_HEALTH_CHECKS), is closed and the next query opens a
    # new one; a sound one is kept for the next task (see CELERY_DB_REUSE_MAX). Not for
    # a task run eagerly, inside the caller's transaction (as Celery's own fixup).
    if task is not None and getattr(task.request, "is_eager", False):
        return
    # Imported here: portal/__init__.py loads this module while the settings load.
    from django.db import close_old_connections  # noqa: PLC0415 -- see above

    close_old_connections()


@before_task_publish.connect
def _pass_request_id(headers=None, **_kwargs) -> None:
    # The request that queued a task is named on the task's log lines and audit events.
    from portal.audit.context import get_request_id  # noqa: PLC0415 -- as above

    if headers is not None and get_request_id():
        headers.setdefault("portal_request_id", get_request_id())


@task_prerun.connect
def _name_the_system_actor(task=None, **_kwargs) -> None:
    # What a task records without a person is attributed to the task by name. Not for a
    # task run eagerly, inside the caller's request (its actor and request id stay).
    if task is None or getattr(task.request, "is_eager", False):
        return
    from portal.audit.context import (  # noqa: PLC0415 -- as above
        new_request_id,
        set_request_id,
        set_system_actor,
    )

    set_system_actor(f"task:{task.name}")
    set_request_id(new_request_id(task.request.get("portal_request_id")))
