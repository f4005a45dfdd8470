"""A report's file, for who may download it, and each member's list of the feedback
reports released to their organisations."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.downloads import attachment_response, open_stored
from portal.permissions import permission_required
from reports import lookups, selectors
from reports.models import ReportJob
from reports.services.downloads import report_job_record_download


@permission_required("reports.download_report", lookup=lookups.job_file)
@require_GET
def report_download(request, job: ReportJob):
    handle = open_stored(job.file)
    report_job_record_download(job=job, user=request.user)
    return attachment_response(handle, filename=job.file_name, content_type=job.content_type)


@permission_required("portal.use_portal")
@require_GET
def feedback_reports(request):
    """An organisation member's released feedback reports."""
    return render(
        request,
        "reports/feedback_list.html",
        {"jobs": list(selectors.released_feedback_for_user(user=request.user))},
    )
