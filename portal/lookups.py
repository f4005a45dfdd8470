"""Lookups for `portal.permissions.permission_required`: the object a URL names, fetched
through a selector, so that what the user may not see answers 404 before any permission
is checked."""

from portal import selectors
from portal.models import Organisation, Workshop


def workshop(request, workshop_code: str) -> Workshop:
    """The one workshop lookup: staff see every workshop, others the ones that opened."""
    return selectors.workshop_get_for_user(code=workshop_code, user=request.user)


def organisation(request, code: str) -> Organisation:
    return selectors.organisation_get_for_user(code=code, user=request.user)
