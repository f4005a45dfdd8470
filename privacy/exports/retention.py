"""Expiry of data exports: an export is downloadable for DATA_EXPORT_RETENTION_DAYS after it
was built; then the daily retention run (privacy.services.retention) deletes it and its
file. A failed export goes after as long (its error stays visible to its owner meanwhile)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from privacy.models import DataExport

logger = logging.getLogger(__name__)

State = DataExport.State


@transaction.atomic
def data_exports_purge(*, now: datetime | None = None) -> int:
    """Delete expired exports (files once the deletion commits); how many went."""
    now = now or timezone.now()
    failed_before = now - timedelta(days=settings.DATA_EXPORT_RETENTION_DAYS)
    expired = DataExport.objects.select_for_update().filter(
        Q(state=State.DONE, expires_at__lte=now)
        | Q(state=State.FAILED, finished_at__lte=failed_before)
    )
    deleted = 0
    # One by one: each deletion schedules its file's (see the post_delete receiver).
    for export in expired:
        export.delete()
        deleted += 1
    if deleted:
        logger.info("Deleted %s expired data exports", deleted)
    return deleted
