"""Translations of the current version's texts (English is the source).

Translating changes no score's meaning, so it never starts a version: a frozen current
version takes translations as they are. A translation records the English it was made from
(`source_digest`); one made from older English is kept but shown as needing review until
staff change it or confirm it still fits.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from criteria.localisation import translation_languages
from criteria.models import (
    CriteriaSet,
    CriteriaSetTranslation,
    CriterionGroupTranslation,
    CriterionTranslation,
)
from criteria.selectors import criteria_set_translations
from criteria.services.versions import lock_current
from portal.models import User
from portal.services.audit import audit_record


def _levels(criterion, entered: dict) -> list[dict]:
    return [
        {"level": level, "descriptor": entered.get(level, "")} for level in criterion.level_values
    ]


def _save_criteria(locked: CriteriaSet, language: str, texts: dict, rows: dict) -> list[str]:
    changed = []
    for criterion in locked.criteria.all():
        entered = texts.get(criterion.code)
        if entered is None:
            continue
        row = rows.get(criterion.pk)
        values = {
            "title": entered["title"],
            "description": entered["description"],
            "guidance": entered["guidance"],
            "levels": _levels(criterion, entered["levels"]),
        }
        if not entered["title"]:
            if row is not None:
                row.delete()
                changed.append(criterion.code)
            continue
        digest = criterion.source_digest()
        if row is None:
            row = CriterionTranslation(criterion=criterion, language=language)
        elif all(getattr(row, k) == v for k, v in values.items()) and (
            row.source_digest == digest or not entered.get("checked")
        ):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.source_digest = digest
        row.save()
        changed.append(criterion.code)
    return changed


def _save_set(locked: CriteriaSet, language: str, entered: dict, row) -> bool:
    if not entered or entered["title"] is None:
        return False
    if not entered["title"]:
        if row is not None:
            row.delete()
            return True
        return False
    digest = locked.source_digest()
    values = {"title": entered["title"], "description": entered["description"]}
    if row is None:
        row = CriteriaSetTranslation(criteria_set=locked, language=language)
    elif all(getattr(row, k) == v for k, v in values.items()) and (
        row.source_digest == digest or not entered.get("checked")
    ):
        return False
    row.title, row.description = values["title"], values["description"]
    row.source_digest = digest
    row.save()
    return True


def _save_groups(locked: CriteriaSet, language: str, texts: dict, rows: dict) -> list[str]:
    changed = []
    for group in locked.groups.all():
        entered = texts.get(group.code)
        if entered is None:
            continue
        row = rows.get(group.pk)
        if not entered["title"]:
            if row is not None:
                row.delete()
                changed.append(group.code)
            continue
        digest = group.source_digest()
        if row is None:
            row = CriterionGroupTranslation(group=group, language=language)
        elif row.title == entered["title"] and (
            row.source_digest == digest or not entered.get("checked")
        ):
            continue
        row.title = entered["title"]
        row.source_digest = digest
        row.save()
        changed.append(group.code)
    return changed


@transaction.atomic
def criteria_set_translations_save(
    *, criteria_set: CriteriaSet, language: str, texts: dict, user: User | None
) -> dict[str, list[str]]:
    """Store the texts of the current version in `language`, as given by the translation
    page (criteria.forms.TranslationForm.texts): an empty title removes that translation.
    Returns whether the set's own translation changed, and the codes of the groups and
    criteria whose translation changed."""
    if language not in dict(translation_languages()):
        raise ValidationError(_("Criteria texts cannot be translated into this language."))
    locked = lock_current(criteria_set)
    rows = criteria_set_translations(criteria_set=locked, language=language)
    changed = {
        "set": _save_set(locked, language, texts.get("set"), rows["set"]),
        "groups": _save_groups(locked, language, texts.get("groups", {}), rows["groups"]),
        "criteria": _save_criteria(locked, language, texts.get("criteria", {}), rows["criteria"]),
    }
    if changed["set"] or changed["groups"] or changed["criteria"]:
        audit_record(
            action="criteria_set.translated",
            obj=locked,
            actor=user,
            details={"version": locked.version, "language": language, **changed},
        )
    return changed
