"""Running a preview or an apply: in the request for a small export, in a Celery job
(imports.tasks) for a large one. Either way the same functions run, taking the run's id.

A job's message may be delivered twice (acks_late: it is delivered again when its worker
is lost), so each delivery first claims the run, counting the attempt; after
IMPORT_JOB_MAX_ATTEMPTS the run fails instead of looping. An apply runs in one transaction
that holds the run's row lock: a second delivery waits, then finds the run applied, and a
worker lost mid-apply has written nothing (the transaction never committed). Progress goes
to the cache, where the status page reads it: inside the apply's transaction a progress
write to the run's row would be invisible until the end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import ImportRun
from imports.sources import counts, source_module
from portal.models import User
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)

State = ImportRun.State


def progress_key(run_code: str) -> str:
    return f"imports:progress:{run_code}"


def heartbeat_key(run_code: str) -> str:
    return f"imports:heartbeat:{run_code}"


# At most one heartbeat write per this many seconds: progress is reported far more often.
HEARTBEAT_EVERY = 30


def last_sign_of_life(run: ImportRun):
    """When the run was last started or a job last showed it was working on it since (a
    beat of the preview does not keep the apply that followed it alive)."""
    started = run.started_at or run.created_at
    beats = (run.heartbeat_at, cache.get(heartbeat_key(run.code)))
    return max([started, *(beat for beat in beats if beat is not None and beat >= started)])


def progress_read(run: ImportRun) -> int:
    if not run.is_active:
        return run.progress
    return max(run.progress, int(cache.get(progress_key(run.code)) or 0))


def _progress_writer(run: ImportRun) -> Callable[[int], None]:
    last = -1
    beaten = None

    def progress(percent: int) -> None:
        nonlocal last, beaten
        percent = max(0, min(99, int(percent)))
        if percent != last:
            last = percent
            cache.set(progress_key(run.code), percent, 6 * 3600)
        now = timezone.now()
        if beaten is None or (now - beaten).total_seconds() >= HEARTBEAT_EVERY:
            beaten = now
            cache.set(heartbeat_key(run.code), now, 6 * 3600)

    return progress


def _message(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        # A message may quote the export, and PostgreSQL refuses NUL in text.
        return " ".join(str(message) for message in exc.messages).replace("\x00", "")
    return _("The import stopped on an unexpected error (%(error)s); nothing was written.") % {
        "error": type(exc).__name__
    }


def _claim(run_id: int, state: str) -> ImportRun | None:
    """Count this attempt at the run in `state`, or None when there is nothing to do."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update(of=("self",))
            .select_related("workshop")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.state != state:
            return None
        if run.attempts >= settings.IMPORT_JOB_MAX_ATTEMPTS:
            run.state = State.FAILED
            run.error = _(
                "Gave up after %(count)d attempts: the worker stopped each time (for example, "
                "it ran out of memory)."
            ) % {"count": run.attempts}
            run.save(update_fields=["state", "error"])
            return None
        run.attempts += 1
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["attempts", "heartbeat_at"])
        return run


def import_run_preview_execute(*, run_id: int) -> bool:
    """Compute and store the preview of a run that is previewing. True when this call did."""
    run = _claim(run_id, State.PREVIEWING)
    if run is None:
        return False
    try:
        preview = source_module(run.source).preview(run=run, progress=_progress_writer(run))
    except Exception as exc:
        if not isinstance(exc, ValidationError):
            logger.exception("Preview of import %s failed", run.code)
        ImportRun.objects.filter(pk=run.pk, state=State.PREVIEWING).update(
            state=State.FAILED, error=_message(exc)[:4000], progress=0, attempts=0
        )
        return False
    preview["counts"] = counts(preview["rows"])
    try:
        with transaction.atomic():
            updated = ImportRun.objects.filter(pk=run.pk, state=State.PREVIEWING).update(
                state=State.PREVIEWED, preview=preview, progress=100, error="", attempts=0
            )
    except DatabaseError:
        # Something in the export the database cannot store: without this the run would
        # stay "previewing" for good (and the request answer 500).
        logger.exception("The preview of import %s could not be stored", run.code)
        ImportRun.objects.filter(pk=run.pk, state=State.PREVIEWING).update(
            state=State.FAILED,
            error=_(
                "The preview could not be stored: the export holds something the database "
                "refuses. Nothing was written."
            ),
            progress=0,
            attempts=0,
        )
        updated = 0
    cache.delete(progress_key(run.code))
    return bool(updated)


def import_run_apply_execute(*, run_id: int, user_id: int | None) -> bool:
    """Apply a run that is applying, all or nothing. True when this call did."""
    run = _claim(run_id, State.APPLYING)
    if run is None:
        return False
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        with transaction.atomic():
            # Held until the end: a second delivery waits here, then finds the run applied.
            locked = (
                ImportRun.objects.select_for_update(of=("self",))
                .select_related("workshop")
                .get(pk=run.pk)
            )
            if locked.state != State.APPLYING:
                return False
            result = source_module(locked.source).apply(
                run=locked, user=user, progress=_progress_writer(locked)
            )
            locked.state = State.APPLIED
            locked.result = result
            locked.progress = 100
            locked.error = ""
            locked.attempts = 0
            locked.applied_at = timezone.now()
            locked.save(
                update_fields=["state", "result", "progress", "error", "attempts", "applied_at"]
            )
            audit_record(
                action="import.applied",
                obj=locked,
                actor=user,
                details={
                    "source": locked.source,
                    "target": locked.target,
                    "result": result,
                    "preview_counts": (locked.preview or {}).get("counts", {}),
                },
            )
    except Exception as exc:
        if not isinstance(exc, ValidationError):
            logger.exception("Import %s failed; nothing was written", run.code)
        # The transaction rolled back: the run is still applying, and now fails.
        ImportRun.objects.filter(pk=run.pk, state=State.APPLYING).update(
            state=State.FAILED, error=_message(exc)[:4000], progress=0, attempts=0
        )
        return False
    finally:
        cache.delete(progress_key(run.code))
    return True
