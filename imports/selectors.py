"""Reads of import runs: only AI Office staff see them (everyone else gets 404)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from imports.jobs import last_sign_of_life, progress_read
from imports.models import ImportRun, SurveyMapping
from imports.surveys import headers_fingerprint, normalise_header, question_headers
from portal.models import User, Workshop
from portal.permissions import has_perm

State = ImportRun.State

# The progress bar's script (static/portal/job-progress.js) knows report and assignment
# jobs' states: queued/running, then done or failed.
_JOB_STATE = {
    State.PREVIEWING: "running",
    State.APPLYING: "running",
    State.PREVIEWED: "done",
    State.APPLIED: "done",
    State.DISCARDED: "done",
    State.FAILED: "failed",
}


def import_run_is_stalled(run: ImportRun) -> bool:
    """Previewing or applying, with no sign of life for IMPORT_JOB_STALLED_MINUTES: its job
    was lost (a message lost with the broker, a worker or request that died meanwhile)."""
    if not run.is_active:
        return False
    stalled_after = timedelta(minutes=settings.IMPORT_JOB_STALLED_MINUTES)
    return last_sign_of_life(run) < timezone.now() - stalled_after


def import_runs_visible_to(*, user: User) -> QuerySet[ImportRun]:
    if not has_perm(user, "imports.run_imports"):
        return ImportRun.objects.none()
    return ImportRun.objects.all()


def import_run_get_for_user(*, code: str, user: User) -> ImportRun:
    try:
        return (
            import_runs_visible_to(user=user)
            .select_related("workshop", "created_by")
            .get(code=code)
        )
    except ImportRun.DoesNotExist:
        raise Http404 from None


def import_runs_for_workshop(*, workshop: Workshop, user: User) -> QuerySet[ImportRun]:
    """Newest first, without the heavy JSON (the preview's rows) the list does not show:
    its counts come as `preview_counts`."""
    return (
        import_runs_visible_to(user=user)
        .filter(workshop=workshop)
        .select_related("created_by")
        .annotate(preview_counts=F("preview__counts"))
        .defer("preview", "options")
        .order_by("-created_at", "-pk")
    )


def import_run_job_state(run: ImportRun) -> str:
    return _JOB_STATE[run.state]


def import_run_status(run: ImportRun) -> dict:
    """The JSON the progress bar polls (and the API's state)."""
    return {
        "code": run.code,
        "state": import_run_job_state(run),
        "import_state": run.state,
        "state_label": str(run.get_state_display()),
        "progress": progress_read(run),
        "error": run.error if run.state == State.FAILED else "",
        "finished_at": "",
        "stalled": import_run_is_stalled(run),
    }


def survey_mapping_for(
    *, workshop: Workshop, target: str, headers: list[str], alias: str = ""
) -> tuple[SurveyMapping | None, str]:
    """The mapping saved for this survey, and how it was found: "alias" (staff named the
    survey), "fingerprint" (same set of questions), "columns" (the newest mapping whose
    mapped columns are all in this export: the survey gained or lost a question), or
    (None, "")."""
    mappings = SurveyMapping.objects.filter(workshop=workshop, target=target)
    alias = " ".join(alias.split())
    if alias:
        found = mappings.filter(alias__iexact=alias).first()
        if found is not None:
            return found, "alias"
    found = mappings.filter(fingerprint=headers_fingerprint(headers)).first()
    if found is not None:
        return found, "fingerprint"
    present = {normalise_header(h) for h in question_headers(headers)}
    for candidate in mappings.order_by("-updated_at"):
        mapped = {normalise_header(h) for h, f in candidate.mapping.items() if f}
        if mapped and mapped <= present:
            return candidate, "columns"
    return None, ""
