"""openreview-matcher files: the instance a run would solve, out (scores, constraints,
maximum loads, or all three in a ZIP), and the matcher's assignments.json, in, as a new
finished run to preview (assignment.interchange)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignment import lookups, selectors
from assignment.forms import ExportForm, ImportForm
from assignment.interchange import assignment_run_import
from assignment.matching.options import RunSettings
from assignment.models import InstanceExport
from assignment.services import exports
from assignment.views.runs import run_url, runs_page
from portal import lookups as portal_lookups
from portal.downloads import attachment_response
from portal.filters import refused_export
from portal.models import Workshop
from portal.permissions import permission_required

EXPORT_KINDS = InstanceExport.Kind.values


def _settings_of(workshop: Workshop, run_code: str) -> RunSettings | None:
    """The settings of the run a form names (404 for a code that is not a run of this
    workshop), or None when it names none."""
    if not run_code:
        return None
    run = selectors.run_get_for_staff(workshop=workshop, code=run_code)
    return RunSettings.from_json(run.settings)


def export_url(export: InstanceExport) -> str:
    return reverse("assignment:export_status", args=[export.workshop.code, export.code])


@permission_required("assignment.manage_runs", lookup=portal_lookups.workshop)
@require_POST
def export(request, workshop: Workshop, kind: str):
    """Ask for the instance a run would solve, in openreview-matcher's files (with the
    settings of the posted run if given, otherwise the defaults): the worker builds them,
    the status page offers them once built."""
    if kind not in EXPORT_KINDS:
        raise Http404
    form = ExportForm(request.POST)
    if not form.is_valid():
        return refused_export(form)
    run_code = form.cleaned_data["run"]
    _settings_of(workshop, run_code)  # 404 for a code that is not a run of this workshop
    job = exports.instance_export_request(
        workshop=workshop,
        user=request.user,
        kind=kind,
        reviewer_key=form.cleaned_data["reviewer_key"],
        run_code=run_code,
    )
    job.workshop = workshop
    return redirect(export_url(job))


@permission_required("assignment.manage_runs", lookup=lookups.instance_export)
@require_GET
def export_status(request, instance_export: InstanceExport):
    """An export's state and progress (the page reloads itself while the worker builds
    it), then its download."""
    return render(
        request,
        "assignment/export.html",
        {"workshop": instance_export.workshop, "export": instance_export},
    )


@permission_required("assignment.manage_runs", lookup=lookups.instance_export)
@require_GET
def export_download(request, instance_export: InstanceExport):
    if instance_export.state != InstanceExport.State.DONE or not instance_export.file:
        raise Http404
    exports.assignment_instance_record_export(export=instance_export, user=request.user)
    return attachment_response(
        instance_export.file.open("rb"),
        filename=instance_export.file_name,
        content_type=instance_export.content_type,
    )


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
