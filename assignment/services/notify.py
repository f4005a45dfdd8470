"""The emails after a run is published: one per reviewer whose assignments changed, sent
by a Celery task (assignment.tasks) once the publishing transaction has committed.

What changed is kept on the run (summary["publication"], written by
assignment.services.ui.assignment_run_publish_and_notify), so the task needs only the run's
id, and knows when the emails were already sent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assignment.models import AssignmentRun
from portal.models import User
from portal.services.mail import absolute_url, email_queue_from_templates
from reviews.models import Assignment
from reviews.services.assignments import assignment_review_url
from submissions.models import Submission

logger = logging.getLogger(__name__)

PUBLICATION_KEY = "publication"


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
    review_list_url = absolute_url(reverse("reviews:review_list"))
    sent = 0
    for reviewer_id, change in sorted(changes.items()):
        reviewer = reviewers.get(reviewer_id)
        if reviewer is None or not reviewer.is_active:
            continue
        email_queue_from_templates(
            to=[reviewer.email],
            template_prefix="assignment/email/assignment_published",
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
