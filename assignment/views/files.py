"""openreview-matcher files: the instance a run would solve, out (scores, constraints,
maximum loads, or all three in a ZIP), and the matcher's assignments.json, in, as a new
finished run to preview (assignment.interchange)."""

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignment import selectors
from assignment.forms import ExportForm, ImportForm
from assignment.interchange import INSTANCE_FILES, assignment_run_import, instance_rows
from assignment.matching.options import RunSettings
from assignment.services.exports import assignment_instance_record_export
from assignment.views.runs import run_url, runs_page
from portal import lookups as portal_lookups
from portal.csv import csv_safe
from portal.filters import refused_export
from portal.models import Workshop
from portal.permissions import permission_required

EXPORT_KINDS = {
    "scores": "scores.csv",
    "constraints": "constraints.csv",
    "max_loads": "max_loads.csv",
    "all": "openreview-matcher.zip",
}
# Rows per chunk of a streamed file: few enough to keep memory flat, many enough that the
# server does not write 30,000 tiny pieces.
CHUNK_ROWS = 2000


def _csv_chunks(rows) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for chunk in iter(lambda: list(itertools.islice(rows, CHUNK_ROWS)), []):
        writer.writerows(chunk)
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def _settings_of(workshop: Workshop, run_code: str) -> RunSettings | None:
    """The settings of the run a form names (404 for a code that is not a run of this
    workshop), or None when it names none."""
    if not run_code:
        return None
    run = selectors.run_get_for_staff(workshop=workshop, code=run_code)
    return RunSettings.from_json(run.settings)


@permission_required("assignment.manage_runs", lookup=portal_lookups.workshop)
@require_GET
def export(request, workshop: Workshop, kind: str):
    """The instance a run would solve, in openreview-matcher's files: with the settings of
    `?run=<code>` if given, otherwise the defaults."""
    if kind not in EXPORT_KINDS:
        raise Http404
    form = ExportForm(request.GET)
    if not form.is_valid():
        return refused_export(form)
    # Computed before the response starts (a failure is still an error page, and the audit
    # event is written only for an export that exists); the rows are formatted as they
    # are sent. Only the files asked for are computed: the scores alone need the affinity
    # model. Id cells are made formula-safe (portal.csv.csv_safe) once per id; the numbers
    # stay numbers for the matcher (a negative score, the constraint -1).
    rows = instance_rows(
        workshop=workshop,
        settings=_settings_of(workshop, form.cleaned_data["run"]) or RunSettings(),
        files=INSTANCE_FILES if kind == "all" else (kind,),
        reviewer_key=form.cleaned_data["reviewer_key"],
        cell=csv_safe,
    )
    assignment_instance_record_export(
        workshop=workshop,
        user=request.user,
        files=kind,
        reviewer_key=form.cleaned_data["reviewer_key"],
        run_code=form.cleaned_data["run"],
    )
    if kind == "all":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in INSTANCE_FILES:
                with archive.open(EXPORT_KINDS[name], "w") as member:
                    for chunk in _csv_chunks(rows[name]):
                        member.write(chunk.encode())
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    else:
        response = StreamingHttpResponse(
            _csv_chunks(rows[kind]), content_type="text/csv; charset=utf-8"
        )
    filename = f"{workshop.code}-{EXPORT_KINDS[kind]}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("assignment.manage_runs", lookup=portal_lookups.workshop)
@require_POST
def import_assignments(request, workshop: Workshop):
    """An openreview-matcher assignments.json as a new finished run to preview; nothing is
    stored when any pair is refused."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return runs_page(request, workshop, import_form=form, status=400)
    base = _settings_of(workshop, form.cleaned_data["run"])
    try:
        run = assignment_run_import(
            workshop=workshop,
            user=request.user,
            assignments=form.cleaned_data["file"],
            settings=form.settings(base),
            reviewer_key=form.cleaned_data["reviewer_key"],
        )
    except ValidationError as error:
        return runs_page(
            request, workshop, import_form=form, import_errors=error.messages, status=400
        )
    messages.success(
        request, _("Imported. Check the proposal below; nothing changes until you publish it.")
    )
    return redirect(run_url(run))
