"""A person's data export, from the "Your data" section of their profile page: asking for
it, its progress (the JSON that static/portal/job-progress.js polls) and the download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.downloads import attachment_response, open_stored
from portal.permissions import permission_required
from privacy import lookups, selectors
from privacy.models import DataExport
from privacy.services.exports import data_export_download, data_export_request

PROFILE_SECTION = "#your-data"


def _profile():
    return redirect(reverse("portal:profile") + PROFILE_SECTION)


@permission_required("privacy.request_data_export")
@require_POST
def data_export_request_view(request):
    data_export_request(user=request.user)
    messages.success(
        request,
        _(
            "Your data export is being prepared. It takes a few minutes; this page shows "
            "its progress."
        ),
    )
    return _profile()


@permission_required("privacy.see_data_export", lookup=lookups.data_export)
@require_GET
def data_export_status(request, export: DataExport):
    response = JsonResponse(selectors.data_export_status(export))
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("privacy.download_data_export", lookup=lookups.data_export)
@require_GET
def data_export_download_view(request, export: DataExport):
    # Opened first: a file storage lost answers 404 and is not recorded as downloaded.
    handle = open_stored(export.file)
    try:
        data_export_download(export=export, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        handle.close()
        return _profile()
    day = timezone.localtime(export.finished_at).date().isoformat()
    return attachment_response(
        handle, filename=f"my-data-{day}.zip", content_type="application/zip"
    )
