"""Lookups for `portal.permissions.permission_required`: the erasure request a URL names,
fetched through the selectors (404 for anyone but its person and AI Office staff)."""

from privacy import selectors
from privacy.models import ErasureRequest


def erasure_request(request, code: str) -> ErasureRequest:
    return selectors.erasure_request_get_for_user(code=code, user=request.user)
