"""Staff's report jobs: the list with what to generate, the progress bar's JSON, and
retrying, releasing (to an organisation) and deleting a job."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from portal import lookups as portal_lookups
from portal.audit.selectors import audit_history_for
from portal.models import Workshop
from portal.permissions import permission_required
from reports import lookups, selectors
from reports.forms import GenerateForm
from reports.models import ReportJob
from reports.services import report_jobs
from reports.views.common import download_url, index_url, render_staff

Kind = ReportJob.Kind


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_GET
def report_index(request, workshop: Workshop):
    jobs = list(selectors.report_jobs_for_workshop(workshop=workshop)[:200])
    rows = [
        {
            "job": job,
            "snapshot": selectors.snapshot_text(job),
            "status_url": reverse("reports:status", args=[workshop.code, job.code]),
            "retryable": job.state == ReportJob.State.FAILED or report_jobs.report_job_is_lost(job),
            "download_url": download_url(job),
        }
        for job in jobs
    ]
    return render_staff(
        request,
        "reports/staff/index.html",
        workshop,
        {
            "rows": rows,
            "form": GenerateForm(),
            # Warned before generating, not refused: a draft edition without it is useful.
            "executive_summary_missing": selectors.executive_summary_missing(workshop=workshop),
            # Every report job of the workshop, deleted ones too (their events remain).
            "history": audit_history_for(
                user=request.user, object_type="reportjob", workshop=workshop
            ),
        },
    )


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_POST
def report_generate(request, workshop: Workshop):
    form = GenerateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(index_url(workshop))
    kind = form.cleaned_data["kind"]
    try:
        if kind == Kind.FEEDBACK:
            jobs = report_jobs.report_jobs_request_feedback(
                workshop=workshop, params=form.params(), user=request.user
            )
            messages.success(
                request,
                ngettext(
                    "%(count)d feedback report queued.",
                    "%(count)d feedback reports queued.",
                    len(jobs),
                )
                % {"count": len(jobs)},
            )
        else:
            job = report_jobs.report_job_request(
                workshop=workshop, kind=kind, params=form.params(), user=request.user
            )
            # No state here: the message would stay "Queued" after the row below says
            # Done; the row is the one place that follows the job.
            messages.success(
                request,
                _("%(report)s requested: its state under “Reports generated” follows the job.")
                % {"report": job.get_kind_display()},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(index_url(workshop))


@permission_required("reports.manage_reports", lookup=lookups.job)
@require_GET
def report_status(request, job: ReportJob):
    response = JsonResponse(selectors.job_status(job, download_url=download_url(job)))
    response["Cache-Control"] = "no-store"
    return response


@permission_required("reports.manage_reports", lookup=lookups.job)
@require_POST
def report_retry(request, job: ReportJob):
    try:
        report_jobs.report_job_retry(job=job, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is queued again."))
    return redirect(index_url(job.workshop))


@permission_required("reports.manage_reports", lookup=lookups.job)
@require_POST
def report_release(request, job: ReportJob):
    release = request.POST.get("release") != "0"
    try:
        report_jobs.report_job_release(job=job, user=request.user, release=release)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Released to %(organisation)s.") % {"organisation": job.organisation}
            if release
            else _("Withdrawn from %(organisation)s.") % {"organisation": job.organisation},
        )
    return redirect(index_url(job.workshop))


@permission_required("reports.manage_reports", lookup=portal_lookups.workshop)
@require_POST
def report_release_all(request, workshop: Workshop):
    count = report_jobs.report_jobs_release_feedback(workshop=workshop, user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d feedback report released.", "%(count)d feedback reports released.", count
        )
        % {"count": count},
    )
    return redirect(index_url(workshop))


@permission_required("reports.manage_reports", lookup=lookups.job)
def report_delete(request, job: ReportJob):
    """GET asks for confirmation; POST deletes the job and, once committed, its file."""
    workshop = job.workshop
    if request.method == "POST":
        try:
            report_jobs.report_job_delete(job=job, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(report)s of %(date)s deleted.")
                % {
                    "report": job.get_kind_display(),
                    "date": formats.date_format(
                        timezone.localtime(job.created_at), "DATETIME_FORMAT"
                    ),
                },
            )
        return redirect(index_url(workshop))
    return render_staff(
        request,
        "reports/staff/delete_confirm.html",
        workshop,
        {"job": job, "snapshot": selectors.snapshot_text(job)},
    )
