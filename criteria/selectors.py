"""Reads for criteria sets."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from criteria.localisation import criteria_localise
from criteria.models import (
    CriteriaSet,
    CriteriaSetTranslation,
    Criterion,
    CriterionGroup,
    CriterionGroupTranslation,
    CriterionTranslation,
)
from portal.models import User, Workshop
from portal.selectors import workshops_visible_to


def criteria_set_current(*, workshop: Workshop) -> CriteriaSet | None:
    """The newest version of the workshop's set: new reviews are scored against it."""
    return CriteriaSet.objects.filter(workshop=workshop).order_by("-version").first()


def criteria_set_with_criteria(
    *, criteria_set: CriteriaSet, with_proposals: bool = False, localise: bool = False
) -> CriteriaSet:
    """The set with groups and their criteria loaded in two queries, in display order.

    `with_proposals` (the staff's pages) adds, in one more query, the proposals of the
    criteria debate that changed or created each criterion (`criterion.source_proposals`,
    the debate app's relation: named, never imported, as the debate sits above).

    `localise` (pages that show the criteria to readers) gives groups and criteria their
    texts in the active language, in three more queries unless it is English (see
    criteria.localisation); the editor leaves it off and edits the English source."""
    criteria = Criterion.objects.order_by("position", "pk")
    if with_proposals:
        criteria = criteria.prefetch_related("source_proposals")
    loaded = CriteriaSet.objects.prefetch_related(
        Prefetch(
            "groups",
            queryset=CriterionGroup.objects.order_by("position", "pk").prefetch_related(
                Prefetch("criteria", queryset=criteria)
            ),
        )
    ).get(pk=criteria_set.pk)
    if localise:
        groups = list(loaded.groups.all())
        criteria_localise(
            criteria_sets=[loaded],
            groups=groups,
            criteria=[c for group in groups for c in group.criteria.all()],
        )
    return loaded


def _count_per_set(model) -> Coalesce:
    """How many rows of `model` point at the outer criteria set: one correlated COUNT(*) per
    set, answered from the index on `criteria_set`."""
    rows = (
        model.objects.filter(criteria_set=OuterRef("pk"))
        .order_by()
        .values("criteria_set")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def criteria_sets_of_workshop(*, workshop: Workshop) -> QuerySet[CriteriaSet]:
    """Every version of the workshop's set, newest first, with criteria and review counts.

    `review_count` counts reviews of any state through the reverse relation the reviews app
    declares; criteria never imports reviews (dependencies point downwards). Both counts are
    subqueries per set: a join to the reviews with GROUP BY grouped (and sorted) one row per
    review, and evaluated the criterion count once per review (120 ms at 30,000 reviews).
    """
    review_model = CriteriaSet._meta.get_field("reviews").related_model
    return (
        CriteriaSet.objects.filter(workshop=workshop)
        .select_related("based_on")
        .annotate(
            review_count=_count_per_set(review_model),
            criterion_count=_count_per_set(Criterion),
        )
        .order_by("-version")
    )


def criteria_set_get(*, workshop: Workshop, code: str) -> CriteriaSet:
    """One version of the workshop's set by its code, or 404."""
    try:
        return CriteriaSet.objects.select_related("workshop").get(workshop=workshop, code=code)
    except CriteriaSet.DoesNotExist:
        raise Http404 from None


def criteria_sets_visible_to(*, user: User) -> QuerySet[CriteriaSet]:
    """Every version of the sets of the workshops the user may see, grouped by workshop,
    newest version first: the order the (workshop, version) constraint's index serves."""
    return (
        CriteriaSet.objects.filter(workshop__in=workshops_visible_to(user=user))
        .select_related("workshop", "based_on")
        .order_by("workshop_id", "-version")
    )


def criteria_set_get_for_user(*, code: str, user: User) -> CriteriaSet:
    """One version by its code, or 404 if its workshop is hidden from the user (a draft
    call), as for a guessed code."""
    try:
        return criteria_sets_visible_to(user=user).get(code=code)
    except CriteriaSet.DoesNotExist:
        raise Http404 from None


def criteria_set_translations(*, criteria_set: CriteriaSet, language: str) -> dict:
    """The version's stored translations into `language`, in three queries: {"set": row or
    None, "groups": {group id: row}, "criteria": {criterion id: row}}."""
    return {
        "set": CriteriaSetTranslation.objects.filter(
            criteria_set=criteria_set, language=language
        ).first(),
        "groups": {
            row.group_id: row
            for row in CriterionGroupTranslation.objects.filter(
                group__criteria_set=criteria_set, language=language
            )
        },
        "criteria": {
            row.criterion_id: row
            for row in CriterionTranslation.objects.filter(
                criterion__criteria_set=criteria_set, language=language
            )
        },
    }
