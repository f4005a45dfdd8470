"""Import and export of whole versions as JSON or YAML."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from criteria import interchange
from criteria.models import CriteriaSet, Criterion, CriterionGroup
from criteria.selectors import criteria_set_current, criteria_set_with_criteria
from criteria.services.versions import (
    content_counts,
    create_set,
    delete_criteria,
    lock_current,
    lock_workshop,
)
from portal.models import User, Workshop
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)


def _check_format(format: str) -> None:
    if format not in interchange.FORMATS:
        raise ValidationError(
            _("Unknown format “%(format)s”: choose JSON or YAML.") % {"format": format}
        )


def _replace_content(target: CriteriaSet, content: dict) -> None:
    """Make an unfrozen version hold `content`, matching groups and criteria by code.

    Matching (rather than delete-and-recreate) keeps scores in draft reviews attached to
    criteria the import keeps.
    """
    target.title = content["title"]
    target.description = content["description"]
    target.save(update_fields=["title", "description"])

    groups = {g.code: g for g in target.groups.all()}
    new_groups, changed_groups = [], []
    for position, spec in enumerate(content["groups"]):
        group = groups.get(spec["code"])
        if group is None:
            group = CriterionGroup(criteria_set=target, code=spec["code"])
            new_groups.append(group)
        else:
            changed_groups.append(group)
        group.title = spec["title"]
        group.position = position
        groups[spec["code"]] = group
    CriterionGroup.objects.bulk_create(new_groups)
    CriterionGroup.objects.bulk_update(changed_groups, ["title", "position"])

    fields = [
        "group",
        "title",
        "description",
        "guidance",
        "sources",
        "levels",
        "allow_na",
        "weight",
        "justification_required",
        "position",
    ]
    criteria = {c.code: c for c in target.criteria.all()}
    new_criteria, changed_criteria = [], []
    for spec in content["groups"]:
        for position, item in enumerate(spec["criteria"]):
            criterion = criteria.get(item["code"])
            if criterion is None:
                criterion = Criterion(criteria_set=target, code=item["code"])
                new_criteria.append(criterion)
            else:
                changed_criteria.append(criterion)
            criterion.group = groups[spec["code"]]
            criterion.position = position
            for field in fields[1:-1]:
                setattr(criterion, field, item[field])
    Criterion.objects.bulk_create(new_criteria)
    Criterion.objects.bulk_update(changed_criteria, fields)

    wanted_criteria = [c["code"] for spec in content["groups"] for c in spec["criteria"]]
    wanted_groups = [spec["code"] for spec in content["groups"]]
    delete_criteria(target.criteria.exclude(code__in=wanted_criteria), criteria_set=target)
    delete_criteria(target.groups.exclude(code__in=wanted_groups), criteria_set=target)


@transaction.atomic
def criteria_set_import(
    *,
    workshop: Workshop,
    text: str,
    format: str,
    user: User | None,
) -> CriteriaSet:
    """Replace the current version's content with a JSON or YAML file's.

    A frozen current version is left alone and the content becomes the next version. Any
    error, with its line, leaves everything unchanged.
    """
    _check_format(format)
    content = interchange.parse(text, format=format)
    lock_workshop(workshop)
    current = criteria_set_current(workshop=workshop)
    if current is None:
        target = create_set(workshop=workshop, version=1, content=content)
    else:
        current = lock_current(current)
        if current.is_frozen:
            target = create_set(
                workshop=workshop, version=current.version + 1, content=content, based_on=current
            )
        else:
            target = current
            _replace_content(target, content)
    logger.info(
        "criteria set of workshop %s: %s imported into version %d by user %s",
        workshop.pk,
        format,
        target.version,
        getattr(user, "pk", None),
    )
    audit_record(
        action="criteria_set.imported",
        obj=target,
        actor=user,
        details={
            "format": format,
            "version": target.version,
            "new_version": current is None or target.pk != current.pk,
            "based_on": current.code if current is not None and target.pk != current.pk else "",
            **content_counts(target),
        },
    )
    return target


@transaction.atomic
def criteria_set_export(*, criteria_set: CriteriaSet, format: str, user: User | None = None) -> str:
    """The version as JSON or YAML text; importing it gives the same set back.

    A download is recorded: the criteria of an unpublished call leave the portal."""
    _check_format(format)
    loaded = criteria_set_with_criteria(criteria_set=criteria_set)
    text = interchange.dump(interchange.content_from_set(loaded), format=format)
    audit_record(
        action="criteria_set.exported",
        obj=criteria_set,
        actor=user,
        details={"format": format, "version": criteria_set.version},
    )
    return text
