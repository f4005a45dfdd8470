"""Writes for imports: a run is created from the uploads, previewed (a dry run: what would
be created, updated, skipped or refused, and why), then applied exactly as previewed, all
or nothing, or discarded.

Apply writes the rows the stored preview accepted (create, update) and leaves the refused
ones out: the staff page and the API apply the same way. To import a refused row, fix the
export or the options (which previews again) and apply then.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.archives import ImportFiles
from imports.jobs import import_run_apply_execute, import_run_preview_execute
from imports.models import ImportRun, SurveyMapping
from imports.selectors import import_run_is_stalled
from imports.sources import DEFAULT_DATA_FILE_EXTENSIONS, source_module
from imports.surveys import headers_fingerprint, question_headers, target_fields
from portal.models import User, Workshop
from portal.services.audit import audit_changes, audit_record
from submissions.files import sanitise_filename

logger = logging.getLogger(__name__)

State = ImportRun.State

TARGETS = {
    "openreview": ("submissions", "reviews"),
    "eusurvey": ("submissions", "reviewer_applications"),
}


# The options a source reads, and the type each must have: the API takes any JSON object,
# and a list where a source expects a mapping would fail the whole preview.
_OPTION_TYPES: dict[str, tuple[type, type | None]] = {
    "organisation": (str, None),
    "alias": (str, None),
    "without_pdf": (bool, None),
    "create_organisations": (bool, None),
    # Mappings of text to text.
    "organisations": (dict, str),
    "review_field_map": (dict, str),
    "mapping": (dict, str),
}


def _check_options(options) -> None:
    if not isinstance(options, dict):
        raise ValidationError({"options": _("The options must be a JSON object.")})
    errors = []
    for key, (kind, values) in _OPTION_TYPES.items():
        value = options.get(key)
        if value is None:
            continue
        valid = isinstance(value, kind) and (
            values is None or all(isinstance(v, values) for v in value.values())
        )
        if not valid:
            errors.append(
                _("The option “%(option)s” must be %(kind)s.")
                % {
                    "option": key,
                    "kind": {
                        str: _("text"),
                        bool: _("true or false"),
                        dict: _("an object of texts"),
                    }[kind],
                }
            )
    if errors:
        raise ValidationError({"options": errors})


def _extension(name: str) -> str:
    return ("." + name.rpartition(".")[2].lower()) if "." in name else ""


def _check_data_file(*, source: str, upload) -> str:
    module = source_module(source)
    name = sanitise_filename(upload.name or "")
    allowed = getattr(module, "DATA_FILE_EXTENSIONS", DEFAULT_DATA_FILE_EXTENSIONS)
    if _extension(name) not in allowed:
        raise ValidationError(
            _("“%(name)s”: a %(source)s export must be a %(kinds)s file.")
            % {
                "name": name,
                "source": ImportRun.Source(source).label,
                "kinds": ", ".join(sorted(allowed)),
            },
            code="extension",
        )
    if not upload.size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > settings.IMPORT_DATA_MAX_MB * 1024 * 1024:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB; split the export.")
            % {"name": name, "limit": settings.IMPORT_DATA_MAX_MB},
            code="too_large",
        )
    check = getattr(module, "check_data_file", None)
    if check is not None:
        check(upload=upload)
        upload.seek(0)
    return name


def _check_archive(upload) -> None:
    if _extension(upload.name or "") != ".zip":
        raise ValidationError(_("The files must come as one ZIP archive."), code="extension")
    if upload.size > settings.IMPORT_ARCHIVE_MAX_MB * 1024 * 1024:
        raise ValidationError(
            _("The files archive is larger than %(limit)d MB.")
            % {"limit": settings.IMPORT_ARCHIVE_MAX_MB},
            code="too_large",
        )
    # Member names, links and sizes are checked now; the members themselves at preview.
    source = upload.temporary_file_path() if hasattr(upload, "temporary_file_path") else upload
    ImportFiles(source).close()
    upload.seek(0)


@transaction.atomic
def import_run_create(
    *,
    workshop: Workshop,
    source: str,
    target: str = "submissions",
    data_file,
    files_archive=None,
    options: dict | None = None,
    user: User | None,
) -> ImportRun:
    """Store the uploads as a new run, previewing. Preview it with import_run_preview."""
    if source not in ImportRun.Source.values:
        raise ValidationError({"source": _("Choose OpenReview or EU Survey.")})
    if target not in TARGETS[source]:
        raise ValidationError(
            {"target": _("This source cannot import %(target)s.") % {"target": target}}
        )
    if options is not None:
        _check_options(options)
    name = _check_data_file(source=source, upload=data_file)
    if files_archive is not None:
        _check_archive(files_archive)
    run = ImportRun(
        workshop=workshop,
        source=source,
        target=target,
        data_file_name=name,
        options=options or {},
        created_by=user,
    )
    run.data_file.save(name, data_file, save=False)
    if files_archive is not None:
        run.files_archive.save("files.zip", files_archive, save=False)
    try:
        run.save()
        audit_record(
            action="import.created",
            obj=run,
            actor=user,
            details={
                "source": source,
                "target": target,
                "data_file": name,
                "data_file_size": data_file.size,
                "files_archive": files_archive is not None,
                # The keys only: the values name organisations and survey columns.
                "options": sorted(run.options),
            },
        )
    except Exception:
        _delete_files(run)
        raise
    return run


def _delete_files(run: ImportRun) -> None:
    for field in (run.data_file, run.files_archive):
        if field:
            field.storage.delete(field.name)


def import_run_is_large(run: ImportRun) -> bool:
    """Whether the run is previewed and applied by a job, with a progress bar."""
    size = run.data_file.size if run.data_file else 0
    if run.files_archive:
        size += run.files_archive.size
    return size > settings.IMPORT_SYNC_MAX_BYTES


def _queue(task, **kwargs) -> None:
    # Imported here: the tasks module imports the jobs, and Celery's app on first use.
    from imports import tasks  # noqa: PLC0415 -- keeps Celery out of this module's import

    def send() -> None:
        try:
            getattr(tasks, task).delay(**kwargs)
        except Exception:  # noqa: BLE001 - a broker failure leaves the run visibly waiting
            logger.warning("Broker unavailable; import %s waits", kwargs, exc_info=True)

    transaction.on_commit(send)


def import_run_preview(*, run: ImportRun) -> ImportRun:
    """(Re)compute the preview: now when the run is small, else by a job. Returns the run
    as it then is (previewed or failed; previewing while a job works on it)."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.state not in (State.PREVIEWING, State.PREVIEWED, State.FAILED):
            raise ValidationError(_("This import can no longer be previewed."))
        locked.state = State.PREVIEWING
        locked.progress = 0
        locked.error = ""
        locked.attempts = 0
        locked.started_at = timezone.now()
        locked.save(update_fields=["state", "progress", "error", "attempts", "started_at"])
        large = import_run_is_large(locked)
        if large:
            _queue("task_import_preview", run_id=locked.pk)
    if not large:
        import_run_preview_execute(run_id=run.pk)
    return ImportRun.objects.select_related("workshop").get(pk=run.pk)


def import_run_set_options(*, run: ImportRun, options: dict) -> ImportRun:
    """Store staff's choices (organisation per row, field mapping) and preview again."""
    _check_options(options)
    updated = ImportRun.objects.filter(pk=run.pk, state__in=(State.PREVIEWED, State.FAILED)).update(
        options=options
    )
    if not updated:
        raise ValidationError(_("Options can be changed only while the preview is shown."))
    return import_run_preview(run=run)


def import_run_apply(*, run: ImportRun, user: User | None) -> ImportRun:
    """Write what the preview accepted, all or nothing: now when the run is small, else by
    a job. Refused unless the preview is ready.

    A run still "applying" may be applied again: its worker (or the request applying it)
    may have died, leaving nothing to finish it, and nothing was written then (the apply
    is one transaction). Applying again is safe if it is in fact still running: the apply
    holds the run's row lock to the end, so this one waits and then finds it applied."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.state not in (State.PREVIEWED, State.APPLYING):
            raise ValidationError(_("Only a previewed import can be applied."))
        if not (locked.counts.get("create") or locked.counts.get("update")):
            raise ValidationError(_("The preview accepted no row: there is nothing to import."))
        if locked.state == State.PREVIEWED:
            # A retry keeps its count of attempts: a run that kills its worker every
            # time still fails after IMPORT_JOB_MAX_ATTEMPTS.
            locked.attempts = 0
        locked.state = State.APPLYING
        locked.progress = 0
        locked.started_at = timezone.now()
        locked.save(update_fields=["state", "progress", "attempts", "started_at"])
        large = import_run_is_large(locked)
        user_id = user.pk if user else None
        if large:
            _queue("task_import_apply", run_id=locked.pk, user_id=user_id)
    if not large:
        import_run_apply_execute(run_id=run.pk, user_id=user_id)
    return ImportRun.objects.select_related("workshop").get(pk=run.pk)


def import_run_restart(*, run: ImportRun, user: User | None) -> ImportRun:
    """Start again a preview or apply whose job was lost (imports.selectors.
    import_run_is_stalled): queued again when the run is large, else run now.

    Refused while a job holds the run (an apply holds its row lock to the end: waiting for
    it here would hold the request for as long) or while it still shows signs of life."""
    with transaction.atomic():
        try:
            locked = ImportRun.objects.select_for_update(nowait=True).get(pk=run.pk)
        except DatabaseError:
            raise ValidationError(
                _("A job is working on this import right now: there is nothing to restart.")
            ) from None
        if not import_run_is_stalled(locked):
            raise ValidationError(
                _(
                    "This import is still in progress. It can be started again once it has "
                    "shown no progress for %(minutes)d minutes."
                )
                % {"minutes": settings.IMPORT_JOB_STALLED_MINUTES}
            )
        state = locked.state
        audit_record(
            action="import.restarted",
            obj=locked,
            actor=user,
            details={"state": state, "attempts": locked.attempts},
        )
    if state == State.PREVIEWING:
        return import_run_preview(run=locked)
    return import_run_apply(run=locked, user=user)


@transaction.atomic
def import_run_discard(*, run: ImportRun, user: User | None = None) -> ImportRun:
    """Drop a run that was not applied, and its uploaded files once committed."""
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    before = locked.state
    # A preview job still working finds the run discarded and drops its result. A run left
    # "applying" by a worker that died may go too: an apply still running holds the lock,
    # so this waits for it and then finds the run applied.
    if locked.state not in (State.PREVIEWING, State.PREVIEWED, State.FAILED, State.APPLYING):
        raise ValidationError(_("An import that was applied (or is being applied) stays."))
    locked.state = State.DISCARDED
    locked.save(update_fields=["state"])
    audit_record(
        action="import.discarded",
        obj=locked,
        actor=user,
        changes={"state": [before, locked.state]},
        details={"source": locked.source, "target": locked.target},
    )
    transaction.on_commit(lambda: _delete_files(locked))
    return locked


@transaction.atomic
def survey_mapping_save(
    *,
    workshop: Workshop,
    target: str,
    headers: list[str],
    mapping: dict[str, str],
    user: User,
    alias: str = "",
) -> SurveyMapping:
    """Save which column becomes which field for this survey (recognised by the
    fingerprint of `headers`), replacing the mapping saved before for the same survey.
    Columns mapped to "" (ignore) are left out. A field may take one column only."""
    if target not in TARGETS["eusurvey"]:
        raise ValidationError(_("Unknown import target."))
    known = {field.name for field in target_fields(target)}
    questions = set(question_headers(headers))
    cleaned: dict[str, str] = {}
    seen: dict[str, str] = {}
    for header, field in mapping.items():
        if not field:
            continue
        if header not in questions:
            raise ValidationError(
                _("“%(header)s” is not a question column of this export.") % {"header": header}
            )
        if field not in known:
            raise ValidationError(
                _("“%(field)s” is not a field you can map to.") % {"field": field}
            )
        if field in seen:
            raise ValidationError(
                _("“%(first)s” and “%(second)s” are both mapped to the same field.")
                % {"first": seen[field], "second": header}
            )
        seen[field] = header
        cleaned[header] = field
    alias = " ".join(alias.split())[:200]
    fingerprint = headers_fingerprint(headers)
    before = (
        SurveyMapping.objects.filter(workshop=workshop, target=target, fingerprint=fingerprint)
        .values("mapping", "alias")
        .first()
    ) or {"mapping": {}, "alias": ""}
    saved, _created = SurveyMapping.objects.update_or_create(
        workshop=workshop,
        target=target,
        fingerprint=fingerprint,
        defaults={"mapping": cleaned, "updated_by": user, "alias": alias},
    )
    if alias:
        # An alias names one survey: the mapping saved under it before is this one's now.
        SurveyMapping.objects.filter(workshop=workshop, target=target, alias__iexact=alias).exclude(
            pk=saved.pk
        ).update(alias="")
    # Field -> column: a column's header is a survey question, long text the log keeps as
    # its hash; the fields are the portal's own names.
    changes = audit_changes(
        {"mapping": _by_field(before["mapping"]), "alias": before["alias"]},
        {"mapping": _by_field(cleaned), "alias": alias},
    )
    audit_record(
        action="survey_mapping.saved",
        obj=saved,
        actor=user,
        changes=changes,
        details={"target": target, "fingerprint": fingerprint, "columns": len(cleaned)},
    )
    return saved


def _by_field(mapping: dict[str, str]) -> dict[str, str]:
    return {field: header for header, field in sorted(mapping.items(), key=lambda i: i[1])}
