"""What the staff and bidding pages write, on top of the core services: starting a run as a
Celery job, running it again, publishing with emails to the reviewers, saving a page of bids.

Jobs are queued here, after commit, never from views: a rolled-back request queues nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User, Workshop
from portal.services.mail import email_queue_from_templates
from reviews.models import Assignment, AssignmentRun, Bid
from reviews.services.assignments import assignment_review_url
from submissions.models import Submission

from .bids import bid_set, bid_withdraw
from .options import RunSettings
from .services import PublishResult, assignment_run_create, assignment_run_publish

logger = logging.getLogger(__name__)


# --- runs ---------------------------------------------------------------------------------


def _enqueue_run(run_id: int) -> None:
    from reviews.tasks import task_run_assignment

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

PUBLICATION_KEY = "publication"


@transaction.atomic
def assignment_run_publish_and_notify(*, run: AssignmentRun, user: User) -> PublishResult:
    """Publish the proposal (reviews.matching.services.assignment_run_publish), then email
    every reviewer who gained or lost an assignment, from a worker after commit.

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
    from reviews.tasks import task_notify_assignment_run

    try:
        task_notify_assignment_run.delay(run_id=run_id)
    except Exception:  # noqa: BLE001 - the assignments stand; the emails can be sent again
        logger.warning("Could not queue the emails of assignment run %s", run_id, exc_info=True)


@dataclass
class _Changes:
    added: list[Assignment] = field(default_factory=list)
    removed: list[Submission] = field(default_factory=list)


@transaction.atomic
def assignment_run_notify(*, run_id: int) -> int:
    """Queue one email per reviewer whose assignments a published run changed, in their
    language (through the outbox: sent by workers after commit). Returns how many.

    Idempotent: the run row is locked and stamped in the same transaction as the emails.
    """
    run = (
        AssignmentRun.objects.select_for_update()
        .select_related("workshop")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        logger.info("Assignment run %s is gone; no emails to send", run_id)
        return 0
    publication = (run.summary or {}).get(PUBLICATION_KEY)
    if not publication or publication.get("notified_at"):
        return 0
    changes: dict[int, _Changes] = defaultdict(_Changes)
    # Assignments declined or removed since publishing are not announced.
    created = (
        Assignment.objects.filter(pk__in=publication["created"])
        .exclude(state=Assignment.State.DECLINED)
        .select_related("submission", "workshop")
        .order_by("submission__title", "pk")
    )
    for assignment in created:
        changes[assignment.reviewer_id].added.append(assignment)
    removed = publication.get("removed", [])
    submissions = Submission.objects.in_bulk({item["submission"] for item in removed})
    for item in removed:
        submission = submissions.get(item["submission"])
        if submission is not None:
            changes[item["reviewer"]].removed.append(submission)
    reviewers = User.objects.in_bulk(list(changes))
    review_list_url = _absolute(reverse("reviews:review_list"))
    sent = 0
    for reviewer_id, change in sorted(changes.items()):
        reviewer = reviewers.get(reviewer_id)
        if reviewer is None or not reviewer.is_active:
            continue
        email_queue_from_templates(
            to=[reviewer.email],
            template_prefix="reviews/email/assignment_published",
            context={
                "reviewer": reviewer,
                "workshop": run.workshop,
                "added": [
                    {
                        "title": a.submission.title,
                        "url": assignment_review_url(assignment=a),
                        "deadline": a.deadline,
                    }
                    for a in change.added
                ],
                "removed": [s.title for s in sorted(change.removed, key=lambda s: s.title)],
                "reviewer_timezone": reviewer.timezone,
                "review_list_url": review_list_url,
            },
            language=reviewer.preferred_language,
        )
        sent += 1
    run.summary = {
        **run.summary,
        PUBLICATION_KEY: {**publication, "notified_at": timezone.now().isoformat()},
    }
    run.save(update_fields=["summary"])
    return sent


def _absolute(path: str) -> str:
    return django_settings.SITE_URL.rstrip("/") + path


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
