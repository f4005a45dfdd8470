"""Retention of report files: the daily task (reports.tasks.task_purge_old_reports) deletes
old finished and failed jobs, and their files, keeping what is still downloaded."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.models import Workshop
from portal.services.audit import audit_record
from reports.models import ReportJob

logger = logging.getLogger(__name__)

State = ReportJob.State


def _report_jobs_kept() -> set[int]:
    """Jobs retention never deletes: the newest finished one of each report (the same
    workshop, kind, parameters and organisation), and the newest released feedback
    report of each organisation in each workshop (what its members download now)."""
    kept: set[int] = set()
    seen: set[tuple] = set()
    rows = (
        ReportJob.objects.filter(state=State.DONE)
        .order_by("workshop_id", "kind", "params_hash", "organisation_id", "-finished_at", "-pk")
        .values_list("pk", "workshop_id", "kind", "params_hash", "organisation_id")
    )
    for job_id, *key in rows.iterator():
        if tuple(key) not in seen:
            seen.add(tuple(key))
            kept.add(job_id)
    released = (
        ReportJob.objects.filter(kind=ReportJob.Kind.FEEDBACK, released_at__isnull=False)
        .order_by("workshop_id", "organisation_id", "-released_at", "-pk")
        .values_list("pk", "workshop_id", "organisation_id")
    )
    seen.clear()
    for job_id, *key in released.iterator():
        if tuple(key) not in seen:
            seen.add(tuple(key))
            kept.add(job_id)
    return kept


PURGE_BATCH = 500


def _record_purge(rows: list[tuple], *, cutoff: datetime) -> None:
    """One summary event per workshop of a batch (in the batch's transaction), naming the
    deleted jobs by code; by the daily task, so the system actor."""
    per_workshop: dict[int, list[tuple]] = {}
    for _pk, workshop_id, code, kind in rows:
        per_workshop.setdefault(workshop_id, []).append((code, kind))
    workshops = Workshop.objects.in_bulk(list(per_workshop))
    for workshop_id, jobs in sorted(per_workshop.items()):
        per_kind: dict[str, int] = {}
        for _code, kind in jobs:
            per_kind[kind] = per_kind.get(kind, 0) + 1
        audit_record(
            action="reports.retention_applied",
            workshop=workshops.get(workshop_id),
            object_type_name="reportjob",
            code="",
            details={
                "deleted": len(jobs),
                "per_kind": per_kind,
                "jobs": [code for code, _kind in jobs],
                "cutoff": cutoff,
                "retention_days": settings.REPORT_RETENTION_DAYS,
            },
        )


def report_jobs_purge(*, now: datetime | None = None) -> int:
    """Delete finished and failed report jobs older than REPORT_RETENTION_DAYS, and their
    files, except those _report_jobs_kept() names. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_RETENTION_DAYS)
    kept = _report_jobs_kept()
    candidates = [
        job_id
        for job_id in ReportJob.objects.annotate(ended=Coalesce("finished_at", F("created_at")))
        .filter(state__in=[State.DONE, State.FAILED], ended__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator()
        if job_id not in kept
    ]
    deleted = 0
    for start in range(0, len(candidates), PURGE_BATCH):
        batch = candidates[start : start + PURGE_BATCH]
        with transaction.atomic():
            # Locked and re-checked: a job retried since the list was read is queued
            # again and must stay. Files go as each batch commits (see the post_delete
            # receiver in reports.models).
            rows = list(
                ReportJob.objects.select_for_update()
                .filter(pk__in=batch, state__in=[State.DONE, State.FAILED])
                .order_by("pk")
                .values_list("pk", "workshop_id", "code", "kind")
            )
            purged = (
                ReportJob.objects.filter(pk__in=[row[0] for row in rows])
                .delete()[1]
                .get(ReportJob._meta.label, 0)
            )
            deleted += purged
            if purged:
                _record_purge(rows, cutoff=cutoff)
    if deleted:
        logger.info("Report retention deleted %s jobs older than %s", deleted, cutoff)
    return deleted
