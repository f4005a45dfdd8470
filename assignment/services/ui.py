"""What the staff and bidding pages write, on top of the core services: starting a run as a
Celery job, running it again, publishing with emails to the reviewers, saving a page of bids.

Jobs are queued here, after commit, never from views: a rolled-back request queues nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignment.matching.options import RunSettings
from assignment.models import AssignmentRun, Bid
from assignment.services.bids import bid_set, bid_withdraw
from assignment.services.notify import PUBLICATION_KEY
from assignment.services.publish import PublishResult, assignment_run_publish
from assignment.services.runs import assignment_run_create
from assignment.tasks import task_notify_assignment_run, task_run_assignment
from portal.models import User, Workshop
from submissions.models import Submission

logger = logging.getLogger(__name__)


# --- runs ---------------------------------------------------------------------------------


def _enqueue_run(run_id: int) -> None:
    try:
        task_run_assignment.delay(run_id=run_id)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the person waiting must see it
        logger.warning("Could not queue assignment run %s", run_id, exc_info=True)
        AssignmentRun.objects.filter(pk=run_id, state=AssignmentRun.State.QUEUED).update(
            state=AssignmentRun.State.FAILED,
            error=_("The job could not be queued (%(error)s). Run it again in a moment.")
            % {"error": type(exc).__name__},
            finished_at=timezone.now(),
        )


def assignment_run_start(*, workshop: Workshop, user: User, settings: RunSettings) -> AssignmentRun:
    """A queued run, solved by a Celery worker once this transaction commits."""
    return assignment_run_create(
        workshop=workshop, user=user, settings=settings, enqueue=_enqueue_run
    )


def assignment_run_again(*, run: AssignmentRun, user: User) -> AssignmentRun:
    """A new run with the settings of `run` (a failed one, say); `run` stays as it was, so
    its error remains on record."""
    return assignment_run_start(
        workshop=run.workshop, user=user, settings=RunSettings.from_json(run.settings)
    )


# --- publishing and the emails ---------------------------------------------------------------


@transaction.atomic
def assignment_run_publish_and_notify(*, run: AssignmentRun, user: User) -> PublishResult:
    """Publish the proposal (assignment.services.runs.assignment_run_publish), then email
    every reviewer who gained or lost an assignment, from a worker after commit
    (assignment.services.notify).

    What changed is kept on the run (summary["publication"]) so that the email task needs
    only the run's id, and knows when it already sent them: a redelivered task sends nothing
    twice.
    """
    result = assignment_run_publish(run=run, user=user)
    locked = AssignmentRun.objects.select_for_update().get(pk=run.pk)
    locked.summary = {
        **(locked.summary or {}),
        PUBLICATION_KEY: {
            "created": result.created,
            "removed": [
                {"code": r.code, "submission": r.submission_id, "reviewer": r.reviewer_id}
                for r in result.removed
            ],
            "kept": result.kept,
            "notified_at": None,
        },
    }
    locked.save(update_fields=["summary"])
    run_id = run.pk
    transaction.on_commit(lambda: _enqueue_notify(run_id))
    return result


def _enqueue_notify(run_id: int) -> None:
    try:
        task_notify_assignment_run.delay(run_id=run_id)
    except Exception:  # noqa: BLE001 - the assignments stand; the emails can be sent again
        logger.warning("Could not queue the emails of assignment run %s", run_id, exc_info=True)


# --- bids ---------------------------------------------------------------------------------


@dataclass
class BidsOutcome:
    saved: int = 0
    errors: list[str] = field(default_factory=list)


def bids_update(
    *, reviewer: User, submissions: dict[str, Submission], values: dict[str, str]
) -> BidsOutcome:
    """Save the bids a page posted ({submission code: value, "" for none}), only those that
    changed. `submissions` are the ones the reviewer may bid on (the bidding selector); a
    code outside them is refused like a submission that does not exist. Each bid is saved on
    its own, so one refusal does not lose the others."""
    outcome = BidsOutcome()
    current = dict(
        Bid.objects.filter(
            reviewer=reviewer, submission__in=[s.pk for s in submissions.values()]
        ).values_list("submission_id", "value")
    )
    for code, value in values.items():
        submission = submissions.get(code)
        if submission is None:
            outcome.errors.append(_("This submission is not open for bids."))
            continue
        if current.get(submission.pk, "") == value:
            continue
        try:
            if value:
                bid_set(reviewer=reviewer, submission=submission, value=value)
            else:
                bid_withdraw(reviewer=reviewer, submission=submission)
        except ValidationError as error:
            outcome.errors.append(
                _("%(title)s: %(error)s")
                % {"title": submission.title, "error": " ".join(error.messages)}
            )
            continue
        outcome.saved += 1
    return outcome
