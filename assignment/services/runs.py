"""Assignment runs and hand edits of a proposal (bids: assignment.services.bids).

For the staff pages and the Celery task (built elsewhere):

- `assignment_run_create(..., enqueue=...)` stores a queued run; `enqueue(run_id)` is called
  after commit (pass `lambda run_id: task_execute_assignment_run.delay(run_id=run_id)`).
- `assignment_run_execute(run_id=..., progress=...)` is what the task calls. It writes the
  run's state and progress itself, so a page can poll the row; a failure is stored on the
  run (state failed, error text) rather than raised.
- `assignment_run_diff` and the run's summary are the preview; `proposed_pair_add` and
  `proposed_pair_remove` are the hand edits; `assignment_run_publish` applies the proposal.

Nothing here changes Assignment rows except `assignment_run_publish`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assignment.matching.options import RunSettings
from assignment.models import AssignmentRun, ProposedPair
from assignment.services.bids import approved_application
from portal.models import Membership, User, Workshop
from reviews.models import Assignment, Review, ReviewerApplication
from reviews.selectors.conflicts import conflict_reasons
from reviews.selectors.conflicts import conflicted_pairs as _conflicted_pairs
from submissions.models import Submission

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


# --- runs --------------------------------------------------------------------------------


@transaction.atomic
def assignment_run_create(
    *,
    workshop: Workshop,
    user: User | None,
    settings: RunSettings | dict | None = None,
    enqueue: Callable[[int], None] | None = None,
) -> AssignmentRun:
    """A queued run with validated settings; `enqueue(run_id)` runs after commit."""
    if not isinstance(settings, RunSettings):
        settings = RunSettings.from_json(settings)
    run = AssignmentRun.objects.create(
        workshop=workshop, created_by=user, settings=settings.to_json()
    )
    if enqueue is not None:
        run_id = run.pk
        transaction.on_commit(lambda: enqueue(run_id))
    return run


def _set_progress(run_id: int, percent: int) -> None:
    AssignmentRun.objects.filter(pk=run_id).update(progress=max(0, min(100, int(percent))))


def assignment_run_execute(
    *, run_id: int, progress: Progress | None = None
) -> AssignmentRun | None:
    """Solve the run and store its proposal and summary. Assignments do not change.

    Idempotent for a retried task: a finished run is returned as it is; a run caught
    half-way (worker restarted) starts over, its partial pairs deleted first.
    """
    # Heavy imports (numpy, scipy, scikit-learn, OR-Tools) only where a run is executed.
    from assignment.matching.data import load_matching_data
    from assignment.matching.engine import propose
    from assignment.matching.store import write_pairs

    with transaction.atomic():
        run = (
            AssignmentRun.objects.select_for_update()
            .select_related("workshop")
            .filter(pk=run_id)
            .first()
        )
        if run is None:
            logger.warning("Assignment run %s is gone; nothing to execute.", run_id)
            return None
        if run.state == AssignmentRun.State.DONE:
            return run
        run.state = AssignmentRun.State.RUNNING
        run.started_at = timezone.now()
        run.finished_at = None
        run.progress = 0
        run.error = ""
        run.save(update_fields=["state", "started_at", "finished_at", "progress", "error"])
        ProposedPair.objects.filter(run=run).delete()

    def report(percent: int, message: str) -> None:
        _set_progress(run.pk, percent)
        if progress is not None:
            progress(percent, message)

    try:
        settings = RunSettings.from_json(run.settings)
        report(5, "load")
        clock = time.perf_counter()
        data = load_matching_data(workshop=run.workshop)
        load_seconds = time.perf_counter() - clock
        proposal = propose(data=data, settings=settings, progress=report)
        report(90, "write")
        clock = time.perf_counter()
        with transaction.atomic():
            write_pairs(
                run_id=run.pk,
                submission_ids=data.sub_ids[proposal.sub],
                reviewer_ids=data.rev_ids[proposal.rev],
                scores=proposal.score,
                kept=proposal.kept,
                why=proposal.why,
                origin=ProposedPair.Origin.SOLVER,
            )
            summary = proposal.summary
            summary["timings"]["load"] = round(load_seconds, 3)
            summary["timings"]["write"] = round(time.perf_counter() - clock, 3)
            run.summary = summary
            run.state = AssignmentRun.State.DONE
            run.progress = 100
            run.finished_at = timezone.now()
            run.save(update_fields=["summary", "state", "progress", "finished_at"])
    except Exception as exc:
        # The person waiting sees the failure on the run; the worker log has the traceback.
        logger.exception("Assignment run %s failed", run.pk)
        AssignmentRun.objects.filter(pk=run.pk).update(
            state=AssignmentRun.State.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    report(100, "done")
    return run


# --- preview and publish ------------------------------------------------------------------


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
    conflicted = _conflicted_pairs(workshop=run.workshop, reviewer_ids=reviewer_ids)
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
    return PublishResult(created=created_ids, removed=gone, kept=kept)


# --- hand edits ---------------------------------------------------------------------------


def _lock_editable(run: AssignmentRun) -> AssignmentRun:
    locked = AssignmentRun.objects.select_for_update().get(pk=run.pk)
    if locked.state != AssignmentRun.State.DONE:
        raise ValidationError(_("Only a finished run can be edited."))
    if locked.published_at is not None:
        raise ValidationError(_("This run was published; start a new run to change it."))
    return locked


def _mark_edited(run: AssignmentRun) -> None:
    summary = dict(run.summary or {})
    summary["edited"] = True
    run.summary = summary
    run.save(update_fields=["summary"])


@transaction.atomic
def proposed_pair_add(
    *, run: AssignmentRun, submission: Submission, reviewer: User, user: User
) -> ProposedPair:
    """Add a pair to a proposal by hand, with the checks publishing will make again:
    approval, eligibility, confidentiality, declines, conflicts of interest and the
    same-organisation rule."""
    from assignment.matching.scoring import score_pairs

    run = _lock_editable(run)
    if submission.workshop_id != run.workshop_id:
        raise ValidationError(_("The submission belongs to another call."))
    if submission.state != Submission.State.ELIGIBLE:
        raise ValidationError(_("Only eligible submissions can be assigned."))
    application = approved_application(workshop=run.workshop, user=reviewer)
    if application is None:
        raise ValidationError(
            _("%(name)s is not an approved reviewer for this call.") % {"name": reviewer}
        )
    if (
        submission.confidentiality == Submission.Confidentiality.AI_OFFICE_ONLY
        and not application.cleared_for_confidential
    ):
        raise ValidationError(
            _("%(name)s is not cleared for “AI Office only” submissions.") % {"name": reviewer}
        )
    if Assignment.objects.filter(
        submission=submission, reviewer=reviewer, state=Assignment.State.DECLINED
    ).exists():
        raise ValidationError(_("%(name)s declined this submission.") % {"name": reviewer})
    reasons = conflict_reasons(reviewer=reviewer, submission=submission)
    if reasons:
        raise ValidationError(
            _("%(name)s has a conflict of interest: %(reasons)s")
            % {"name": reviewer, "reasons": " ".join(reasons)}
        )
    if run.pairs.filter(submission=submission, reviewer=reviewer).exists():
        raise ValidationError(_("This pair is already in the proposal."))
    colleagues = Membership.objects.filter(
        user_id__in=run.pairs.filter(submission=submission).values("reviewer_id"),
        organisation__in=Membership.objects.filter(user=reviewer).values("organisation_id"),
    ).select_related("user", "organisation")
    colleague = colleagues.first()
    if colleague is not None:
        raise ValidationError(
            _("%(other)s, of the same organisation (%(org)s), already reviews this submission.")
            % {"other": colleague.user, "org": colleague.organisation.name}
        )
    settings = RunSettings.from_json(run.settings)
    scores, why = score_pairs(
        workshop=run.workshop,
        submission_ids=np.array([submission.pk]),
        reviewer_ids=np.array([reviewer.pk]),
        weights=settings.weights,
    )
    pair = ProposedPair.objects.create(
        run=run,
        submission=submission,
        reviewer=reviewer,
        score=float(scores[0]),
        why=why[0],
        kept=Assignment.objects.filter(submission=submission, reviewer=reviewer)
        .exclude(state=Assignment.State.DECLINED)
        .exists(),
        origin=ProposedPair.Origin.STAFF,
    )
    _mark_edited(run)
    return pair


@transaction.atomic
def proposed_pair_remove(*, pair: ProposedPair, user: User) -> None:
    """Take a pair out of a proposal by hand (publishing then removes the assignment, if the
    pair was one)."""
    run = _lock_editable(pair.run)
    ProposedPair.objects.filter(pk=pair.pk, run=run).delete()
    _mark_edited(run)
