"""Reads for criteria sets."""

from django.db.models import Prefetch

from criteria.models import CriteriaSet, Criterion, CriterionGroup
from portal.models import Workshop


def criteria_set_current(*, workshop: Workshop) -> CriteriaSet | None:
    """The newest version of the workshop's set: new reviews are scored against it."""
    return CriteriaSet.objects.filter(workshop=workshop).order_by("-version").first()


def criteria_set_with_criteria(*, criteria_set: CriteriaSet) -> CriteriaSet:
    """The set with groups and their criteria loaded in two queries, in display order."""
    return CriteriaSet.objects.prefetch_related(
        Prefetch(
            "groups",
            queryset=CriterionGroup.objects.order_by("position", "pk").prefetch_related(
                Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
            ),
        )
    ).get(pk=criteria_set.pk)
