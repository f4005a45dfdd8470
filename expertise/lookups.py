"""Lookups for `portal.permissions.permission_required`: the user's own publication, 404
for anyone else's."""

from expertise import selectors
from expertise.models import Publication


def publication(request, publication_code: str) -> Publication:
    return selectors.publication_get_for_user(user=request.user, code=publication_code)
