"""Many assignments at once (the API's bulk endpoint): each row assigns a reviewer to a
submission or takes them off it, through the very services the staff's reviewers page
calls (reviews.services.assignments), so every row gets the same checks and messages.

All or nothing: the rows are applied in one transaction that is rolled back when any row
is refused, or when the caller only asked what would happen (a dry run). A rolled-back row
emails nobody: the services queue their emails after commit.

Rows name the submission by its code and the reviewer by the code of their application to
the call (opaque, as in the openreview-matcher files), never by email address.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.csv import csv_safe
from portal.models import User, Workshop
from portal.services.audit import audit_record
from reviews.models import Assignment, ReviewerApplication
from reviews.services.assignments import assignment_create, assignment_remove
from submissions.models import Submission

ASSIGN = "assign"
REMOVE = "remove"
ACTIONS = (ASSIGN, REMOVE)
CSV_COLUMNS = ("submission", "reviewer", "action")
# One request stays one short transaction; the automatic assignment is for whole calls.
MAX_ROWS = 2000


@dataclass(frozen=True)
class BulkRow:
    submission: str
    reviewer: str
    action: str = ASSIGN


@dataclass
class BulkOutcome:
    row: BulkRow
    errors: list[str] = field(default_factory=list)
    # The assignment made or taken away (its code) when the row went through; in a dry run
    # only the one a removal would take away.
    assignment: str = ""

    @property
    def refused(self) -> bool:
        return bool(self.errors)


@dataclass
class BulkResult:
    outcomes: list[BulkOutcome]
    dry_run: bool

    @property
    def refused(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if o.refused]

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.refused


def _unguard(value: str) -> str:
    """A cell as it was before portal.csv.csv_safe guarded it (a file made from one of the
    portal's exports may carry the apostrophe)."""
    if value[:1] == "'" and csv_safe(value[1:]) == value:
        return value[1:]
    return value


def bulk_rows_from_csv(text: str) -> list[BulkRow]:
    """Rows of a CSV with the header `submission,reviewer[,action]`; ValidationError names
    every line that cannot be read."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header[:2] != list(CSV_COLUMNS[:2]) or header[2:] not in ([], ["action"]):
        raise ValidationError(
            _("The first line must name the columns: %(columns)s.")
            % {"columns": ",".join(CSV_COLUMNS)}
        )
    rows = []
    errors = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) or len(cells) < 2:
            errors.append(
                _("Line %(line)s: expected %(count)s columns.")
                % {"line": line, "count": len(header)}
            )
            continue
        values = [_unguard(cell.strip()) for cell in cells]
        action = values[2].lower() if len(values) > 2 and values[2] else ASSIGN
        rows.append(BulkRow(submission=values[0], reviewer=values[1], action=action))
    if errors:
        raise ValidationError(errors)
    return rows


def _check_size(rows: list[BulkRow]) -> None:
    if not rows:
        raise ValidationError(_("There are no rows to apply."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("At most %(max)s rows at once; send the rest in another request.") % {"max": MAX_ROWS}
        )


class _Rollback(Exception):
    """Undo every row: one was refused, or nothing was to be written."""


def assignments_bulk_apply(
    *, workshop: Workshop, user: User, rows: list[BulkRow], dry_run: bool
) -> BulkResult:
    """Apply `rows` in order, all or nothing; every row's outcome, refusals with reasons.

    A dry run takes the same path and rolls back at the end, so its answer is exactly what
    applying would do. ValidationError for a request that has no rows or too many.
    """
    _check_size(rows)
    submissions = {
        s.code: s
        for s in Submission.objects.filter(
            workshop=workshop, code__in={r.submission for r in rows}
        ).select_related("workshop")
    }
    reviewers = {
        a.code: a.user
        for a in ReviewerApplication.objects.filter(
            workshop=workshop, code__in={r.reviewer for r in rows}
        ).select_related("user")
    }
    outcomes = [BulkOutcome(row=row) for row in rows]
    try:
        with transaction.atomic():
            seen: set[tuple[str, str]] = set()
            for outcome in outcomes:
                _apply(outcome, workshop, user, submissions, reviewers, seen)
            if dry_run or any(o.refused for o in outcomes):
                raise _Rollback
            # Each row's assignment.added or assignment.removed is recorded by its service.
            audit_record(
                action="assignment.bulk_applied",
                obj=workshop,
                actor=user,
                details={
                    "rows": len(outcomes),
                    "assigned": sum(o.row.action == ASSIGN for o in outcomes),
                    "removed": sum(o.row.action == REMOVE for o in outcomes),
                },
            )
    except _Rollback:
        # Nothing was made: no code may name an assignment that does not exist.
        for outcome in outcomes:
            if outcome.row.action == ASSIGN:
                outcome.assignment = ""
    return BulkResult(outcomes=outcomes, dry_run=dry_run)


def _apply(outcome: BulkOutcome, workshop, user, submissions, reviewers, seen) -> None:
    row = outcome.row
    if row.action not in ACTIONS:
        outcome.errors.append(
            _("Unknown action “%(action)s”: use “assign” or “remove”.") % {"action": row.action}
        )
        return
    submission = submissions.get(row.submission)
    if submission is None:
        outcome.errors.append(
            _("No submission of this call has the code “%(code)s”.") % {"code": row.submission}
        )
        return
    reviewer = reviewers.get(row.reviewer)
    if reviewer is None:
        outcome.errors.append(
            _("Unknown reviewer “%(reviewer)s”: not an approved reviewer of this call.")
            % {"reviewer": row.reviewer}
        )
        return
    if (row.submission, row.reviewer) in seen:
        outcome.errors.append(
            _("“%(reviewer)s” is listed twice for paper “%(paper)s”.")
            % {"reviewer": row.reviewer, "paper": row.submission}
        )
        return
    seen.add((row.submission, row.reviewer))
    try:
        # A savepoint per row: a refused row leaves nothing behind for the next ones.
        with transaction.atomic():
            if row.action == ASSIGN:
                outcome.assignment = assignment_create(
                    submission=submission, reviewer=reviewer, user=user
                ).code
            else:
                assignment = (
                    Assignment.objects.filter(
                        workshop=workshop, submission=submission, reviewer=reviewer
                    )
                    .select_related("submission", "reviewer", "workshop")
                    .first()
                )
                if assignment is None:
                    raise ValidationError(
                        _("%(name)s is not assigned to this submission.") % {"name": reviewer}
                    )
                outcome.assignment = assignment.code
                assignment_remove(assignment=assignment, user=user)
    except ValidationError as error:
        outcome.assignment = ""
        outcome.errors.extend(error.messages)
