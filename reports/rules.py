"""Who may download which report. Registered by the app's AppConfig (reports.apps)."""

import rules

from portal.models import Membership
from portal.rules import is_ai_office_staff
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


@rules.predicate
def is_member_of_report_organisation(user, job) -> bool:
    if not user.is_authenticated or job is None or job.organisation_id is None:
        return False
    return Membership.objects.filter(user=user, organisation_id=job.organisation_id).exists()


# Public summary and internal edition: staff only until staff publish them elsewhere.
# Feedback reports: staff, and the organisation's members once staff have released it.
PERMISSIONS = {
    "reports.download_report": is_done
    & (is_ai_office_staff | (is_released_feedback & is_member_of_report_organisation)),
    "reports.manage_reports": is_ai_office_staff,
}
