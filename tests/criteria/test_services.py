import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from criteria import services
from criteria.models import CriteriaSet, Criterion
from criteria.selectors import criteria_set_current
from reviews.models import CriterionScore
from tests.factories import CriterionScoreFactory, ReviewFactory
from tests.factories.reviewing import LEVELS

from .conftest import snapshot

pytestmark = pytest.mark.django_db


def _criterion_kwargs(criteria_set, **overrides):
    kwargs = {
        "criteria_set": criteria_set,
        "group": criteria_set.groups.get(code="B"),
        "code": "VAL-9",
        "title": "Grader calibration",
        "description": "Are model graders calibrated?",
        "guidance": "Look for agreement statistics.",
        "sources": "[BB]",
        "levels": LEVELS[:3],
        "allow_na": True,
        "weight": Decimal("0.5"),
        "justification_required": False,
        "user": None,
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture
def scored(workshop, criteria_set):
    """A submitted review against version 1 with two scores; version 1 is frozen."""
    review = ReviewFactory(assignment__submission__workshop=workshop, state="submitted")
    assert review.criteria_set == criteria_set
    scores = [
        CriterionScoreFactory(review=review, criterion=criteria_set.criteria.get(code="REL-1")),
        CriterionScoreFactory(
            review=review, criterion=criteria_set.criteria.get(code="VAL-1"), level=2
        ),
    ]
    services.criteria_set_freeze(criteria_set=criteria_set)
    return scores


def _scores(scores):
    return [
        CriterionScore.objects.filter(pk=s.pk).values_list("criterion_id", "level").get()
        for s in scores
    ]


# --- unfrozen versions are edited in place ---------------------------------------------------


def test_criterion_save_creates_criterion_last_in_group(criteria_set):
    created = services.criterion_save(**_criterion_kwargs(criteria_set))

    assert created.criteria_set == criteria_set
    assert list(created.group.criteria.values_list("code", "position")) == [
        ("VAL-1", 0),
        ("VAL-2", 1),
        ("VAL-3", 2),
        ("VAL-9", 3),
    ]
    assert created.weight == Decimal("0.50")
    assert created.levels == LEVELS[:3]
    assert CriteriaSet.objects.filter(workshop=criteria_set.workshop).count() == 1


def test_criterion_save_moves_to_other_group_at_end(criteria_set):
    criterion = criteria_set.criteria.get(code="REL-2")

    saved = services.criterion_save(
        **_criterion_kwargs(
            criteria_set,
            criterion=criterion,
            code="REL-2",
            group=criteria_set.groups.get(code="F"),
        )
    )

    assert saved.pk == criterion.pk
    assert list(saved.group.criteria.values_list("code", flat=True)) == ["CND-1", "REL-2"]


def test_criterion_save_normalises_line_ends(criteria_set):
    saved = services.criterion_save(
        **_criterion_kwargs(criteria_set, description="First line\r\nsecond line\r\n")
    )

    assert saved.description == "First line\nsecond line"


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"code": "VAL-1"},
            {"code": ["There is already a criterion with the code VAL-1 in this set."]},
        ),
        (
            {"code": "VAL 9"},
            {
                "code": [
                    "Code “VAL 9” may contain only letters, digits, “.”, “_” and “-”, and must "
                    "start with a letter or digit."
                ]
            },
        ),
        ({"title": "  "}, {"title": ["The title is empty."]}),
        ({"levels": LEVELS[:1]}, {"levels": ["Needs at least 2 levels, has 1."]}),
        (
            {"levels": [LEVELS[0], LEVELS[2]]},
            {
                "levels": [
                    "Levels must be consecutive whole numbers in ascending order (found 0, 2)."
                ]
            },
        ),
        (
            {"levels": [LEVELS[0], {"level": 1, "descriptor": " "}]},
            {"levels": ["Level 1 has no descriptor."]},
        ),
        ({"weight": Decimal("-1")}, {"weight": ["The weight must be zero or more."]}),
        ({"weight": "0.125"}, {"weight": ["The weight may have at most two decimals."]}),
    ],
)
def test_criterion_save_rejects_invalid(criteria_set, overrides, errors):
    before = snapshot(criteria_set)

    with pytest.raises(ValidationError) as caught:
        services.criterion_save(**_criterion_kwargs(criteria_set, **overrides))

    assert caught.value.message_dict == errors
    assert snapshot(criteria_set) == before


def test_criteria_set_update_in_place(criteria_set):
    saved = services.criteria_set_update(
        criteria_set=criteria_set, title="Workshop criteria", description="Ours.", user=None
    )

    assert saved.pk == criteria_set.pk
    criteria_set.refresh_from_db()
    assert (criteria_set.title, criteria_set.description) == ("Workshop criteria", "Ours.")


def test_group_save_create_and_rename(criteria_set):
    created = services.criterion_group_save(
        criteria_set=criteria_set, code="G", title="Governance", user=None
    )
    renamed = services.criterion_group_save(
        criteria_set=criteria_set, group=created, code="GOV", title="Governance", user=None
    )

    assert (renamed.pk, renamed.code, renamed.position) == (created.pk, "GOV", 6)


def test_group_save_rejects_duplicate_code(criteria_set):
    with pytest.raises(ValidationError) as caught:
        services.criterion_group_save(criteria_set=criteria_set, code="A", title="X", user=None)

    assert caught.value.message_dict == {
        "code": ["There is already a group with the code A in this set."]
    }


def test_group_delete_removes_its_criteria_and_renumbers(criteria_set):
    services.criterion_group_delete(group=criteria_set.groups.get(code="A"), user=None)

    assert list(criteria_set.groups.values_list("code", "position")) == [
        ("B", 0),
        ("C", 1),
        ("D", 2),
        ("E", 3),
        ("F", 4),
    ]
    assert not criteria_set.criteria.filter(code__startswith="REL").exists()


def test_group_move_down_and_up(criteria_set):
    services.criterion_group_move(
        group=criteria_set.groups.get(code="A"), direction="down", user=None
    )
    assert list(criteria_set.groups.values_list("code", flat=True)) == list("BACDEF")

    services.criterion_group_move(
        group=criteria_set.groups.get(code="F"), direction="up", user=None
    )
    assert list(criteria_set.groups.values_list("code", flat=True)) == list("BACDFE")
    # Criteria follow their groups in the model's default ordering.
    assert list(criteria_set.criteria.values_list("code", flat=True))[:3] == [
        "VAL-1",
        "VAL-2",
        "VAL-3",
    ]


def test_group_move_beyond_the_ends_is_refused(criteria_set):
    with pytest.raises(ValidationError) as caught:
        services.criterion_group_move(
            group=criteria_set.groups.get(code="A"), direction="up", user=None
        )

    assert caught.value.messages == ["Group A is already the first."]


def test_criterion_move_within_group(criteria_set):
    services.criterion_move(
        criterion=criteria_set.criteria.get(code="VAL-3"), direction="up", user=None
    )

    assert list(
        criteria_set.groups.get(code="B")
        .criteria.order_by("position")
        .values_list("code", "position")
    ) == [("VAL-1", 0), ("VAL-3", 1), ("VAL-2", 2)]


def test_criterion_move_last_down_is_refused(criteria_set):
    with pytest.raises(ValidationError) as caught:
        services.criterion_move(
            criterion=criteria_set.criteria.get(code="CND-1"), direction="down", user=None
        )

    assert caught.value.messages == ["CND-1 is already the last criterion of its group."]


def test_criterion_delete_in_place(criteria_set):
    result = services.criterion_delete(criterion=criteria_set.criteria.get(code="VAL-1"), user=None)

    assert result == criteria_set
    assert list(
        criteria_set.groups.get(code="B")
        .criteria.order_by("position")
        .values_list("code", "position")
    ) == [("VAL-2", 0), ("VAL-3", 1)]


def test_criterion_delete_refused_when_draft_scores_exist(workshop, criteria_set):
    review = ReviewFactory(assignment__submission__workshop=workshop)
    CriterionScoreFactory(review=review, criterion=criteria_set.criteria.get(code="VAL-1"))
    before = snapshot(criteria_set)

    with pytest.raises(ValidationError) as caught:
        services.criterion_delete(criterion=criteria_set.criteria.get(code="VAL-1"), user=None)

    assert caught.value.messages == [
        "VAL-1 already scored in draft reviews against version 1, so cannot be removed from it. "
        "Start a new version on the overview page and remove it there; the drafts keep "
        "version 1."
    ]
    assert snapshot(criteria_set) == before


# --- frozen versions are copied --------------------------------------------------------------


def test_frozen_edit_creates_v2_and_leaves_v1_and_scores(criteria_set, scored):
    before = snapshot(criteria_set)
    scores_before = _scores(scored)

    saved = services.criterion_save(
        **_criterion_kwargs(
            criteria_set,
            criterion=criteria_set.criteria.get(code="VAL-1"),
            code="VAL-1",
            title="Internal validity, revised",
            levels=LEVELS,
        )
    )

    v2 = saved.criteria_set
    assert (v2.version, v2.based_on_id, v2.frozen_at) == (2, criteria_set.pk, None)
    assert criteria_set_current(workshop=criteria_set.workshop) == v2
    assert saved.title == "Internal validity, revised"
    assert v2.criteria.count() == 12
    assert v2.groups.count() == 6
    assert snapshot(criteria_set) == before
    assert _scores(scored) == scores_before
    assert criteria_set.criteria.get(code="VAL-1").title == "Internal validity"


def test_frozen_copy_keeps_everything_but_the_edit(criteria_set, scored):
    v1 = json.loads(services.criteria_set_export(criteria_set=criteria_set, format="json"))

    v2 = services.criteria_set_update(
        criteria_set=criteria_set, title=criteria_set.title, description="Changed.", user=None
    )

    assert json.loads(services.criteria_set_export(criteria_set=v2, format="json")) == {
        **v1,
        "description": "Changed.",
    }


def test_frozen_delete_creates_version_without_it(criteria_set, scored):
    before = snapshot(criteria_set)

    v2 = services.criterion_delete(criterion=criteria_set.criteria.get(code="VAL-1"), user=None)

    assert v2.version == 2
    assert not v2.criteria.filter(code="VAL-1").exists()
    assert v2.criteria.count() == 11
    assert snapshot(criteria_set) == before
    assert CriterionScore.objects.filter(criterion__code="VAL-1").count() == 1


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: services.criterion_group_save(
            criteria_set=s, group=s.groups.get(code="A"), code="A", title="Relevance", user=None
        ),
        lambda s: services.criterion_group_save(
            criteria_set=s, code="G", title="New group", user=None
        ),
        lambda s: services.criterion_group_delete(group=s.groups.get(code="F"), user=None),
        lambda s: services.criterion_group_move(
            group=s.groups.get(code="B"), direction="up", user=None
        ),
        lambda s: services.criterion_move(
            criterion=s.criteria.get(code="REL-2"), direction="up", user=None
        ),
    ],
    ids=["group-edit", "group-add", "group-delete", "group-move", "criterion-move"],
)
def test_every_edit_of_frozen_version_creates_v2(criteria_set, scored, edit):
    before = snapshot(criteria_set)
    scores_before = _scores(scored)

    edit(criteria_set)

    assert list(
        CriteriaSet.objects.filter(workshop=criteria_set.workshop).values_list("version", flat=True)
    ) == [2, 1]
    assert snapshot(criteria_set) == before
    assert _scores(scored) == scores_before


def test_failed_edit_of_frozen_version_creates_nothing(criteria_set, scored):
    with pytest.raises(ValidationError):
        services.criterion_save(**_criterion_kwargs(criteria_set, code="REL-1"))

    assert CriteriaSet.objects.filter(workshop=criteria_set.workshop).count() == 1


def test_edit_of_superseded_version_is_refused(criteria_set, scored):
    services.criteria_set_new_version(criteria_set=criteria_set, user=None)

    with pytest.raises(ValidationError) as caught:
        services.criterion_move(
            criterion=criteria_set.criteria.get(code="REL-2"), direction="up", user=None
        )

    assert caught.value.messages == [
        "Version 1 is no longer the current version of this criteria set (version 2 is). "
        "Reload the editor and make the change there."
    ]


def test_new_version_copies_groups_and_criteria(criteria_set):
    v2 = services.criteria_set_new_version(criteria_set=criteria_set, user=None)

    assert v2.version == 2
    assert v2.based_on == criteria_set
    assert services.criteria_set_export(criteria_set=v2, format="yaml") == (
        services.criteria_set_export(criteria_set=criteria_set, format="yaml")
    )
    assert set(
        Criterion.objects.filter(criteria_set=v2).values_list("group__criteria_set", flat=True)
    ) == {v2.pk}


def test_freeze_is_idempotent(criteria_set):
    services.criteria_set_freeze(criteria_set=criteria_set)
    first = criteria_set.frozen_at

    services.criteria_set_freeze(criteria_set=criteria_set)

    assert criteria_set.frozen_at == first


def test_unchanged_saves_of_frozen_version_create_nothing(criteria_set, scored):
    before = snapshot(criteria_set)
    criterion = criteria_set.criteria.select_related("group").get(code="ELI-2")
    group = criterion.group

    services.criteria_set_update(
        criteria_set=criteria_set,
        title=criteria_set.title,
        description=criteria_set.description + "\r\n",
        user=None,
    )
    services.criterion_group_save(
        criteria_set=criteria_set, group=group, code=group.code, title=group.title, user=None
    )
    saved = services.criterion_save(
        criteria_set=criteria_set,
        criterion=criterion,
        group=group,
        code=criterion.code,
        title=criterion.title,
        description=criterion.description,
        guidance=criterion.guidance,
        sources=criterion.sources,
        levels=criterion.levels,
        allow_na=criterion.allow_na,
        weight=criterion.weight,
        justification_required=criterion.justification_required,
        user=None,
    )

    assert saved == criterion
    assert CriteriaSet.objects.filter(workshop=criteria_set.workshop).count() == 1
    assert snapshot(criteria_set) == before
