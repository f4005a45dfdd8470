"""A matcher files export on the worker's side: what one delivery of
task_build_instance_export does. The claim, attempts, heartbeat and single final write are
portal.jobs' (as for reports and data exports); the files are those the export page
streamed before (assignment.interchange.instance_rows, formula-safe ids).

Requesting and downloading an export are the staff's side, in assignment.services.exports.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from assignment.interchange import INSTANCE_FILES, instance_rows
from assignment.matching.options import RunSettings
from assignment.models import AssignmentRun, InstanceExport
from portal import jobs
from portal.csv import csv_safe
from portal.services.audit import audit_record

logger = logging.getLogger(__name__)

FILE_NAMES = {
    "scores": "scores.csv",
    "constraints": "constraints.csv",
    "max_loads": "max_loads.csv",
    "all": "openreview-matcher.zip",
}
CONTENT_TYPES = {"all": "application/zip"}
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Rows per chunk written: few enough to keep memory flat, many enough not to write 30,000
# tiny pieces.
CHUNK_ROWS = 2000


@dataclass(frozen=True)
class ExportFile:
    file_name: str
    content_type: str
    content: bytes


def csv_chunks(rows) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for chunk in iter(lambda: list(itertools.islice(rows, CHUNK_ROWS)), []):
        writer.writerows(chunk)
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def _settings(export: InstanceExport) -> RunSettings:
    if not export.run_code:
        return RunSettings()
    run = AssignmentRun.objects.filter(workshop_id=export.workshop_id, code=export.run_code).first()
    if run is None:
        raise ValueError(_("The run %(code)s no longer exists.") % {"code": export.run_code})
    return RunSettings.from_json(run.settings)


def instance_export_file(
    *, export: InstanceExport, progress: Callable[[int], None] = lambda _p: None
) -> ExportFile:
    """The file of an export: the instance computed once (only the files asked for: the
    scores alone need the affinity model), the rows written as CSV, three in a ZIP."""
    kind = export.kind
    rows = instance_rows(
        workshop=export.workshop,
        settings=_settings(export),
        files=INSTANCE_FILES if kind == "all" else (kind,),
        reviewer_key=export.reviewer_key,
        cell=csv_safe,
    )
    progress(60)
    if kind == "all":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in INSTANCE_FILES:
                with archive.open(FILE_NAMES[name], "w") as member:
                    for chunk in csv_chunks(rows[name]):
                        member.write(chunk.encode())
        content = buffer.getvalue()
    else:
        content = "".join(csv_chunks(rows[kind])).encode()
    return ExportFile(
        file_name=f"{export.workshop.code}-{FILE_NAMES[kind]}",
        content_type=CONTENT_TYPES.get(kind, CSV_CONTENT_TYPE),
        content=content,
    )


def _gave_up(count: int, error: str) -> str:
    return _(
        "Gave up after %(count)d attempts: the worker building these files stopped each "
        "time. Last error: %(error)s"
    ) % {"count": count, "error": error or _("none recorded")}


def _finish(export: InstanceExport, attempt: int, result: ExportFile) -> bool:
    def record_built() -> None:
        audit_record(
            action="instance_export.built",
            obj=export.workshop,
            details={"export": export.code, "files": export.kind, "size": len(result.content)},
        )
        # The same files asked for again replace the older ones (theirs go once this
        # commits): the page lists what is current, and storage does not grow per click.
        for older in InstanceExport.objects.filter(
            workshop_id=export.workshop_id,
            kind=export.kind,
            reviewer_key=export.reviewer_key,
            run_code=export.run_code,
            state__in=[InstanceExport.State.DONE, InstanceExport.State.FAILED],
            pk__lt=export.pk,
        ):
            older.delete()

    return jobs.job_finish(
        model=InstanceExport,
        job_id=export.pk,
        attempt=attempt,
        file_name=result.file_name,
        content=ContentFile(result.content),
        fields={
            "file_name": result.file_name,
            "content_type": result.content_type,
            "file_size": len(result.content),
        },
        then=record_built,
    )


def instance_export_build(
    *, export_id: int, delivery: str = "", retry: Callable[[int], None] | None = None
) -> bool:
    """Claim the export, build its file, store it: True when this delivery did. Called by
    the task; safe to call again (a re-delivered message finds it done)."""
    export = jobs.job_claim(
        model=InstanceExport,
        job_id=export_id,
        delivery=delivery,
        gave_up=_gave_up,
        related=("workshop",),
    )
    if export is None:
        return False
    attempt = export.attempts

    def progress(percent: int) -> None:
        jobs.job_progress(model=InstanceExport, job_id=export_id, attempt=attempt, progress=percent)

    logger.info("Building matcher files %s (%s), attempt %s", export.code, export.kind, attempt)
    return jobs.job_execute(
        job=export,
        build=lambda: instance_export_file(export=export, progress=progress),
        finish=lambda result: _finish(export, attempt, result),
        retry=retry,
    )
