"""When a review may still change: until the assignment's deadline (the workshop's, or the
reviewer's extension), and only once the reviewer accepted the assignment. Read by the
reviewing services and by the permission rules (reviews.rules), which services import."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reviews.models import Assignment


class ReviewClosedError(PermissionDenied):
    """The review may be seen but not changed: past the deadline, or not accepted."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def review_window_open(*, assignment: Assignment, now: datetime | None = None) -> bool:
    """Until the assignment's deadline (the workshop's, or the reviewer's extension)."""
    return (now or timezone.now()) <= assignment.deadline


def deadline_message(*, assignment: Assignment) -> str:
    deadline = timezone.localtime(assignment.deadline)
    return _(
        "The review deadline passed on %(deadline)s. Your review can no longer be changed; "
        "contact the AI Office if you need an extension."
    ) % {
        "deadline": f"{formats.date_format(deadline, 'DATETIME_FORMAT')} "
        f"{formats.date_format(deadline, 'T')}"
    }


def submitted_review_message() -> str:
    return _(
        "This review is submitted: submit it again to save your changes. Until then the "
        "submitted version stays as it is."
    )


def accept_first_message() -> str:
    return _("Accept the assignment before writing the review.")
