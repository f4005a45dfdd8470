"""Celery tasks of the imports: a large export's preview, and its apply."""

from celery import shared_task

from imports.jobs import import_run_apply_execute, import_run_preview_execute


# acks_late and reject_on_worker_lost: a message whose worker died is delivered again; the
# run counts its attempts (imports.jobs), so a run that kills its worker every time fails.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def task_import_preview(*, run_id: int) -> None:
    import_run_preview_execute(run_id=run_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def task_import_apply(*, run_id: int, user_id: int | None) -> None:
    import_run_apply_execute(run_id=run_id, user_id=user_id)
