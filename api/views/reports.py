"""Report jobs (requested, polled, listed, their files downloaded) and the data tables of
a workshop, through the services, lookups and permissions of the staff's report pages and
of the report download."""

from typing import ClassVar

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api.serializers.reports import (
    ReportJobRequestSerializer,
    ReportJobSerializer,
    ReportJobsStartedSerializer,
    job_url,
)
from api.views.base import Access, Endpoint, FileFormatNegotiation
from portal import lookups as portal_lookups
from portal.downloads import attachment_response, open_stored
from reports import exports, lookups, selectors
from reports.forms import GenerateForm
from reports.models import ReportJob
from reports.services import downloads, report_jobs

MANAGE = "reports.manage_reports"

# --- report jobs ----------------------------------------------------------------------------


class ReportJobListStart(Endpoint):
    """GET: the workshop's report jobs, newest first. POST: queue a report with the staff
    page's choices (a feedback report: one job per organisation with a reviewed
    evaluation); an identical report already queued or running is returned as it is. 202,
    with `Location` when one job was queued."""

    access = {
        "GET": Access(MANAGE, scope="reports:read", lookup=portal_lookups.workshop),
        "POST": Access(MANAGE, scope="reports:write", lookup=portal_lookups.workshop),
    }
    serializer_class = ReportJobSerializer
    filter_backends: ClassVar[list] = []

    @extend_schema(operation_id="report_job_list", responses=ReportJobSerializer(many=True))
    def get(self, request, workshop_code):
        jobs = selectors.report_jobs_for_workshop(workshop=self.object).order_by(
            "-created_at", "-pk"
        )
        page = self.paginate_queryset(jobs)
        for job in page:
            job.workshop = self.object
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="report_job_start",
        request=ReportJobRequestSerializer,
        responses={202: ReportJobsStartedSerializer},
    )
    def post(self, request, workshop_code):
        body = ReportJobRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The page's form: the same checks and the same params for the service.
        form = GenerateForm(
            {key: "" if value is None else value for key, value in body.validated_data.items()}
        )
        if not form.is_valid():
            raise ValidationError(form.errors)
        workshop = self.object
        kind = form.cleaned_data["kind"]
        if kind == ReportJob.Kind.FEEDBACK:
            jobs = report_jobs.report_jobs_request_feedback(
                workshop=workshop, params=form.params(), user=request.user
            )
        else:
            jobs = [
                report_jobs.report_job_request(
                    workshop=workshop, kind=kind, params=form.params(), user=request.user
                )
            ]
        for job in jobs:
            job.workshop = workshop
        headers = {"Location": job_url(request, jobs[0])} if len(jobs) == 1 else {}
        data = ReportJobsStartedSerializer({"jobs": jobs}, context=self.get_serializer_context())
        return Response(data.data, status=202, headers=headers)


class ReportJobDetail(Endpoint):
    """A job's state and progress, its error when it failed, its file's address once done."""

    access = {"GET": Access(MANAGE, scope="reports:read", lookup=lookups.job_by_code)}
    serializer_class = ReportJobSerializer

    @extend_schema(operation_id="report_job_detail")
    def get(self, request, job_code):
        response = Response(self.get_serializer(self.object).data)
        response["Cache-Control"] = "no-store"
        return response


class ReportJobDownload(Endpoint):
    """A report's file: staff, and the members of an organisation its feedback report was
    released to. 404 until the file is built, and for whoever may not see it."""

    access = {
        "GET": Access("reports.download_report", scope="reports:read", lookup=lookups.job_file)
    }

    @extend_schema(
        operation_id="report_job_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, job_code):
        job = self.object
        # As reports.views.downloads.report_download.
        handle = open_stored(job.file)
        downloads.report_job_record_download(job=job, user=request.user, channel=downloads.API)
        return attachment_response(handle, filename=job.file_name, content_type=job.content_type)


# --- data tables ----------------------------------------------------------------------------

FORMATS = ("csv", "xlsx", "json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _ExportQuery(serializers.Serializer):
    format = serializers.ChoiceField(choices=FORMATS, required=False, default="csv")


class WorkshopExport(Endpoint):
    """One of the data tables of the staff's data exports (scores, submissions, reviewers,
    attendees): the rows the CSV, XLSX and JSON report jobs write. Text cells a
    spreadsheet would run as a formula are prefixed with an apostrophe in CSV and XLSX;
    JSON keeps values as typed."""

    access = {"GET": Access(MANAGE, scope="reports:read", lookup=portal_lookups.workshop)}
    content_negotiation_class = FileFormatNegotiation

    @extend_schema(
        operation_id="workshop_export",
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(exports.TABLE_NAMES)),
            OpenApiParameter("format", str, enum=list(FORMATS), default="csv"),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX): OpenApiTypes.BINARY,
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="An array of objects, one per row."
            ),
        },
    )
    def get(self, request, workshop_code, name):
        if name not in exports.TABLE_NAMES:
            raise NotFound
        query = _ExportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data["format"]
        workshop = self.object
        table = exports.table(workshop=workshop, name=name)
        downloads.data_table_record_export(
            workshop=workshop, user=request.user, table=name, file_format=kind
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        filename = f"{name}-{workshop.code}-{stamp}.{kind}"
        if kind == "csv":
            response = StreamingHttpResponse(
                exports.table_csv_lines(table), content_type="text/csv; charset=utf-8"
            )
        elif kind == "xlsx":
            response = HttpResponse(exports.table_xlsx(table), content_type=XLSX)
        else:
            response = StreamingHttpResponse(
                exports.table_json_chunks(table), content_type="application/json"
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
