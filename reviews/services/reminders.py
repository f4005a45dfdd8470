"""Reminders to reviewers: before their deadline (hourly beat task) and after it (staff click).

Each reminder sent is stamped in ReminderLog, whose unique key (assignment, kind, deadline,
days_before) makes a second send for the same deadline impossible, whichever beat run,
worker or double click tries it. A new deadline (an extension) is a new key, so reminders
re-arm by themselves. Nothing waits in the broker with a long ETA: Redis re-delivers
unacknowledged tasks after its visibility timeout, so a task scheduled days ahead could be
delivered twice; the hourly scan below needs no ETA at all.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from portal.models import User, Workshop
from reviews.models import Assignment, ReminderLog
from reviews.selectors.conflicts import conflicted_pairs
from reviews.selectors.progress import assignments_awaiting_review
from reviews.services.assignments import assignment_notify

logger = logging.getLogger(__name__)

Kind = ReminderLog.Kind


def _visible_to_reviewer(assignments: list[Assignment]) -> list[Assignment]:
    """Drop assignments the reviewer can no longer open because of a conflict.

    A reminder for a page that answers 404 would only confuse; staff see those assignments
    flagged on the submission's reviewers page and remove them there.
    """
    by_workshop: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_workshop[assignment.workshop_id].append(assignment)
    visible = []
    for group in by_workshop.values():
        pairs = conflicted_pairs(
            workshop=group[0].workshop, reviewer_ids={a.reviewer_id for a in group}
        )
        for assignment in group:
            if (assignment.submission_id, assignment.reviewer_id) in pairs:
                logger.info("No reminder for conflicted assignment %s", assignment.code)
            else:
                visible.append(assignment)
    return visible


def _send_once(
    *, assignment: Assignment, kind: str, days_before: int, user: User | None, now: datetime
) -> bool:
    """Stamp and queue one reminder in one transaction; False if it was already stamped."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                assignment=assignment,
                kind=kind,
                deadline=assignment.effective_deadline,
                days_before=days_before,
                sent_at=now,
                sent_by=user,
            )
            assignment_notify(
                assignment=assignment,
                template=f"reminder_{kind}",
                days_before=days_before,
            )
    except IntegrityError:
        # Another run (a second click, an overlapping beat) stamped it first.
        return False
    return True


def _smallest_crossed(days: list[int], remaining: timedelta) -> int | None:
    crossed = [n for n in days if remaining <= timedelta(days=n)]
    return min(crossed) if crossed else None


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send the reminders due before review deadlines; return how many were sent.

    For each open assignment, the reminder is the one for the smallest threshold N (of the
    workshop's `reminder_day_list`) that the time left has crossed. If it is already
    stamped, nothing is sent: an assignment made two days before its deadline gets the
    two-day reminder once, not the seven-day one as well, and never a stale one later.
    """
    now = now or timezone.now()
    workshops = {
        workshop.pk: workshop
        for workshop in Workshop.objects.filter(
            Q(review_deadline__gt=now)
            | Exists(Assignment.objects.filter(workshop=OuterRef("pk"), deadline_override__gt=now))
        )
    }
    days_of = {pk: w.reminder_day_list for pk, w in workshops.items() if w.reminder_day_list}
    if not days_of:
        return 0
    horizon = now + timedelta(days=max(max(days) for days in days_of.values()))
    candidates = (
        assignments_awaiting_review()
        .filter(
            workshop_id__in=days_of.keys(),
            effective_deadline__gt=now,
            effective_deadline__lte=horizon,
        )
        .select_related("workshop", "submission", "reviewer")
        .order_by("effective_deadline", "pk")
    )
    stamped = set(
        ReminderLog.objects.filter(
            kind=Kind.BEFORE_DEADLINE, deadline__gt=now, assignment__workshop_id__in=days_of.keys()
        ).values_list("assignment_id", "deadline", "days_before")
    )
    due: list[tuple[Assignment, int]] = []
    for assignment in candidates:
        days = _smallest_crossed(
            days_of[assignment.workshop_id], assignment.effective_deadline - now
        )
        if days is None or (assignment.pk, assignment.effective_deadline, days) in stamped:
            continue
        assignment.workshop = workshops[assignment.workshop_id]
        due.append((assignment, days))
    visible = {a.pk for a in _visible_to_reviewer([a for a, _days in due])}
    sent = 0
    for assignment, days in due:
        if assignment.pk in visible and _send_once(
            assignment=assignment,
            kind=Kind.BEFORE_DEADLINE,
            days_before=days,
            user=None,
            now=now,
        ):
            sent += 1
    logger.info("Sent %d review reminders before deadlines", sent)
    return sent


def reminders_send_late(*, workshop: Workshop, user: User, now: datetime | None = None) -> int:
    """Remind every reviewer whose review is overdue, once per assignment and deadline.

    Returns how many reminders were sent; a second click sends none until a deadline moves.
    """
    now = now or timezone.now()
    late = list(
        assignments_awaiting_review()
        .filter(workshop=workshop, effective_deadline__lt=now)
        .exclude(
            Exists(
                ReminderLog.objects.filter(
                    assignment=OuterRef("pk"),
                    kind=Kind.LATE,
                    deadline=OuterRef("effective_deadline"),
                    days_before=0,
                )
            )
        )
        .select_related("submission", "reviewer")
        .order_by("effective_deadline", "pk")
    )
    for assignment in late:
        assignment.workshop = workshop
    sent = 0
    for assignment in _visible_to_reviewer(late):
        if _send_once(assignment=assignment, kind=Kind.LATE, days_before=0, user=user, now=now):
            sent += 1
    logger.info("Sent %d late-review reminders for workshop %s", sent, workshop.code)
    return sent
