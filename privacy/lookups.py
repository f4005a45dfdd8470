"""Lookups for `portal.permissions.permission_required`: a data export is found for its
owner only; anyone else, staff included, gets 404."""

from privacy import selectors
from privacy.models import DataExport


def data_export(request, export_code: str) -> DataExport:
    return selectors.data_export_get_for_owner(code=export_code, user=request.user)
