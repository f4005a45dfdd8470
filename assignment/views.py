"""Automatic assignment pages: reviewers' bids, and the staff's runs (settings, progress,
preview with the diff and hand edits, publishing, openreview-matcher files).

Reviewers reach a workshop's bidding page only as its approved reviewers (404 otherwise),
and see its submissions through reviews.selectors.visibility. Staff pages are staff only
(403 for everyone else signed in). Every POST calls one service and redirects.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assignment import selectors
from assignment.forms import (
    BidFilterForm,
    ExportForm,
    ImportForm,
    PairForm,
    PublishForm,
    RunDiffFilterForm,
    RunSettingsForm,
    bid_choices,
    posted_bids,
)
from assignment.interchange import assignment_run_import, instance_export
from assignment.matching.options import RunSettings
from assignment.models import AssignmentRun
from assignment.selectors import bidding_rows
from assignment.services import ui as ui_services
from assignment.services.runs import proposed_pair_add, proposed_pair_remove
from portal.csv import csv_safe
from portal.filters import filters_from, refused_export
from portal.ids import may_name_a_row
from portal.models import User
from portal.pagination import AnnotatedPaginator
from portal.selectors import workshop_get_for_user
from portal.views.decorators import staff_required
from reviews.selectors.progress import risk_area_choices
from reviews.selectors.visibility import bidding_workshop_get, submissions_for_bidding
from submissions.models import Submission

BIDS_PER_PAGE = 25
# A run queued or running for longer than this may have lost its worker (the largest runs
# take well under a minute): the page then offers to start it again.
STALE_AFTER = timedelta(minutes=15)
EXPORT_KINDS = {
    "scores": "scores.csv",
    "constraints": "constraints.csv",
    "max_loads": "max_loads.csv",
    "all": "openreview-matcher.zip",
}
# Columns holding ids (text) per file; the others are numbers, and a negative score or the
# constraint -1 must stay a number for the matcher.
_TEXT_COLUMNS = {"scores": 2, "constraints": 2, "max_loads": 1}


# --- reviewers' bids -------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@login_required
@require_http_methods(["GET", "POST"])
def bid_list(request, workshop_code: str):
    workshop, application = bidding_workshop_get(code=workshop_code, user=request.user)
    if request.method == "POST":
        values = posted_bids(request.POST)
        allowed = {
            s.code: s
            for s in submissions_for_bidding(user=request.user, application=application)
            .filter(code__in=[code for code in values if may_name_a_row(code)])
            .select_related("workshop", "organisation")
        }
        outcome = ui_services.bids_update(reviewer=request.user, submissions=allowed, values=values)
        if _wants_json(request):
            return JsonResponse(
                {
                    "saved": outcome.saved,
                    "errors": outcome.errors,
                    "message": _("Bid saved.") if not outcome.errors else " ".join(outcome.errors),
                },
                status=400 if outcome.errors else 200,
            )
        if outcome.saved:
            messages.success(
                request,
                ngettext("%(count)d bid saved.", "%(count)d bids saved.", outcome.saved)
                % {"count": outcome.saved},
            )
        for error in outcome.errors:
            messages.error(request, error)
        if not outcome.saved and not outcome.errors:
            messages.info(request, _("No bid changed."))
        return redirect(request.get_full_path())

    form = filters_from(request, BidFilterForm, risk_areas=list(risk_area_choices()))
    visible = submissions_for_bidding(
        user=request.user, application=application, risk_area=form.chosen_risk_area()
    )
    paginator = AnnotatedPaginator(
        visible,
        BIDS_PER_PAGE,
        rows=lambda ids: bidding_rows(user=request.user, workshop=workshop, ids=ids),
    )
    page = paginator.get_page(form.page_number)
    return render(
        request,
        "assignment/bids.html",
        {
            "workshop": workshop,
            "form": form,
            "page": page,
            "choices": bid_choices(),
            "anonymous": workshop.anonymous_review,
        },
        status=form.status,
    )


# --- staff: runs ---------------------------------------------------------------------------


def _run_url(run: AssignmentRun) -> str:
    return reverse("assignment:run", args=[run.workshop.code, run.code])


def _runs_page(request, workshop, *, form=None, import_form=None, import_errors=(), status=200):
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
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def run_list(request, workshop_code: str):
    """The assignment page: settings form (POST starts a run), recent runs, files."""
    workshop = workshop_get_for_user(code=workshop_code, user=request.user)
    if request.method == "POST":
        form = RunSettingsForm(request.POST)
        if form.is_valid():
            run = ui_services.assignment_run_start(
                workshop=workshop, user=request.user, settings=form.settings
            )
            messages.success(
                request, _("Run started. Nothing changes until you publish its proposal.")
            )
            return redirect(_run_url(run))
        return _runs_page(request, workshop, form=form, status=400)
    return _runs_page(request, workshop)


def _get_run(request, workshop_code: str, run_code: str) -> AssignmentRun:
    workshop = workshop_get_for_user(code=workshop_code, user=request.user)
    run = selectors.run_get_for_staff(workshop=workshop, code=run_code)
    run.workshop = workshop
    return run


def _stale(run: AssignmentRun) -> bool:
    active = run.state in (AssignmentRun.State.QUEUED, AssignmentRun.State.RUNNING)
    since = run.started_at or run.created_at
    return active and timezone.now() - since > STALE_AFTER


def _editable(run: AssignmentRun) -> bool:
    return run.state == AssignmentRun.State.DONE and not run.is_published


@staff_required
@require_GET
def run_detail(request, workshop_code: str, run_code: str):
    """A run: its progress while queued or running, its error when failed, and once done
    the preview: summary, diff against the assignments, hand edits, publish."""
    run = _get_run(request, workshop_code, run_code)
    context = {
        "workshop": run.workshop,
        "run": run,
        "status_url": reverse("assignment:run_status", args=[workshop_code, run.code]),
        "settings_lines": selectors.settings_lines(run),
        "pair_form": PairForm(),
        "editable": _editable(run),
        "stale": _stale(run),
        "stale_minutes": int(STALE_AFTER.total_seconds() // 60),
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
        form = filters_from(request, RunDiffFilterForm)
        status, context["form"] = form.status, form
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
    return render(request, "assignment/run.html", context, status=status)


@staff_required
@require_GET
def run_status(request, workshop_code: str, run_code: str):
    run = _get_run(request, workshop_code, run_code)
    status = selectors.run_status(run)
    status["url"] = _run_url(run)
    response = JsonResponse(status)
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def run_again(request, workshop_code: str, run_code: str):
    run = _get_run(request, workshop_code, run_code)
    new = ui_services.assignment_run_again(run=run, user=request.user)
    messages.success(request, _("A new run with the same settings is queued."))
    return redirect(_run_url(new))


def _pair_target(run: AssignmentRun, form: PairForm):
    """The submission and reviewer a pair form names, or a ValidationError to show."""
    submission = Submission.objects.filter(
        workshop_id=run.workshop_id, code=form.cleaned_data["submission"]
    ).first()
    if submission is None:
        raise ValidationError(
            _("No submission of this call has the code “%(code)s”.")
            % {"code": form.cleaned_data["submission"]}
        )
    reviewer = User.objects.filter(email__iexact=form.cleaned_data["reviewer"]).first()
    if reviewer is None:
        raise ValidationError(
            _("Nobody has the email address %(email)s.") % {"email": form.cleaned_data["reviewer"]}
        )
    return submission, reviewer


def _back_to_run(request, run: AssignmentRun):
    """Back to the page the form was on (tab, page, search), within this run only."""
    back = request.POST.get("next", "")
    if back.startswith("?"):
        return redirect(_run_url(run) + back)
    return redirect(_run_url(run))


def _form_errors(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


@staff_required
@require_POST
def pair_add(request, workshop_code: str, run_code: str):
    run = _get_run(request, workshop_code, run_code)
    form = PairForm(request.POST)
    if not form.is_valid():
        for error in _form_errors(form):
            messages.error(request, error)
        return _back_to_run(request, run)
    try:
        submission, reviewer = _pair_target(run, form)
        proposed_pair_add(run=run, submission=submission, reviewer=reviewer, user=request.user)
    except ValidationError as error:
        messages.error(
            request,
            _("Not added: %(reason)s") % {"reason": " ".join(error.messages)},
        )
    else:
        messages.success(
            request,
            _("%(reviewer)s added to “%(title)s”.")
            % {"reviewer": reviewer, "title": submission.title},
        )
    return _back_to_run(request, run)


@staff_required
@require_POST
def pair_remove(request, workshop_code: str, run_code: str):
    run = _get_run(request, workshop_code, run_code)
    form = PairForm(request.POST)
    if not form.is_valid():
        for error in _form_errors(form):
            messages.error(request, error)
        return _back_to_run(request, run)
    try:
        submission, reviewer = _pair_target(run, form)
        pair = run.pairs.filter(submission=submission, reviewer=reviewer).first()
        if pair is None:
            raise ValidationError(_("This pair is not in the proposal."))
        proposed_pair_remove(pair=pair, user=request.user)
    except ValidationError as error:
        messages.error(request, _("Not removed: %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        messages.success(
            request,
            _("%(reviewer)s taken off “%(title)s”.")
            % {"reviewer": reviewer, "title": submission.title},
        )
    return _back_to_run(request, run)


@staff_required
@require_http_methods(["GET", "POST"])
def run_publish(request, workshop_code: str, run_code: str):
    """Confirmation page (GET) and publishing (POST)."""
    run = _get_run(request, workshop_code, run_code)
    if not _editable(run):
        messages.error(request, _("Only a finished, unpublished run can be published."))
        return redirect(_run_url(run))
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = ui_services.assignment_run_publish_and_notify(run=run, user=request.user)
        except ValidationError as error:
            messages.error(
                request,
                _("Not published; nothing changed. %(reasons)s")
                % {"reasons": " ".join(error.messages)},
            )
            return redirect(_run_url(run))
        messages.success(
            request,
            _(
                "Published: %(created)s assignments created, %(removed)s removed, %(kept)s "
                "kept. The reviewers concerned are being emailed."
            )
            % {
                "created": len(result.created),
                "removed": len(result.removed),
                "kept": result.kept,
            },
        )
        return redirect(_run_url(run))
    diff = selectors.run_diff_page(run=run, tab="", page_number=1, editable=False)
    return render(
        request,
        "assignment/publish.html",
        {"workshop": run.workshop, "run": run, "form": form, "counts": diff.counts},
        status=400 if form.is_bound else 200,
    )


# --- staff: openreview-matcher files ---------------------------------------------------------


def _safe_rows(text: str, kind: str) -> str:
    """The CSV with every id cell made formula-safe (portal.csv.csv_safe); numbers as they
    are. Ids are submission codes, emails or application codes: only an email can start
    with a formula character, but a spreadsheet would still run it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    text_columns = _TEXT_COLUMNS[kind]
    for row in csv.reader(io.StringIO(text)):
        writer.writerow(
            [csv_safe(cell) if i < text_columns else cell for i, cell in enumerate(row)]
        )
    return out.getvalue()


@staff_required
@require_GET
def export(request, workshop_code: str, kind: str):
    """The instance a run would solve, in openreview-matcher's files: with the settings of
    `?run=<code>` if given, otherwise the defaults."""
    if kind not in EXPORT_KINDS:
        raise Http404
    workshop = workshop_get_for_user(code=workshop_code, user=request.user)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return refused_export(form)
    settings = RunSettings()
    if form.cleaned_data["run"]:
        run = selectors.run_get_for_staff(workshop=workshop, code=form.cleaned_data["run"])
        settings = RunSettings.from_json(run.settings)
    files = {"scores": io.StringIO(), "constraints": io.StringIO(), "max_loads": io.StringIO()}
    instance_export(
        workshop=workshop,
        settings=settings,
        scores=files["scores"],
        constraints=files["constraints"],
        max_loads=files["max_loads"],
        reviewer_key=form.cleaned_data["reviewer_key"],
    )
    contents = {name: _safe_rows(f.getvalue(), name) for name, f in files.items()}
    stem = f"{workshop.code}-"
    if kind == "all":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in contents.items():
                archive.writestr(EXPORT_KINDS[name], content)
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    else:
        response = HttpResponse(contents[kind], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}{EXPORT_KINDS[kind]}"'
    return response


@staff_required
@require_POST
def import_assignments(request, workshop_code: str):
    """An openreview-matcher assignments.json as a new finished run to preview; nothing is
    stored when any pair is refused."""
    workshop = workshop_get_for_user(code=workshop_code, user=request.user)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _runs_page(request, workshop, import_form=form, status=400)
    base = None
    if form.cleaned_data["run"]:
        exported = selectors.run_get_for_staff(workshop=workshop, code=form.cleaned_data["run"])
        base = RunSettings.from_json(exported.settings)
    try:
        run = assignment_run_import(
            workshop=workshop,
            user=request.user,
            assignments=form.cleaned_data["file"],
            settings=form.settings(base),
            reviewer_key=form.cleaned_data["reviewer_key"],
        )
    except ValidationError as error:
        return _runs_page(
            request, workshop, import_form=form, import_errors=error.messages, status=400
        )
    messages.success(
        request, _("Imported. Check the proposal below; nothing changes until you publish it.")
    )
    return redirect(_run_url(run))
