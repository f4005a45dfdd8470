"""Criteria texts in the reader's language, English being the source.

`criteria_localise` gives the criteria and groups read for a page or a report the texts of
the active language: each instance gets the translation's title, description, guidance and
level descriptors in place of the English, and says which language its texts are in
(`text_language`) and why it fell back to English (`translation_status`: "" when
translated, MISSING when there is no translation, STALE when the English changed since the
translation was made). Templates mark the fallback (`lang="en"` and a badge). A localised
instance refuses to be saved, so a translation never overwrites the English source.

One query per kind (criteria, groups, sets) for any number of them: the active language's
translations only.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation

from criteria.models import (
    CriteriaSet,
    CriteriaSetTranslation,
    Criterion,
    CriterionGroup,
    CriterionGroupTranslation,
    CriterionTranslation,
)

SOURCE_LANGUAGE = "en"
MISSING = "missing"
STALE = "stale"


def translation_languages() -> list[tuple[str, str]]:
    """The portal's languages that criteria texts are translated into (all but English)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def active_language(language: str | None = None) -> str:
    code = (language or translation.get_language() or SOURCE_LANGUAGE).split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else SOURCE_LANGUAGE


def _mark(obj, *, language: str, status: str) -> None:
    obj.text_language = language
    obj.translation_status = status
    obj.translation_missing = bool(status)


def _apply_criterion(criterion: Criterion, row: CriterionTranslation | None, language: str):
    if row is None:
        _mark(criterion, language=SOURCE_LANGUAGE, status=MISSING)
        return
    if row.source_digest != criterion.source_digest():
        _mark(criterion, language=SOURCE_LANGUAGE, status=STALE)
        return
    criterion.title = row.title
    criterion.description = row.description
    criterion.guidance = row.guidance
    criterion.levels = [
        {"level": item["level"], "descriptor": row.descriptor(int(item["level"]))}
        for item in criterion.levels
    ]
    _mark(criterion, language=language, status="")


def _apply_group(group: CriterionGroup, row: CriterionGroupTranslation | None, language: str):
    if row is None:
        _mark(group, language=SOURCE_LANGUAGE, status=MISSING)
    elif row.source_digest != group.source_digest():
        _mark(group, language=SOURCE_LANGUAGE, status=STALE)
    else:
        group.title = row.title
        _mark(group, language=language, status="")


def _apply_set(criteria_set: CriteriaSet, row: CriteriaSetTranslation | None, language: str):
    if row is None:
        _mark(criteria_set, language=SOURCE_LANGUAGE, status=MISSING)
    elif row.source_digest != criteria_set.source_digest():
        _mark(criteria_set, language=SOURCE_LANGUAGE, status=STALE)
    else:
        criteria_set.title = row.title
        criteria_set.description = row.description
        _mark(criteria_set, language=language, status="")


def criteria_localise(
    *,
    criteria: Iterable[Criterion] = (),
    groups: Iterable[CriterionGroup] = (),
    criteria_sets: Iterable[CriteriaSet] = (),
    language: str | None = None,
) -> str:
    """Give `criteria`, `groups` and `criteria_sets` their texts in `language` (the active
    one by default), falling back to English with a flag. Returns the language used."""
    language = active_language(language)
    criteria, groups, sets = list(criteria), list(groups), list(criteria_sets)
    if language == SOURCE_LANGUAGE:
        for obj in [*criteria, *groups, *sets]:
            _mark(obj, language=SOURCE_LANGUAGE, status="")
        return language
    if sets:
        set_rows = {
            row.criteria_set_id: row
            for row in CriteriaSetTranslation.objects.filter(
                criteria_set__in=[s.pk for s in sets], language=language
            )
        }
        for criteria_set in sets:
            _apply_set(criteria_set, set_rows.get(criteria_set.pk), language)
    if criteria:
        rows = {
            row.criterion_id: row
            for row in CriterionTranslation.objects.filter(
                criterion__criteria_set_id__in={c.criteria_set_id for c in criteria},
                language=language,
            )
        }
        for criterion in criteria:
            _apply_criterion(criterion, rows.get(criterion.pk), language)
    if groups:
        group_rows = {
            row.group_id: row
            for row in CriterionGroupTranslation.objects.filter(
                group__criteria_set_id__in={g.criteria_set_id for g in groups},
                language=language,
            )
        }
        for group in groups:
            _apply_group(group, group_rows.get(group.pk), language)
    return language
