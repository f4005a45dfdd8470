"""Assignment runs: stored queued, then solved by a Celery task (bids:
assignment.services.bids; the preview and publishing: assignment.services.publish; hand
edits: assignment.services.proposal).

- `assignment_run_create(..., enqueue=...)` stores a queued run; `enqueue(run_id)` is called
  after commit (assignment.services.ui passes one that queues the task).
- `assignment_run_execute(run_id=..., progress=...)` is what the task calls. It writes the
  run's state and progress itself, so a page can poll the row; a failure is stored on the
  run (state failed, error text) rather than raised.

Nothing here changes Assignment rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from assignment.matching.data import MatchingData, load_matching_data
from assignment.matching.engine import Progress, Proposal, propose
from assignment.matching.options import RunSettings
from assignment.matching.store import write_pairs
from assignment.models import AssignmentRun, ProposedPair
from portal.models import User, Workshop
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)


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
    audit_record(
        action="assignment_run.started", obj=run, actor=user, details={"settings": run.settings}
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
    run = _start(run_id)
    if run is None or run.state == AssignmentRun.State.DONE:
        return run

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
        _store(run, data, proposal, load_seconds=load_seconds)
    except Exception as exc:
        # The person waiting sees the failure on the run; the worker log has the traceback.
        logger.exception("Assignment run %s failed", run.pk)
        _fail(run, exc)
        run.refresh_from_db()
        return run
    report(100, "done")
    return run


@transaction.atomic
def _fail(run: AssignmentRun, exc: Exception) -> None:
    AssignmentRun.objects.filter(pk=run.pk).update(
        state=AssignmentRun.State.FAILED,
        error=f"{type(exc).__name__}: {exc}",
        finished_at=timezone.now(),
    )
    # The class only: the message may quote anything the solver met.
    audit_record(
        action="assignment_run.failed",
        obj=run,
        details={"error_class": type(exc).__name__, "requested_by": run.created_by_id},
    )


@transaction.atomic
def _start(run_id: int) -> AssignmentRun | None:
    """The run, marked running with no pairs yet; a finished run as it is; None if gone."""
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
    return run


@transaction.atomic
def _store(
    run: AssignmentRun, data: MatchingData, proposal: Proposal, *, load_seconds: float
) -> None:
    """The proposal's pairs and summary, and the run done."""
    clock = time.perf_counter()
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
    coverage = summary.get("coverage") or {}
    # By the worker: the system actor (the task, named by portal.celery).
    audit_record(
        action="assignment_run.finished",
        obj=run,
        details={
            "requested_by": run.created_by_id,
            "solver": summary.get("solver"),
            "status": summary.get("status"),
            "objective": summary.get("objective"),
            "pairs": summary.get("pairs"),
            "kept_pairs": summary.get("kept_pairs"),
            "new_pairs": summary.get("new_pairs"),
            "unfilled": summary.get("unfilled_total"),
            "coverage_requested": coverage.get("requested"),
            "coverage_held": coverage.get("met") == coverage.get("required"),
        },
    )
