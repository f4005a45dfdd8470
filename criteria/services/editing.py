"""Editing the current version: set details, groups and criteria, and their order."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from criteria import validation
from criteria.interchange.schema import CRITERION_KEYS
from criteria.models import CriteriaSet, Criterion, CriterionGroup
from criteria.services.versions import delete_criteria, writable
from portal.concurrency import StaleEditError, check_revision
from portal.models import User
from portal.services.audit import audit_changes, audit_record

# What a criterion is made of: the fields the interchange format carries.
_CRITERION_FIELDS = sorted(CRITERION_KEYS)

UP = "up"
DOWN = "down"
DIRECTIONS = (UP, DOWN)


def _capfirst(message: str) -> str:
    message = str(message)
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _belongs(obj: CriterionGroup | Criterion, criteria_set: CriteriaSet) -> None:
    if obj.criteria_set_id != criteria_set.pk:
        raise ValueError(f"{obj!r} is not part of {criteria_set!r}")


def _check_loaded(obj, loaded_token: str | None, *, same: bool) -> None:
    """Refuse the edit if `obj` (as stored now, in the version written to) is no longer what
    the form was loaded from: someone saved a change meanwhile, or renamed or deleted it
    (`obj` None). An edit that stores what is stored already (`same`) overwrites nothing;
    no token (a caller that did not load a form) checks nothing but that `obj` exists."""
    if obj is None:
        raise StaleEditError(current=None)
    if loaded_token is not None and not same:
        check_revision(expected=loaded_token, current=obj.edit_token(), current_value=obj)


def _record(
    action: str,
    obj,
    *,
    target: CriteriaSet,
    user: User | None,
    code: str | None = None,
    object_type_name: str | None = None,
    changes: dict | None = None,
    **details,
) -> None:
    """One event about a version's content; groups and criteria are named by their codes,
    which every version keeps, so one code's history reads across versions."""
    audit_record(
        action=action,
        obj=obj,
        actor=user,
        workshop=target.workshop,
        code=code,
        object_type_name=object_type_name,
        changes=changes,
        details={"criteria_set": target.code, "version": target.version, **details},
    )


def _next_position(queryset) -> int:
    highest = queryset.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1


@transaction.atomic
def criteria_set_update(
    *,
    criteria_set: CriteriaSet,
    title: str,
    description: str,
    user: User | None,
    loaded_token: str | None = None,
) -> CriteriaSet:
    """Change the title and description. `loaded_token` (CriteriaSet.edit_token of what
    the form showed) refuses, with StaleEditError, a save over someone else's change."""
    title = validation.normalise_text(title)
    description = validation.normalise_text(description)
    problems = validation.title_problems(title)
    if problems:
        raise ValidationError({"title": [_capfirst(p) for p in problems]})
    target = writable(
        criteria_set,
        user=user,
        unchanged=lambda s: (s.title, s.description) == (title, description),
    )
    _check_loaded(
        target, loaded_token, same=(target.title, target.description) == (title, description)
    )
    if target.is_frozen:
        return target
    before = {"title": target.title, "description": target.description}
    target.title = title
    target.description = description
    target.save(update_fields=["title", "description"])
    changes = audit_changes(before, {"title": title, "description": description})
    if changes:
        audit_record(
            action="criteria_set.updated",
            obj=target,
            actor=user,
            changes=changes,
            details={"version": target.version},
        )
    return target


@transaction.atomic
def criterion_group_save(
    *,
    criteria_set: CriteriaSet,
    code: str,
    title: str,
    user: User | None,
    group: CriterionGroup | None = None,
    loaded_token: str | None = None,
) -> CriterionGroup:
    """Create a group (at the end) or change one; returns it in the version it landed in.
    A change is refused with StaleEditError when the group is no longer as the form showed
    it (`loaded_token`, CriterionGroup.edit_token) or is gone."""
    if group is not None:
        _belongs(group, criteria_set)
    code = validation.normalise_text(code)
    title = validation.normalise_text(title)

    def unchanged(locked: CriteriaSet) -> bool:
        return group is not None and (
            locked.groups.filter(code=group.code, title=title).exists() and code == group.code
        )

    target = writable(criteria_set, user=user, unchanged=unchanged)
    if group is None:
        obj = CriterionGroup(criteria_set=target, position=_next_position(target.groups))
    else:
        obj = target.groups.filter(code=group.code).first()
        _check_loaded(
            obj, loaded_token, same=obj is not None and (obj.code, obj.title) == (code, title)
        )
        if target.is_frozen:
            return obj
    before = {"code": obj.code or None, "title": obj.title or None}
    errors = {
        "code": [_capfirst(p) for p in validation.code_problems(code)],
        "title": [_capfirst(p) for p in validation.title_problems(title)],
    }
    if not errors["code"] and target.groups.filter(code=code).exclude(pk=obj.pk).exists():
        errors["code"].append(
            _("There is already a group with the code %(code)s in this set.") % {"code": code}
        )
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    created = obj.pk is None
    obj.code = code
    obj.title = title
    obj.save()
    changes = audit_changes(before, {"code": code, "title": title})
    if changes:
        _record(
            "criterion_group.saved", obj, target=target, user=user, changes=changes, created=created
        )
    return obj


def _renumber(items: list) -> None:
    for position, item in enumerate(items):
        item.position = position
    if items:
        type(items[0]).objects.bulk_update(items, ["position"])


@transaction.atomic
def criterion_group_delete(*, group: CriterionGroup, user: User | None) -> CriteriaSet:
    """Delete a group and its criteria; returns the version the deletion landed in."""
    target = writable(group.criteria_set, user=user)
    doomed = target.groups.filter(code=group.code)
    criteria = sorted(target.criteria.filter(group__code=group.code).values_list("code", flat=True))
    delete_criteria(doomed, criteria_set=target)
    _renumber(list(target.groups.order_by("position", "pk")))
    _record(
        "criterion_group.deleted",
        None,
        target=target,
        user=user,
        code=group.code,
        object_type_name="criteriongroup",
        criteria=criteria,
    )
    return target


def _move(items: list, index: int, direction: str, *, first: str, last: str) -> None:
    if direction not in DIRECTIONS:
        raise ValidationError(_("Choose to move up or down."))
    other = index - 1 if direction == UP else index + 1
    if other < 0:
        raise ValidationError(first)
    if other >= len(items):
        raise ValidationError(last)
    items[index], items[other] = items[other], items[index]
    _renumber(items)


@transaction.atomic
def criterion_group_move(
    *, group: CriterionGroup, direction: str, user: User | None
) -> CriterionGroup:
    """Swap a group with the one before it (`up`) or after it (`down`)."""
    target = writable(group.criteria_set, user=user)
    groups = list(target.groups.order_by("position", "pk"))
    index = next(i for i, g in enumerate(groups) if g.code == group.code)
    before = groups[index].position
    _move(
        groups,
        index,
        direction,
        first=_("Group %(code)s is already the first.") % {"code": group.code},
        last=_("Group %(code)s is already the last.") % {"code": group.code},
    )
    moved = next(g for g in groups if g.code == group.code)
    _record(
        "criterion_group.moved",
        moved,
        target=target,
        user=user,
        changes={"position": [before, moved.position]},
        direction=direction,
    )
    return moved


def _clean_levels(levels: list[dict]) -> list[dict]:
    return [
        {"level": int(item["level"]), "descriptor": validation.normalise_text(item["descriptor"])}
        for item in levels
    ]


@transaction.atomic
def criterion_save(
    *,
    criteria_set: CriteriaSet,
    group: CriterionGroup,
    code: str,
    title: str,
    levels: list[dict],
    user: User | None,
    description: str = "",
    guidance: str = "",
    sources: str = "",
    allow_na: bool = False,
    weight: Decimal | str = Decimal("1"),
    justification_required: bool = True,
    criterion: Criterion | None = None,
    loaded_token: str | None = None,
) -> Criterion:
    """Create a criterion (last in its group) or change one, possibly moving it to `group`.
    A change is refused with StaleEditError when the criterion is no longer as the form
    showed it (`loaded_token`, Criterion.edit_token) or is gone.

    `levels` is [{"level": 0, "descriptor": "..."}, ...] in ascending order. Returns the
    criterion in the version the change landed in.
    """
    _belongs(group, criteria_set)
    if criterion is not None:
        _belongs(criterion, criteria_set)
    code = validation.normalise_text(code)
    title = validation.normalise_text(title)
    levels = _clean_levels(levels)
    parsed_weight, weight_problems = validation.parse_weight(weight)
    values = {
        "code": code,
        "title": title,
        "description": validation.normalise_text(description),
        "guidance": validation.normalise_text(guidance),
        "sources": validation.normalise_text(sources),
        "levels": levels,
        "allow_na": allow_na,
        "weight": parsed_weight,
        "justification_required": justification_required,
    }

    def unchanged(locked: CriteriaSet) -> bool:
        if criterion is None:
            return False
        current = locked.criteria.select_related("group").filter(code=criterion.code).first()
        return (
            current is not None
            and current.group.code == group.code
            and all(getattr(current, field) == value for field, value in values.items())
        )

    target = writable(criteria_set, user=user, unchanged=unchanged)
    if criterion is not None:
        obj = target.criteria.select_related("group").filter(code=criterion.code).first()
        same = (
            obj is not None
            and obj.group.code == group.code
            and all(getattr(obj, field) == value for field, value in values.items())
        )
        _check_loaded(obj, loaded_token, same=same)
    target_group = target.groups.filter(code=group.code).first()
    if target_group is None:
        raise ValidationError(
            {
                "group": _("The group %(code)s no longer exists. Choose another.")
                % {"code": group.code}
            }
        )
    if criterion is None:
        obj = Criterion(criteria_set=target)
        before = {}
    else:
        if target.is_frozen:
            return obj
        # Read from the row just fetched: the stored values, in the version written to.
        before = {name: getattr(obj, name) for name in _CRITERION_FIELDS}
        before["group"] = obj.group.code
    errors = {
        "code": [_capfirst(p) for p in validation.code_problems(code)],
        "title": [_capfirst(p) for p in validation.title_problems(title)],
        "levels": [_capfirst(p) for p in validation.level_problems(levels)],
        "weight": [_capfirst(p) for p in weight_problems],
    }
    if not errors["code"] and target.criteria.filter(code=code).exclude(pk=obj.pk).exists():
        errors["code"].append(
            _("There is already a criterion with the code %(code)s in this set.") % {"code": code}
        )
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    if obj.pk is None or obj.group_id != target_group.pk:
        obj.position = _next_position(target_group.criteria)
    obj.group = target_group
    for field, value in values.items():
        setattr(obj, field, value)
    obj.save()
    after = {name: getattr(obj, name) for name in _CRITERION_FIELDS}
    after["group"] = target_group.code
    changes = audit_changes(before, after)
    if changes:
        _record(
            "criterion.saved", obj, target=target, user=user, changes=changes, created=not before
        )
    return obj


@transaction.atomic
def criterion_delete(*, criterion: Criterion, user: User | None) -> CriteriaSet:
    """Delete a criterion; on a frozen version, the new version is made without it."""
    target = writable(criterion.criteria_set, user=user)
    obj = target.criteria.select_related("group").get(code=criterion.code)
    group_id = obj.group_id
    delete_criteria(target.criteria.filter(pk=obj.pk), criteria_set=target)
    _renumber(list(Criterion.objects.filter(group_id=group_id).order_by("position", "pk")))
    _record(
        "criterion.deleted",
        None,
        target=target,
        user=user,
        code=obj.code,
        object_type_name="criterion",
        group=obj.group.code,
    )
    return target


@transaction.atomic
def criterion_move(*, criterion: Criterion, direction: str, user: User | None) -> Criterion:
    """Swap a criterion with its neighbour within its group; other groups via the edit form."""
    target = writable(criterion.criteria_set, user=user)
    obj = target.criteria.get(code=criterion.code)
    siblings = list(Criterion.objects.filter(group_id=obj.group_id).order_by("position", "pk"))
    index = next(i for i, c in enumerate(siblings) if c.pk == obj.pk)
    before = siblings[index].position
    _move(
        siblings,
        index,
        direction,
        first=_("%(code)s is already the first criterion of its group.") % {"code": obj.code},
        last=_("%(code)s is already the last criterion of its group.") % {"code": obj.code},
    )
    moved = next(c for c in siblings if c.pk == obj.pk)
    _record(
        "criterion.moved",
        moved,
        target=target,
        user=user,
        changes={"position": [before, moved.position]},
        direction=direction,
    )
    return moved
