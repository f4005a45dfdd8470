"""Lookups for `portal.permissions.permission_required`: the run a URL names, through the
selector (404 for whoever may not see it). The workshop: portal.lookups.workshop."""

from imports import selectors
from imports.models import ImportRun


def import_run(request, run_code: str) -> ImportRun:
    return selectors.import_run_get_for_user(code=run_code, user=request.user)
