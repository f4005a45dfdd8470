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
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
from django.utils import translation

from criteria.models import (
    CriteriaSet,
    CriteriaSetTranslation,
    Criterion,
    CriterionGroup,
    CriterionGroupTranslation,
    CriterionTranslation,
)
from portal.languages import ENGLISH

SOURCE_LANGUAGE = ENGLISH  # the criteria texts are written in English first
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


def _criterion_texts(criterion: Criterion, row: CriterionTranslation) -> None:
    criterion.title = row.title
    criterion.description = row.description
    criterion.guidance = row.guidance
    criterion.levels = [
        {"level": item["level"], "descriptor": row.descriptor(int(item["level"]))}
        for item in criterion.levels
    ]


def _group_texts(group: CriterionGroup, row: CriterionGroupTranslation) -> None:
    group.title = row.title


def _set_texts(criteria_set: CriteriaSet, row: CriteriaSetTranslation) -> None:
    criteria_set.title = row.title
    criteria_set.description = row.description


# Per kind: the translation model, its link to the translated object, how to find the
# rows of the objects' versions in one query, and what a current translation replaces.
_KINDS = {
    "criteria": (
        CriterionTranslation,
        "criterion_id",
        "criterion__criteria_set_id__in",
        _criterion_texts,
    ),
    "groups": (CriterionGroupTranslation, "group_id", "group__criteria_set_id__in", _group_texts),
    "sets": (CriteriaSetTranslation, "criteria_set_id", "criteria_set_id__in", _set_texts),
}


def _localise_kind(kind: str, objects: list, language: str) -> None:
    model, link, versions, replace = _KINDS[kind]
    version_ids = {obj.pk if kind == "sets" else obj.criteria_set_id for obj in objects}
    rows = {
        getattr(row, link): row
        for row in model.objects.filter(**{versions: version_ids}, language=language)
    }
    for obj in objects:
        row = rows.get(obj.pk)
        if row is None:
            _mark(obj, language=SOURCE_LANGUAGE, status=MISSING)
        elif row.source_digest != obj.source_digest():
            _mark(obj, language=SOURCE_LANGUAGE, status=STALE)
        else:
            replace(obj, row)
            _mark(obj, language=language, status="")


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
    objects = {"criteria": list(criteria), "groups": list(groups), "sets": list(criteria_sets)}
    for kind, items in objects.items():
        if not items:
            continue
        if language == SOURCE_LANGUAGE:
            for obj in items:
                _mark(obj, language=SOURCE_LANGUAGE, status="")
        else:
            _localise_kind(kind, items, language)
    return language


def criteria_titles(*, criteria_set_ids: Iterable[int], language: str | None = None) -> dict:
    """criterion id -> its title in `language` (the active one by default), for the criteria
    of these versions with a current translation: the labels of a form's criterion picker,
    whose choices stay the English instances. One query, none in English."""
    language = active_language(language)
    if language == SOURCE_LANGUAGE:
        return {}
    rows = CriterionTranslation.objects.filter(
        criterion__criteria_set_id__in=list(criteria_set_ids), language=language
    ).select_related("criterion")
    return {
        row.criterion_id: row.title
        for row in rows
        if row.source_digest == row.criterion.source_digest()
    }


@dataclass(frozen=True)
class SnapshotTexts:
    """The current translations of the criteria named in review snapshots (which keep the
    English of their day): criterion id -> its translation row; criterion id -> its
    group's translated title."""

    language: str
    criteria: dict = field(default_factory=dict)
    group_titles: dict = field(default_factory=dict)


def criteria_snapshot_texts(
    *, criterion_ids: Iterable[int], language: str | None = None
) -> SnapshotTexts | None:
    """The translations to show review snapshots in `language` (the active one by default):
    None in English. Two queries (criteria, groups) for any number of criteria."""
    language = active_language(language)
    if language == SOURCE_LANGUAGE:
        return None
    ids = [pk for pk in set(criterion_ids) if pk is not None]
    criteria = {
        row.criterion_id: row
        for row in CriterionTranslation.objects.filter(
            criterion_id__in=ids, language=language
        ).select_related("criterion")
        if row.source_digest == row.criterion.source_digest()
    }
    # One row per (group translation, criterion of the group): the snapshots name the
    # criterion, not the group's id.
    groups = (
        CriterionGroupTranslation.objects.filter(group__criteria__id__in=ids, language=language)
        .select_related("group")
        .annotate(for_criterion=F("group__criteria__id"))
    )
    group_titles = {
        row.for_criterion: row.title
        for row in groups
        if row.source_digest == row.group.source_digest()
    }
    return SnapshotTexts(language=language, criteria=criteria, group_titles=group_titles)
