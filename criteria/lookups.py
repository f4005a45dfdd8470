"""Lookups for the API's criteria endpoints: a version of a set named by its own code,
through the selectors, so a set under a workshop the user may not see answers 404."""

from criteria import selectors
from criteria.models import CriteriaSet


def criteria_set(request, set_code: str) -> CriteriaSet:
    return selectors.criteria_set_get_for_user(code=set_code, user=request.user)
