"""The reviewer's list of assignments, with each one's status."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.precompiled import precompiled_list
from reviews.models import (
    Assignment,
    Review,
)
from reviews.selectors.conflicts import conflicted_q
from reviews.selectors.visibility.access import assignments_for_reviewer


class AssignmentStatus(enum.StrEnum):
    TODO = "todo"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    LATE = "late"


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    status: AssignmentStatus
    deadline: datetime
    # Staff assigned it and the reviewer has not answered yet: offer Accept / Decline.
    needs_answer: bool

    @property
    def status_label(self) -> str:
        return {
            AssignmentStatus.TODO: _("To do"),
            AssignmentStatus.DRAFT: _("Draft"),
            AssignmentStatus.SUBMITTED: _("Submitted"),
            AssignmentStatus.LATE: _("Late"),
        }[self.status]

    @property
    def review(self) -> Review | None:
        return getattr(self.assignment, "review", None)


def assignment_status(*, assignment: Assignment, now: datetime | None = None) -> AssignmentStatus:
    """To do until the first save, draft after it, late once the deadline passed unsubmitted."""
    review = getattr(assignment, "review", None)
    if review is not None and review.state == Review.State.SUBMITTED:
        return AssignmentStatus.SUBMITTED
    if (now or timezone.now()) > assignment.deadline:
        return AssignmentStatus.LATE
    # A review row is created when the page is first opened; revision 1 means never saved.
    if review is not None and review.revision > 1:
        return AssignmentStatus.DRAFT
    return AssignmentStatus.TODO


def _dashboard_assignments(user_id: int) -> QuerySet[Assignment]:
    user = User(pk=user_id)
    return assignments_for_reviewer(user=user).exclude(conflicted_q(reviewer=user))


def assignment_rows_for_reviewer(*, user: User, now: datetime | None = None) -> list[AssignmentRow]:
    """The reviewer's dashboard: live assignments without any conflicted pair, soonest
    deadline first.

    Conflicts are one more condition of the one query (conflicted_q), so the number of
    queries does not grow with the number of assignments or workshops. The page every
    reviewer opens most: its query is compiled once per process (portal.precompiled).
    """
    if not user.is_authenticated:
        return []
    assignments = precompiled_list("reviewer_dashboard", _dashboard_assignments, pk=user.pk)
    now = now or timezone.now()
    rows = [
        AssignmentRow(
            assignment=a,
            status=assignment_status(assignment=a, now=now),
            deadline=a.deadline,
            needs_answer=a.state == Assignment.State.ASSIGNED,
        )
        for a in assignments
    ]
    rows.sort(key=lambda row: (row.deadline, row.assignment.created_at, row.assignment.pk))
    return rows
