"""Staff's import pages: a workshop's runs with the upload form, a run's preview (rows,
counts, the choices that shape it, Apply and Discard), and the progress bar's JSON."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from criteria.models import Criterion
from criteria.selectors import criteria_set_current
from imports import lookups, selectors, services
from imports.forms import UPLOAD_LIMITS, ImportOptionsForm, ImportUploadForm
from imports.models import ImportRun
from portal import lookups as portal_lookups
from portal.models import Workshop
from portal.permissions import permission_required
from portal.selectors import organisations_visible_to
from submissions.uploads import too_large_message, upload_limits

PERM = "imports.run_imports"
# The preview page shows this many rows; the counts cover them all, and the API pages
# through every row.
ROWS_SHOWN = 1000


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _detail_url(run: ImportRun) -> str:
    return reverse("imports:detail", args=[run.code])


@upload_limits(**UPLOAD_LIMITS)
@permission_required(PERM, lookup=portal_lookups.workshop)
@require_http_methods(["GET", "POST"])
def import_index(request, workshop: Workshop):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    too_large = getattr(request, "upload_too_large", None)
    if request.method == "POST" and too_large:
        # The stopped file is missing from request.FILES: say why, not "required".
        form.is_valid()
        form.errors.clear()
        field = too_large.get("field")
        form.add_error(field if field in form.fields else None, too_large_message(too_large))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.import_run_create(
                workshop=workshop,
                source=data["source"],
                target=data["target"],
                data_file=data["data_file"],
                files_archive=data["files_archive"],
                user=request.user,
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            services.import_run_preview(run=run)
            return redirect(_detail_url(run))
    runs = list(selectors.import_runs_for_workshop(workshop=workshop, user=request.user)[:100])
    return render(
        request,
        "imports/index.html",
        {
            "workshop": workshop,
            "form": form,
            "runs": [
                {
                    "run": run,
                    "job_state": selectors.import_run_job_state(run),
                    "counts": run.preview_counts or {},
                }
                for run in runs
            ],
        },
        status=400 if form.errors else 200,
    )


def _options_form(request, run: ImportRun, data=None) -> ImportOptionsForm:
    criteria_set = criteria_set_current(workshop=run.workshop)
    criteria = (
        Criterion.objects.filter(criteria_set=criteria_set).order_by("group__position", "position")
        if criteria_set
        else []
    )
    return ImportOptionsForm(
        data,
        run=run,
        organisations=organisations_visible_to(user=request.user).order_by("name"),
        criteria=criteria,
    )


@permission_required(PERM, lookup=lookups.import_run)
@require_GET
def import_detail(request, run: ImportRun):
    rows = (run.preview or {}).get("rows", [])
    return render(
        request,
        "imports/detail.html",
        {
            "workshop": run.workshop,
            "run": run,
            "job_state": selectors.import_run_job_state(run),
            "status": selectors.import_run_status(run),
            "stalled_minutes": settings.IMPORT_JOB_STALLED_MINUTES,
            "rows": rows[:ROWS_SHOWN],
            "rows_hidden": max(0, len(rows) - ROWS_SHOWN),
            "counts": run.counts,
            "form": _options_form(request, run) if run.state == ImportRun.State.PREVIEWED else None,
        },
    )


@permission_required(PERM, lookup=lookups.import_run)
@require_POST
def import_options(request, run: ImportRun):
    form = _options_form(request, run, request.POST)
    if form.is_valid():
        try:
            services.import_run_set_options(run=run, options=form.options(run.options))
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Previewed again with your choices."))
    else:
        messages.error(request, _("Some choices were not valid; nothing changed."))
    return redirect(_detail_url(run))


@permission_required(PERM, lookup=lookups.import_run)
@require_POST
def import_apply(request, run: ImportRun):
    try:
        run = services.import_run_apply(run=run, user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if run.state == ImportRun.State.APPLIED:
            messages.success(request, _("Imported."))
        elif run.state == ImportRun.State.FAILED:
            messages.error(request, _("The import failed; nothing was written."))
    return redirect(_detail_url(run))


@permission_required(PERM, lookup=lookups.import_run)
@require_POST
def import_restart(request, run: ImportRun):
    try:
        run = services.import_run_restart(run=run, user=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        if run.state == ImportRun.State.FAILED:
            messages.error(request, _("The import failed; nothing was written."))
        else:
            messages.success(request, _("The import was started again."))
    return redirect(_detail_url(run))


@permission_required(PERM, lookup=lookups.import_run)
@require_POST
def import_discard(request, run: ImportRun):
    try:
        services.import_run_discard(run=run, user=request.user)
    except ValidationError as error:
        _errors(request, error)
        return redirect(_detail_url(run))
    messages.success(request, _("The import was discarded."))
    return redirect(reverse("imports:index", args=[run.workshop.code]))


@permission_required(PERM, lookup=lookups.import_run)
@require_GET
def import_status(request, run: ImportRun):
    response = JsonResponse(selectors.import_run_status(run))
    response["Cache-Control"] = "no-store"
    return response
