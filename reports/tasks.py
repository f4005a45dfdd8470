"""Celery tasks of the reports: building a report, and the daily retention."""

import logging

from celery import shared_task
from celery.signals import worker_init

from reports.jobs.retention import report_jobs_purge
from reports.jobs.worker import report_job_run

logger = logging.getLogger(__name__)


def report_libraries_preload() -> None:
    """Import what builds the PDFs (WeasyPrint, and matplotlib through the charts) ahead of
    the first report: about half a second that would otherwise land on a staff member's
    first report after every worker (re)start."""
    import weasyprint  # noqa: F401, PLC0415 -- the point: loaded on worker start, not on import

    from reports.editions import charts, heatmaps  # noqa: F401, PLC0415 -- as above


@worker_init.connect
def _preload_in_the_main_worker_process(**_kwargs) -> None:
    # In the main process, before the pool forks: every child, including those restarted
    # by worker_max_memory_per_child, starts with the modules loaded, sharing their pages.
    # Import only: no rendering (fonts, threads) before the fork.
    report_libraries_preload()


@shared_task(
    bind=True,
    # The message is acknowledged only after the task returns, and put back when the
    # worker process dies mid-task: a lost worker's job is delivered again. The job row
    # counts attempts (reports.jobs.worker.MAX_ATTEMPTS), so a job that kills its worker every time
    # ends failed instead of looping.
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def task_build_report(self, *, job_id: int) -> None:
    # A job that is gone, done or failed is left alone by the claim (which logs it): no
    # separate look-up first, one query less per report in a bulk run.
    def retry(countdown: int) -> None:
        # A new message with the same task id: it may take the job over at once.
        self.apply_async(kwargs={"job_id": job_id}, task_id=self.request.id, countdown=countdown)

    report_job_run(job_id=job_id, delivery=self.request.id or "", retry=retry)


@shared_task(ignore_result=True)
def task_purge_old_reports() -> None:
    """Daily (CELERY_BEAT_SCHEDULE): retention of report files. Takes no arguments, so a
    re-delivered or duplicated message simply purges again, finding less to do."""
    report_jobs_purge()
