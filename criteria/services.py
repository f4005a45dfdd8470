"""Writes for criteria sets."""

from django.db import transaction
from django.utils import timezone

from criteria.models import CriteriaSet


@transaction.atomic
def criteria_set_freeze(*, criteria_set: CriteriaSet) -> CriteriaSet:
    """Freeze a version once a review against it is submitted; later edits make a new one."""
    updated = CriteriaSet.objects.filter(pk=criteria_set.pk, frozen_at__isnull=True).update(
        frozen_at=timezone.now()
    )
    if updated:
        criteria_set.refresh_from_db(fields=["frozen_at"])
    return criteria_set
