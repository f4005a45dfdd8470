"""Writes for criteria sets: the default set, editing, versions, import and export.

A frozen version (a review against it has been submitted) is never changed. Every edit
through these services copies a frozen version into the next one and applies the change
there, so each score keeps pointing at the criterion it was given under. Edits address
groups and criteria by code, which a copy keeps.
"""

from criteria.services.editing import (
    DIRECTIONS,
    DOWN,
    UP,
    criteria_set_update,
    criterion_delete,
    criterion_group_delete,
    criterion_group_move,
    criterion_group_save,
    criterion_move,
    criterion_save,
)
from criteria.services.transfer import criteria_set_export, criteria_set_import
from criteria.services.translations import criteria_set_translations_save
from criteria.services.versions import (
    criteria_set_create_default,
    criteria_set_freeze,
    criteria_set_new_version,
)

__all__ = [
    "DIRECTIONS",
    "DOWN",
    "UP",
    "criteria_set_create_default",
    "criteria_set_export",
    "criteria_set_freeze",
    "criteria_set_import",
    "criteria_set_new_version",
    "criteria_set_translations_save",
    "criteria_set_update",
    "criterion_delete",
    "criterion_group_delete",
    "criterion_group_move",
    "criterion_group_save",
    "criterion_move",
    "criterion_save",
]
