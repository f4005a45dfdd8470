"""A run's proposal against the assignments as they are (the preview's diff), and
publishing it: the one place where a run changes Assignment rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assignment.models import AssignmentRun, ProposedPair
from portal.models import User, Workshop
from portal.services.audit import audit_record
from reviews.models import Assignment, Review, ReviewerApplication
from reviews.selectors.conflicts import conflicted_pairs
from submissions.models import Submission


@dataclass
class RunDiff:
    added: QuerySet  # ProposedPair rows that are not assignments yet
    kept: QuerySet  # ProposedPair rows that are assignments already
    removed: QuerySet  # Assignment rows the proposal drops


def _live_assignment(**outer) -> Exists:
    return Exists(Assignment.objects.filter(**outer).exclude(state=Assignment.State.DECLINED))


def assignment_run_diff(*, run: AssignmentRun) -> RunDiff:
    """The proposal against the assignments as they are now.

    Removed: live assignments of eligible submissions to approved reviewers that the run
    knew about (created before it started) and did not propose. Assignments made by hand
    after the run started are never removed by it.
    """
    pairs = run.pairs.select_related("submission", "reviewer")
    live = _live_assignment(submission=OuterRef("submission"), reviewer=OuterRef("reviewer"))
    in_run = Exists(
        ProposedPair.objects.filter(
            run=run, submission=OuterRef("submission"), reviewer=OuterRef("reviewer")
        )
    )
    approved = ReviewerApplication.objects.filter(
        workshop_id=run.workshop_id, state=ReviewerApplication.State.APPROVED
    ).values("user_id")
    removed = (
        Assignment.objects.filter(
            workshop_id=run.workshop_id,
            submission__state=Submission.State.ELIGIBLE,
            reviewer__in=approved,
            created_at__lte=run.started_at or run.created_at,
        )
        .exclude(state=Assignment.State.DECLINED)
        .exclude(in_run)
        .select_related("submission", "reviewer")
    )
    return RunDiff(
        added=pairs.exclude(live),
        kept=pairs.filter(live),
        removed=removed,
    )


@dataclass
class RemovedAssignment:
    code: str
    submission_id: int
    reviewer_id: int


@dataclass
class PublishResult:
    created: list[int]  # Assignment ids
    removed: list[RemovedAssignment]
    kept: int


def _pair_label(reviewer: User, submission: Submission) -> str:
    return _("%(reviewer)s on “%(submission)s”") % {
        "reviewer": reviewer,
        "submission": submission.title,
    }


def _publish_problems(run: AssignmentRun, added: list[ProposedPair]) -> list[str]:
    """Every reason the proposal can no longer be applied as it stands, checked set-based."""
    problems = []
    reviewer_ids = {p.reviewer_id for p in added}
    conflicted = conflicted_pairs(workshop=run.workshop, reviewer_ids=reviewer_ids)
    applications = {
        a.user_id: a
        for a in ReviewerApplication.objects.filter(
            workshop_id=run.workshop_id,
            user_id__in=reviewer_ids,
            state=ReviewerApplication.State.APPROVED,
            user__is_active=True,
        )
    }
    declined = set(
        Assignment.objects.filter(
            workshop_id=run.workshop_id,
            reviewer_id__in=reviewer_ids,
            state=Assignment.State.DECLINED,
        ).values_list("submission_id", "reviewer_id")
    )
    for pair in added:
        key = (pair.submission_id, pair.reviewer_id)
        label = _pair_label(pair.reviewer, pair.submission)
        application = applications.get(pair.reviewer_id)
        if key in conflicted:
            problems.append(_("%(pair)s: conflict of interest.") % {"pair": label})
        elif application is None:
            problems.append(_("%(pair)s: no longer an approved reviewer.") % {"pair": label})
        elif pair.submission.state != Submission.State.ELIGIBLE:
            problems.append(_("%(pair)s: the submission is no longer eligible.") % {"pair": label})
        elif key in declined:
            problems.append(_("%(pair)s: the reviewer declined this submission.") % {"pair": label})
        elif (
            pair.submission.confidentiality == Submission.Confidentiality.AI_OFFICE_ONLY
            and not application.cleared_for_confidential
        ):
            problems.append(
                _("%(pair)s: not cleared for “AI Office only” submissions.") % {"pair": label}
            )
    return problems


@transaction.atomic
def assignment_run_publish(*, run: AssignmentRun, user: User) -> PublishResult:
    """Apply the proposal: create the added assignments (source automatic), delete the
    removed ones, all or nothing. Refused, with every reason listed, when a pair became
    conflicted or otherwise impossible since the run, or when a removed assignment's
    review was started meanwhile."""
    locked = AssignmentRun.objects.select_for_update().filter(pk=run.pk).first()
    if locked is None or locked.state != AssignmentRun.State.DONE:
        raise ValidationError(_("Only a finished run can be published."))
    if locked.published_at is not None:
        raise ValidationError(_("This run was already published."))
    # One publish at a time per workshop: the diff must not change under our feet.
    Workshop.objects.select_for_update().filter(pk=locked.workshop_id).values_list("pk").first()

    diff = assignment_run_diff(run=locked)
    added = list(diff.added)
    kept = diff.kept.count()
    removed = list(diff.removed.select_for_update(of=("self",)))
    problems = _publish_problems(locked, added)
    started = set(
        Review.objects.filter(assignment__in=[a.pk for a in removed]).values_list(
            "assignment_id", flat=True
        )
    )
    for assignment in removed:
        if assignment.pk in started:
            problems.append(
                _("%(pair)s: the review was started, so the assignment cannot be removed.")
                % {"pair": _pair_label(assignment.reviewer, assignment.submission)}
            )
    if problems:
        raise ValidationError(problems)

    gone = [RemovedAssignment(a.code, a.submission_id, a.reviewer_id) for a in removed]
    Assignment.objects.filter(pk__in=[a.pk for a in removed]).delete()
    created = Assignment.objects.bulk_create(
        [
            Assignment(
                workshop_id=locked.workshop_id,
                submission_id=pair.submission_id,
                reviewer_id=pair.reviewer_id,
                source=Assignment.Source.AUTOMATIC,
                created_by=user,
            )
            for pair in added
        ],
        batch_size=2000,
    )
    created_ids = [a.pk for a in created]
    if created_ids and created_ids[0] is None:
        # Backends that do not return ids from bulk inserts: read them back.
        created_ids = list(
            Assignment.objects.filter(
                workshop_id=locked.workshop_id,
                source=Assignment.Source.AUTOMATIC,
                created_by=user,
                submission_id__in=[p.submission_id for p in added],
            ).values_list("pk", flat=True)
        )
    locked.published_at = timezone.now()
    locked.published_by = user
    locked.save(update_fields=["published_at", "published_by"])
    # One event for the whole publication, listing the pairs (a call's thousands of
    # assignments would otherwise be thousands of events in one transaction).
    audit_record(
        action="assignment_run.published",
        obj=locked,
        actor=user,
        details={
            "added": len(added),
            "removed": len(removed),
            "kept": kept,
            "added_assignments": [
                [a.code, pair.submission.code, pair.reviewer_id]
                for a, pair in zip(created, added, strict=True)
            ],
            "removed_assignments": [[a.code, a.submission.code, a.reviewer_id] for a in removed],
        },
    )
    return PublishResult(created=created_ids, removed=gone, kept=kept)
