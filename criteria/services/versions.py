"""Versions of a criteria set: the default, freezing, copying, and where an edit lands."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.default_set import content_create, default_content
from criteria.default_set_translations import default_translations
from criteria.models import (
    CriteriaSet,
    CriteriaSetTranslation,
    Criterion,
    CriterionGroup,
    CriterionGroupTranslation,
    CriterionTranslation,
)
from criteria.selectors import criteria_set_current
from portal.models import User, Workshop
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)


@transaction.atomic
def criteria_set_freeze(*, criteria_set: CriteriaSet, user: User | None = None) -> CriteriaSet:
    """Freeze a version once a review against it is submitted; later edits make a new one.

    `user` is whoever submitted that review (None for the system)."""
    updated = CriteriaSet.objects.filter(pk=criteria_set.pk, frozen_at__isnull=True).update(
        frozen_at=timezone.now()
    )
    if updated:
        criteria_set.refresh_from_db(fields=["frozen_at"])
        audit_record(
            action="criteria_set.frozen",
            obj=criteria_set,
            actor=user,
            details={"version": criteria_set.version},
        )
    return criteria_set


def lock_workshop(workshop: Workshop) -> None:
    # Creating a version takes the next number: two at once would collide on it.
    Workshop.objects.select_for_update().filter(pk=workshop.pk).values_list("pk").first()


def create_set(
    *, workshop: Workshop, version: int, content: dict, based_on: CriteriaSet | None = None
) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.create(
        workshop=workshop,
        version=version,
        title=content["title"],
        description=content["description"],
        based_on=based_on,
    )
    content_create(
        criteria_set=criteria_set,
        content=content,
        group_model=CriterionGroup,
        criterion_model=Criterion,
    )
    return criteria_set


@transaction.atomic
def criteria_set_create_default(*, workshop: Workshop, user: User | None = None) -> CriteriaSet:
    """Version 1 from the proposed default, unless the workshop has a set already.

    Without `user` it is a new workshop's own set, made with the workshop in its
    transaction: the workshop's creation is the event, and a second one saying "the
    system made a set" would only repeat it."""
    lock_workshop(workshop)
    existing = criteria_set_current(workshop=workshop)
    if existing is not None:
        return existing
    criteria_set = create_set(workshop=workshop, version=1, content=default_content())
    translations_create(criteria_set=criteria_set, translations=default_translations())
    if user is not None:
        audit_record(
            action="criteria_set.created",
            obj=criteria_set,
            actor=user,
            details={"version": 1, "source": "default", **content_counts(criteria_set)},
        )
    return criteria_set


def translations_create(*, criteria_set: CriteriaSet, translations: dict[str, dict]) -> None:
    """Load translations in the layout of criteria.default_set_translations into a set whose
    groups and criteria have those codes, each marked as made from their present English."""
    groups = list(criteria_set.groups.all())
    criteria = list(criteria_set.criteria.all())
    CriteriaSetTranslation.objects.bulk_create(
        CriteriaSetTranslation(
            criteria_set=criteria_set,
            language=language,
            title=texts["title"],
            description=texts["description"],
            source_digest=criteria_set.source_digest(),
        )
        for language, texts in translations.items()
        if texts.get("title")
    )
    CriterionGroupTranslation.objects.bulk_create(
        CriterionGroupTranslation(
            group=group,
            language=language,
            title=texts["groups"][group.code],
            source_digest=group.source_digest(),
        )
        for language, texts in translations.items()
        for group in groups
        if group.code in texts["groups"]
    )
    CriterionTranslation.objects.bulk_create(
        CriterionTranslation(
            criterion=criterion,
            language=language,
            title=item["title"],
            description=item["description"],
            guidance=item["guidance"],
            levels=[
                {"level": level, "descriptor": descriptor}
                for level, descriptor in zip(criterion.level_values, item["levels"], strict=True)
            ],
            source_digest=criterion.source_digest(),
        )
        for language, texts in translations.items()
        for criterion in criteria
        if (item := texts["criteria"].get(criterion.code))
    )


def content_counts(criteria_set: CriteriaSet) -> dict[str, int]:
    return {"groups": criteria_set.groups.count(), "criteria": criteria_set.criteria.count()}


def copy_set(source: CriteriaSet, *, user: User | None) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.create(
        workshop_id=source.workshop_id,
        version=source.version + 1,
        title=source.title,
        description=source.description,
        based_on=source,
    )
    old_groups = list(source.groups.order_by("position", "pk"))
    new_groups = CriterionGroup.objects.bulk_create(
        CriterionGroup(criteria_set=criteria_set, code=g.code, title=g.title, position=g.position)
        for g in old_groups
    )
    group_for = {old.pk: new for old, new in zip(old_groups, new_groups, strict=True)}
    old_criteria = list(source.criteria.order_by("position", "pk"))
    new_criteria = Criterion.objects.bulk_create(
        Criterion(
            criteria_set=criteria_set,
            group=group_for[c.group_id],
            code=c.code,
            title=c.title,
            description=c.description,
            guidance=c.guidance,
            sources=c.sources,
            levels=c.levels,
            allow_na=c.allow_na,
            weight=c.weight,
            justification_required=c.justification_required,
            position=c.position,
        )
        for c in old_criteria
    )
    copy_translations(
        set_for={source.pk: criteria_set},
        group_for=group_for,
        criterion_for={old.pk: new for old, new in zip(old_criteria, new_criteria, strict=True)},
    )
    logger.info(
        "criteria set of workshop %s: version %d created from version %d by user %s",
        source.workshop_id,
        criteria_set.version,
        source.version,
        getattr(user, "pk", None),
    )
    # New reviews use the newest version from now on: it is published as soon as it exists.
    audit_record(
        action="criteria_set.version_published",
        obj=criteria_set,
        actor=user,
        details={
            "version": criteria_set.version,
            "based_on": source.code,
            "based_on_version": source.version,
        },
    )
    return criteria_set


def _copy_rows(model, link: str, new_for: dict) -> None:
    """Copy `model`'s rows of the old objects (keys of `new_for`) onto the new ones."""
    fields = [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname != f"{link}_id" and f.name != "updated_at"
    ]
    model.objects.bulk_create(
        model(**{link: new_for[getattr(row, f"{link}_id")]}, **{n: getattr(row, n) for n in fields})
        for row in model.objects.filter(**{f"{link}_id__in": list(new_for)})
    )


def copy_translations(*, set_for: dict, group_for: dict, criterion_for: dict) -> None:
    """The translations of the copied set, groups and criteria, in three queries, each
    keeping the fingerprint of the English it was made from: a criterion whose English is
    then changed in the copy (an edit, a debate proposal applied) shows its translation as
    needing review, never as silently current."""
    _copy_rows(CriteriaSetTranslation, "criteria_set", set_for)
    _copy_rows(CriterionGroupTranslation, "group", group_for)
    _copy_rows(CriterionTranslation, "criterion", criterion_for)


def lock_current(criteria_set: CriteriaSet) -> CriteriaSet:
    """The set, locked and re-read, if it is still the workshop's newest version.

    The lock also makes criteria_set_freeze wait, so a version cannot freeze halfway
    through an edit.
    """
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    newest = CriteriaSet.objects.filter(workshop_id=locked.workshop_id).aggregate(
        newest=Max("version")
    )["newest"]
    if newest != locked.version:
        raise ValidationError(
            _(
                "Version %(version)d is no longer the current version of this criteria set "
                "(version %(newest)d is). Reload the editor and make the change there."
            )
            % {"version": locked.version, "newest": newest}
        )
    return locked


def writable(criteria_set: CriteriaSet, *, user: User | None, unchanged=None) -> CriteriaSet:
    """The version an edit lands in: the set itself, or its copy if it is frozen.

    `unchanged(locked)` says whether the edit would change nothing; then a frozen version
    is returned as it is, and the caller must not write: pressing Save on an untouched
    form does not start a version.
    """
    locked = lock_current(criteria_set)
    if not locked.is_frozen or (unchanged is not None and unchanged(locked)):
        return locked
    return copy_set(locked, user=user)


@transaction.atomic
def criteria_set_new_version(*, criteria_set: CriteriaSet, user: User | None) -> CriteriaSet:
    """Copy the current version into the next one; new reviews will use the copy."""
    return copy_set(lock_current(criteria_set), user=user)


def delete_criteria(queryset, *, criteria_set: CriteriaSet) -> None:
    """Delete criteria (or groups with their criteria); scores in drafts block it."""
    try:
        queryset.delete()
    except ProtectedError as error:
        ids = {getattr(obj, "criterion_id", None) for obj in error.protected_objects}
        codes = sorted(Criterion.objects.filter(pk__in=ids).values_list("code", flat=True))
        raise ValidationError(
            _(
                "%(codes)s already scored in draft reviews against version %(version)d, so "
                "cannot be removed from it. Start a new version on the overview page and "
                "remove it there; the drafts keep version %(version)d."
            )
            % {"codes": ", ".join(codes), "version": criteria_set.version}
        ) from None
