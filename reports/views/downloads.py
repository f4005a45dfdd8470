"""A report's file, for who may download it, and each member's list of the feedback
reports released to their organisations."""

from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.permissions import permission_required
from reports import lookups, selectors
from reports.models import ReportJob
from reports.services.downloads import report_job_record_download


@permission_required("reports.download_report", lookup=lookups.job_file)
@require_GET
def report_download(request, job: ReportJob):
    handle = job.file.open("rb")
    report_job_record_download(job=job, user=request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.file_name,
        content_type=job.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("portal.use_portal")
@require_GET
def feedback_reports(request):
    """An organisation member's released feedback reports."""
    return render(
        request,
        "reports/feedback_list.html",
        {"jobs": list(selectors.released_feedback_for_user(user=request.user))},
    )
