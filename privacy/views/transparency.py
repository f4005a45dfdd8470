"""The record of processing (Art. 31 of Regulation (EU) 2018/1725), public like the privacy
notice: EU institutions publish their records."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.permissions import permission_required
from privacy.transparency import transparency_facts


@permission_required("portal.view_public_pages", login_required=False)
@require_GET
def record_of_processing(request):
    return render(request, "privacy/record.html", {"facts": transparency_facts()})
