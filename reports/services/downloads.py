"""Downloads of the reports' data, recorded in the audit log: a report job's file (by
staff, or by an organisation's member once released) and the API's data tables. Called by
the views that answer with the file, before they answer."""

from __future__ import annotations

from django.db import transaction

from portal.models import User, Workshop
from portal.services.audit import audit_record
from reports.models import ReportJob

WEB = "web"
API = "api"


@transaction.atomic
def report_job_record_download(*, job: ReportJob, user: User, channel: str = WEB) -> None:
    """Record that `user` downloaded the file of `job`, in the browser or through the API."""
    audit_record(
        action="report.downloaded",
        obj=job,
        actor=user,
        details={
            "kind": job.kind,
            "organisation": (job.params or {}).get("organisation"),
            "file_size": job.file_size,
            "channel": channel,
        },
    )


@transaction.atomic
def data_table_record_export(
    *, workshop: Workshop, user: User, table: str, file_format: str, channel: str = API
) -> None:
    """Record that `user` downloaded one of the workshop's data tables (scores,
    submissions, reviewers, attendees) as CSV, XLSX or JSON."""
    audit_record(
        action="data_table.exported",
        obj=workshop,
        actor=user,
        details={"table": table, "format": file_format, "channel": channel},
    )
