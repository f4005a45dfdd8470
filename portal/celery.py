import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

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
