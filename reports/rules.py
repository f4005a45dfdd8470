"""Who may download which report. Registered by the app's AppConfig (reports.apps)."""

import rules

from portal.rules import is_ai_office_staff, member_of
from reports.models import ReportJob


@rules.predicate
def is_done(user, job) -> bool:
    return job is not None and job.state == ReportJob.State.DONE and bool(job.file)


@rules.predicate
def is_released_feedback(user, job) -> bool:
    return (
        job is not None
        and job.kind == ReportJob.Kind.FEEDBACK
        and job.released_at is not None
        and job.organisation_id is not None
    )


is_member_of_report_organisation = member_of(
    lambda job: job.organisation_id, name="is_member_of_report_organisation"
)


# Public summary and internal edition: staff only until staff publish them elsewhere.
# Feedback reports: staff, and the organisation's members once staff have released it.
PERMISSIONS = {
    "reports.download_report": is_done
    & (is_ai_office_staff | (is_released_feedback & is_member_of_report_organisation)),
    "reports.manage_reports": is_ai_office_staff,
}
