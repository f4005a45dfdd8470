"""Lookups for `portal.permissions.permission_required`: the report job, quote or remark a
URL names, through the selectors, so that what the user may not see answers 404 before any
permission is checked. The workshop itself: portal.lookups.workshop."""

from portal import lookups as portal_lookups
from reports import selectors
from reports.models import FeedbackRemark, QuoteSelection, ReportJob


def job(request, workshop_code: str, job_code: str) -> ReportJob:
    workshop = portal_lookups.workshop(request, workshop_code)
    return selectors.report_job_get_for_user(workshop=workshop, code=job_code, user=request.user)


def job_file(request, job_code: str) -> ReportJob:
    return selectors.report_job_get_for_download(code=job_code, user=request.user)


def quote_selection(request, workshop_code: str, selection_code: str) -> QuoteSelection:
    workshop = portal_lookups.workshop(request, workshop_code)
    return selectors.quote_selection_get_for_user(
        workshop=workshop, code=selection_code, user=request.user
    )


def feedback_remark(request, workshop_code: str, organisation_code: str) -> FeedbackRemark:
    workshop = portal_lookups.workshop(request, workshop_code)
    return selectors.feedback_remark_get_for_user(
        workshop=workshop, organisation_code=organisation_code, user=request.user
    )


def job_by_code(request, job_code: str) -> ReportJob:
    return selectors.report_job_get_by_code_for_user(code=job_code, user=request.user)
