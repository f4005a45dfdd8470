"""Queue the computation of a workshop's aggregate figures once a change of its scores is
committed (reviews.selectors.aggregates.workshop_page explains the cache)."""

from __future__ import annotations

import logging

from django.db import transaction

from reviews.tasks import task_warm_aggregates

logger = logging.getLogger(__name__)


def _enqueue(workshop_id: int) -> None:
    try:
        task_warm_aggregates.delay(workshop_id=workshop_id)
    except Exception:  # noqa: BLE001 - the page computes them itself when it is next shown
        logger.warning("Could not queue the aggregates of workshop %s", workshop_id, exc_info=True)


def aggregates_warm_after_commit(*, workshop_id: int) -> None:
    """After the current transaction commits, compute the workshop's aggregate figures."""
    transaction.on_commit(lambda: _enqueue(workshop_id))
