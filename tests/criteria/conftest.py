"""A workshop with its default criteria set, and helpers to build sets of a given size."""

import pytest

from criteria.models import CriteriaSet, Criterion, CriterionGroup
from criteria.selectors import criteria_set_current
from tests.factories import WorkshopFactory
from tests.factories.reviewing import LEVELS


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Frontier risks call 2027")


@pytest.fixture
def criteria_set(workshop) -> CriteriaSet:
    """Version 1: the proposed default set the workshop was created with."""
    return criteria_set_current(workshop=workshop)


def fill_set(criteria_set: CriteriaSet, *, criteria: int, per_group: int = 3) -> None:
    """Replace the set's content with `criteria` criteria, `per_group` to a group."""
    criteria_set.criteria.all().delete()
    criteria_set.groups.all().delete()
    group = None
    for index in range(criteria):
        if index % per_group == 0:
            group = CriterionGroup.objects.create(
                criteria_set=criteria_set,
                code=f"G{index // per_group}",
                title=f"Group {index // per_group}",
                position=index // per_group,
            )
        Criterion.objects.create(
            criteria_set=criteria_set,
            group=group,
            code=f"C-{index}",
            title=f"Criterion {index}",
            description="What it asks.",
            guidance="How to score it.",
            sources="[S&S] Appendix 3.",
            levels=LEVELS,
            allow_na=index % 2 == 0,
            position=index % per_group,
        )


def snapshot(criteria_set: CriteriaSet) -> dict:
    """Everything stored for one version, to compare before and after."""
    criteria_set.refresh_from_db()
    return {
        "set": (
            criteria_set.version,
            criteria_set.title,
            criteria_set.description,
            criteria_set.frozen_at,
        ),
        "groups": list(
            criteria_set.groups.order_by("pk").values_list("pk", "code", "title", "position")
        ),
        "criteria": list(
            criteria_set.criteria.order_by("pk").values_list(
                "pk",
                "group_id",
                "code",
                "title",
                "description",
                "guidance",
                "sources",
                "levels",
                "allow_na",
                "weight",
                "justification_required",
                "position",
            )
        ),
    }


def criterion_reword(criteria_set: CriteriaSet, code: str, *, user, **changes):
    """Save criterion `code` through the editor's service with `changes` to its English
    (the rest as it is); returns the criterion in the version the change landed in."""
    from criteria import services  # noqa: PLC0415 -- a helper of criteria tests only

    criterion = criteria_set.criteria.select_related("group").get(code=code)
    fields = {
        "title": criterion.title,
        "description": criterion.description,
        "guidance": criterion.guidance,
        "sources": criterion.sources,
        "levels": criterion.levels,
        **changes,
    }
    return services.criterion_save(
        criteria_set=criteria_set,
        criterion=criterion,
        group=criterion.group,
        code=code,
        user=user,
        **fields,
    )


def page_form_data(response) -> dict:
    """What the translation page would post back unchanged."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False, ""):
            data[name] = value
    return data
