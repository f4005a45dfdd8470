"""Translations of the current version's texts (English is the source).

Translating changes no score's meaning, so it never starts a version: a frozen current
version takes translations as they are. A translation records the English it was made from
(`source_digest`); one made from older English is kept but shown as needing review until
staff change it or confirm it still fits.
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from criteria import validation
from criteria.localisation import translation_languages
from criteria.models import (
    CriteriaSet,
    CriteriaSetTranslation,
    CriterionGroupTranslation,
    CriterionTranslation,
    translation_token,
)
from criteria.selectors import criteria_set_translations
from criteria.services.versions import lock_current
from portal.concurrency import StaleEditError
from portal.models import User
from portal.services.audit import audit_record


def _levels(criterion, entered: dict) -> list[dict]:
    return [
        {"level": level, "descriptor": entered.get(level, "")} for level in criterion.level_values
    ]


class _Conflicts(dict):
    """Objects whose translation someone else saved after the page was loaded, and that
    this save would change: form prefix -> (the stored token, the stored row or None)."""


def _store(obj, row, new_row, entered: dict, values: dict, conflicts: _Conflicts, key: str) -> bool:
    """Write one object's translation; whether anything changed. An empty title removes
    it. An unchanged one made from older English stays as it is (needing review) unless
    staff ticked that it still fits; any other change records the present English.

    `entered["loaded"]` is what the page showed of the stored translation (its token): when
    that is no longer what is stored, a field left as it was keeps the other save, and a
    field changed on both sides is a conflict (`conflicts[key]`), written by nobody."""
    values = {
        name: validation.normalise_text(value) if isinstance(value, str) else value
        for name, value in values.items()
    }
    stored = row.edit_token() if row is not None else ""
    loaded = entered.get("loaded")
    if loaded is not None and loaded != stored:
        wanted = translation_token(values)
        if wanted == loaded:
            return False  # not touched here: the other save stands
        if wanted != stored:
            conflicts[key] = (stored, row)
            return False
    if not values["title"]:
        if row is None:
            return False
        row.delete()
        return True
    # The English the page showed beside the text: when it changed meanwhile, the
    # translation is stored as made from the older English, so it shows as needing review.
    digest = entered.get("source") or obj.source_digest()
    if row is None:
        row = new_row()
    elif all(getattr(row, k) == v for k, v in values.items()) and (
        row.source_digest == digest or not entered.get("checked")
    ):
        return False
    for name, value in values.items():
        setattr(row, name, value)
    row.source_digest = digest
    row.save()
    return True


def _save_criteria(locked, language: str, texts: dict, rows: dict, conflicts) -> list[str]:
    changed = []
    for criterion in locked.criteria.all():
        entered = texts.get(criterion.code)
        if entered is None:
            continue
        values = {
            "title": entered["title"],
            "description": entered["description"],
            "guidance": entered["guidance"],
            "levels": _levels(criterion, entered["levels"]),
        }
        row = rows.get(criterion.pk)
        new_row = partial(CriterionTranslation, criterion=criterion, language=language)
        if _store(criterion, row, new_row, entered, values, conflicts, f"c-{criterion.code}"):
            changed.append(criterion.code)
    return changed


def _save_groups(locked, language: str, texts: dict, rows: dict, conflicts) -> list[str]:
    changed = []
    for group in locked.groups.all():
        entered = texts.get(group.code)
        if entered is None:
            continue
        new_row = partial(CriterionGroupTranslation, group=group, language=language)
        values = {"title": entered["title"]}
        if _store(
            group, rows.get(group.pk), new_row, entered, values, conflicts, f"g-{group.code}"
        ):
            changed.append(group.code)
    return changed


def _save_set(locked: CriteriaSet, language: str, entered: dict | None, row, conflicts) -> bool:
    if not entered:
        return False
    values = {"title": entered["title"], "description": entered["description"]}
    new_row = partial(CriteriaSetTranslation, criteria_set=locked, language=language)
    return _store(locked, row, new_row, entered, values, conflicts, "s")


@transaction.atomic
def criteria_set_translations_save(
    *, criteria_set: CriteriaSet, language: str, texts: dict, user: User | None
) -> dict[str, list[str]]:
    """Store the texts of the current version in `language`, as given by the translation
    page (criteria.forms.TranslationForm.texts): an empty title removes that translation.
    Returns whether the set's own translation changed, and the codes of the groups and
    criteria whose translation changed.

    Texts someone else saved after the page was loaded are kept where this page left them
    as they were; where both changed the same object, nothing at all is saved and
    StaleEditError names those objects (`current`: form prefix -> the token stored now,
    `current_value`: form prefix -> the stored translation or None)."""
    if language not in dict(translation_languages()):
        raise ValidationError(_("Criteria texts cannot be translated into this language."))
    locked = lock_current(criteria_set)
    rows = criteria_set_translations(criteria_set=locked, language=language)
    conflicts = _Conflicts()
    changed = {
        "set": _save_set(locked, language, texts.get("set"), rows["set"], conflicts),
        "groups": _save_groups(
            locked, language, texts.get("groups", {}), rows["groups"], conflicts
        ),
        "criteria": _save_criteria(
            locked, language, texts.get("criteria", {}), rows["criteria"], conflicts
        ),
    }
    if conflicts:
        # Raised from the atomic block: what this save wrote meanwhile is rolled back too,
        # so the page can be saved again as a whole.
        raise StaleEditError(
            current={key: token for key, (token, _row) in conflicts.items()},
            current_value={key: row for key, (_token, row) in conflicts.items()},
        )
    if changed["set"] or changed["groups"] or changed["criteria"]:
        audit_record(
            action="criteria_set.translated",
            obj=locked,
            actor=user,
            details={"version": locked.version, "language": language, **changed},
        )
    return changed
