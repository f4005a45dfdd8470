"""Lookups for `portal.permissions.permission_required`: the object a URL names, fetched
through a selector, so that what the user may not see answers 404 before any permission
is checked."""

from portal import selectors
from portal.models import ApiToken, Organisation, Workshop


def workshop(request, workshop_code: str) -> Workshop:
    """The one workshop lookup: staff see every workshop, others the ones that opened."""
    return selectors.workshop_get_for_user(code=workshop_code, user=request.user)


def organisation(request, code: str) -> Organisation:
    return selectors.organisation_get_for_user(code=code, user=request.user)


def api_token(request, token_code: str) -> ApiToken:
    """Only the owner's own tokens: anyone else's answer 404."""
    return selectors.api_token_get_for_user(code=token_code, user=request.user)
