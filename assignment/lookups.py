"""Lookups for `portal.permissions.permission_required`: the object an assignment URL names,
fetched through the selectors, so that what the user may not see answers 404."""

from assignment import selectors
from assignment.models import AssignmentRun, InstanceExport
from portal import lookups as portal_lookups
from portal.permissions import require_perm
from reviews.models import ReviewerApplication
from reviews.selectors.visibility import bidding_workshop_get


def bidding_application(request, workshop_code: str) -> ReviewerApplication:
    """The user's approved application to review the workshop, with its workshop: the
    bidding page exists only for them (404 for everyone else, staff included, and for a
    workshop staff hold back as a draft)."""
    workshop = portal_lookups.workshop(request, workshop_code)
    _workshop, application = bidding_workshop_get(code=workshop.code, user=request.user)
    return application


def run(request, workshop_code: str, run_code: str) -> AssignmentRun:
    """A run of the workshop. Runs are the staff's: whoever sees the workshop but may not
    manage its runs is refused (403) before the run code is read, so the answer never says
    whether a run exists; staff get 404 for a code that is not a run of this workshop."""
    workshop = portal_lookups.workshop(request, workshop_code)
    require_perm(request.user, "assignment.manage_runs", workshop)
    found = selectors.run_get_for_staff(workshop=workshop, code=run_code)
    found.workshop = workshop
    return found


def run_by_code(request, run_code: str) -> AssignmentRun:
    """A run named by its code alone (the API). As `run`, whoever may not manage runs is
    refused (403) before the code is read, so the answer never says whether a run exists;
    staff get 404 for an unknown code."""
    require_perm(request.user, "assignment.manage_runs", None)
    found = selectors.run_get_by_code_for_staff(code=run_code)
    # Staff see every workshop, drafts too: the workshop's lookup only confirms it.
    found.workshop = portal_lookups.workshop(request, found.workshop.code)
    return found


def instance_export(request, workshop_code: str, export_code: str) -> InstanceExport:
    """A matcher files export of the workshop: as `run`, refused (403) before the code is
    read to whoever may not manage runs; 404 for a code of no export of this workshop."""
    workshop = portal_lookups.workshop(request, workshop_code)
    require_perm(request.user, "assignment.manage_runs", workshop)
    found = selectors.instance_export_get_for_staff(workshop=workshop, code=export_code)
    found.workshop = workshop
    return found
