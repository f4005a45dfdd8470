"""The portal's Celery app, for a worker that crashes on purpose (tests/reports/test_worker.py).

In each pool process, `report_job_progress` is wrapped: once a job of a workshop whose
title contains "[crash-once]" reports progress on its first attempt, or one with
"[crash-always]" on any attempt, the process exits at once with os._exit(1), as a
process killed by the kernel's OOM killer would: no exception, no cleanup, no ack.
Production code has no such hook; only this test worker loads the wrapper.
"""

import os

from celery.signals import worker_process_init

from portal.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _install_crash(**_kwargs):
    from reports.jobs import worker
    from reports.models import ReportJob

    original = worker.report_job_progress

    def crashing(*, job_id, attempt, progress):
        original(job_id=job_id, attempt=attempt, progress=progress)
        title = ReportJob.objects.filter(pk=job_id).values_list("workshop__title", flat=True)[0]
        if "[crash-always]" in title or ("[crash-once]" in title and attempt == 1):
            os._exit(1)

    worker.report_job_progress = crashing
