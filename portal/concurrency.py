"""One way to refuse an edit that races another (optimistic locking).

Every editable row that two people (or two tabs, or an autosave and a full save) may
change carries a `revision` that each save increases. A save names the revision its edit
started from; when the stored one differs, the save is refused with StaleEditError and
the view explains it (HTTP 409, what the user typed kept) instead of overwriting.
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class StaleEditError(Exception):
    """Someone saved after this edit started; saving would overwrite their work.

    `current` is the revision (or version token) stored now; `current_value` what the
    view may show of the other save (e.g. the text now stored), if anything.
    """

    def __init__(self, *, current: Any, current_value: Any = None):
        super().__init__(f"stale edit; current revision {current!r}")
        self.current = current
        self.current_value = current_value


def check_revision(*, expected: Any, current: Any, current_value: Any = None) -> None:
    """Refuse the save unless the edit started from the revision stored now."""
    if expected != current:
        raise StaleEditError(current=current, current_value=current_value)


def lock_for_edit(queryset: QuerySet[M], *, pk: Any, revision: int) -> M:
    """The row, locked until the transaction ends, if it is still at `revision`.

    Call inside transaction.atomic(); bump the revision (`row.revision += 1`) when saving.
    """
    row = queryset.select_for_update().get(pk=pk)
    check_revision(expected=revision, current=row.revision)
    return row
