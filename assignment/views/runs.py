"""The staff's assignment pages: the settings form (which starts a run), the recent runs, a
run's progress while it is solved, its error when it failed, and once done its preview
(summary, diff against the assignments, what hand edits and publishing may change)."""

from datetime import timedelta

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assignment import lookups, selectors
from assignment.forms import ExportForm, ImportForm, PairForm, RunDiffFilterForm, RunSettingsForm
from assignment.matching.options import RunSettings
from assignment.models import AssignmentRun
from assignment.services import ui as ui_services
from portal import lookups as portal_lookups
from portal.audit.selectors import audit_history_for
from portal.filters import filters_from
from portal.models import Workshop
from portal.permissions import has_perm, permission_required

# A run queued or running for longer than this may have lost its worker (the largest runs
# take well under a minute): the page then offers to start it again.
STALE_AFTER = timedelta(minutes=15)


def run_url(run: AssignmentRun) -> str:
    return reverse("assignment:run", args=[run.workshop.code, run.code])


def runs_page(request, workshop, *, form=None, import_form=None, import_errors=(), status=200):
    """The assignment page, with `form` or `import_form` as posted when one was refused."""
    runs = selectors.runs_of_workshop(workshop=workshop)
    if form is None:
        latest = next((run for run in runs if not run.imported), None)
        settings = RunSettings.from_json(latest.settings) if latest else RunSettings()
        form = RunSettingsForm(initial=RunSettingsForm.initial_from(settings))
    return render(
        request,
        "assignment/runs.html",
        {
            "workshop": workshop,
            "form": form,
            "runs": runs,
            "import_form": import_form or ImportForm(),
            "import_errors": list(import_errors),
            "export_form": ExportForm(),
            "exports": selectors.instance_exports_of_workshop(workshop=workshop),
        },
        status=status,
    )


@permission_required("assignment.manage_runs", lookup=portal_lookups.workshop)
@require_http_methods(["GET", "POST"])
def run_list(request, workshop: Workshop):
    """The assignment page: settings form (POST starts a run), recent runs, files."""
    if request.method == "POST":
        form = RunSettingsForm(request.POST)
        if form.is_valid():
            run = ui_services.assignment_run_start(
                workshop=workshop, user=request.user, settings=form.settings
            )
            messages.success(
                request, _("Run started. Nothing changes until you publish its proposal.")
            )
            return redirect(run_url(run))
        return runs_page(request, workshop, form=form, status=400)
    return runs_page(request, workshop)


def _stale(run: AssignmentRun) -> bool:
    active = run.state in (AssignmentRun.State.QUEUED, AssignmentRun.State.RUNNING)
    since = run.started_at or run.created_at
    return active and timezone.now() - since > STALE_AFTER


@permission_required("assignment.manage_runs", lookup=lookups.run)
@require_GET
def run_detail(request, run: AssignmentRun):
    """A run: its progress while queued or running, its error when failed, and once done
    the preview: summary, diff against the assignments, hand edits, publish."""
    context = {
        "workshop": run.workshop,
        "run": run,
        "status_url": reverse("assignment:run_status", args=[run.workshop.code, run.code]),
        "settings_lines": selectors.settings_lines(run),
        "pair_form": PairForm(),
        # Each action is offered by the permission its view checks.
        "editable": has_perm(request.user, "assignment.edit_proposal", run),
        "publishable": has_perm(request.user, "assignment.publish_run", run),
        "stale": _stale(run),
        "stale_minutes": int(STALE_AFTER.total_seconds() // 60),
        "history": audit_history_for(user=request.user, object_type="assignmentrun", code=run.code),
        "import_form": ImportForm(
            initial={
                "run": run.code,
                "k": run.settings.get("k", 3),
                "existing": "keep" if run.settings.get("keep_existing", True) else "replace",
            }
        ),
    }
    status = 200
    # Only a finished run has a diff to page through and search.
    if run.state == AssignmentRun.State.DONE:
        status = _add_preview(request, run, context)
    return render(request, "assignment/run.html", context, status=status)


def _add_preview(request, run: AssignmentRun, context: dict) -> int:
    """The done run's summary and one page of its diff, into `context`; the page's status
    (400 when the tab, search or page asked for was refused)."""
    form = filters_from(request, RunDiffFilterForm)
    context["form"] = form
    context["query"] = form.filters()["q"].strip()
    context["summary"] = selectors.run_summary(run)
    context["diff"] = selectors.run_diff_page(
        run=run,
        tab=form.filters()["tab"],
        page_number=form.page_number,
        query=context["query"],
        editable=context["editable"],
    )
    counts = context["diff"].counts
    context["diff_tabs"] = [
        (selectors.TAB_ADDED, _("Added (%(count)s)") % {"count": counts["added"]}),
        (selectors.TAB_REMOVED, _("Removed (%(count)s)") % {"count": counts["removed"]}),
        (selectors.TAB_KEPT, _("Kept (%(count)s)") % {"count": counts["kept"]}),
    ]
    context["next_query"] = f"?{request.GET.urlencode()}" if request.GET else ""
    return form.status


@permission_required("assignment.manage_runs", lookup=lookups.run)
@require_GET
def run_status(request, run: AssignmentRun):
    """What the progress bar polls (JSON)."""
    status = selectors.run_status(run)
    status["url"] = run_url(run)
    response = JsonResponse(status)
    response["Cache-Control"] = "no-store"
    return response


@permission_required("assignment.manage_runs", lookup=lookups.run)
@require_POST
def run_again(request, run: AssignmentRun):
    new = ui_services.assignment_run_again(run=run, user=request.user)
    messages.success(request, _("A new run with the same settings is queued."))
    return redirect(run_url(new))
