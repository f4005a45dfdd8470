"""Lookups for `portal.permissions.permission_required`, fetched through the selectors: an
erasure request is found for its person and AI Office staff, a data export for its owner
only (staff included, anyone else gets 404)."""

from privacy import selectors
from privacy.models import DataExport, ErasureRequest


def erasure_request(request, code: str) -> ErasureRequest:
    return selectors.erasure_request_get_for_user(code=code, user=request.user)


def data_export(request, export_code: str) -> DataExport:
    return selectors.data_export_get_for_owner(code=export_code, user=request.user)
