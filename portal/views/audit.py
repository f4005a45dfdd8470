"""The staff's audit log: filtered, paged by id, and downloadable as CSV."""

import csv
import json
from datetime import UTC

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.audit import display
from portal.audit.actions import action_label
from portal.audit.forms import AuditLogFilterForm
from portal.audit.selectors import audit_events, audit_events_page
from portal.csv import Echo, csv_safe
from portal.filters import filters_from, refused_export
from portal.models import AuditEvent, Workshop
from portal.permissions import permission_required
from portal.services.audit_exports import audit_log_export


def _filter_form(request) -> AuditLogFilterForm:
    workshops = list(Workshop.objects.only("code", "title").order_by("-submission_opens_at"))
    return filters_from(request, AuditLogFilterForm, workshops=workshops)


@permission_required("portal.view_audit_log")
@require_GET
def audit_log(request):
    form = _filter_form(request)
    filters = form.filters()
    page = audit_events_page(
        audit_events(**form.selector_filters()), before=filters["before"], after=filters["after"]
    )
    return render(
        request,
        "portal/staff/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": [display.staff_row(event) for event in page.events],
            "paged": filters["before"] is not None or filters["after"] is not None,
        },
        status=form.status,
    )


def _actor_cell(event: AuditEvent) -> str:
    # The email address identifies a person in a spreadsheet; the name alone may not.
    who, email = display.actor_for_staff(event)
    return email or who


CSV_COLUMNS = [
    ("id", lambda e: e.id),
    ("time_utc", lambda e: e.created_at.astimezone(UTC).isoformat()),
    ("actor_id", lambda e: e.actor_id or ""),
    ("actor", lambda e: _actor_cell(e)),
    ("action", lambda e: e.action),
    ("action_label", lambda e: action_label(e.action)),
    ("object_type", lambda e: e.object_type),
    ("object_code", lambda e: e.object_code),
    ("workshop", lambda e: e.workshop.code if e.workshop else (e.workshop_id or "")),
    ("changes", lambda e: json.dumps(e.changes, ensure_ascii=False, sort_keys=True)),
    ("details", lambda e: json.dumps(e.details, ensure_ascii=False, sort_keys=True)),
    ("request_id", lambda e: e.request_id),
    ("hash", lambda e: e.hash),
]


@permission_required("portal.view_audit_log")
@require_GET
def audit_log_csv(request):
    """Every event matching the page's filters (not only one page), streamed."""
    form = _filter_form(request)
    if form.errors:
        return refused_export(form)
    filters = form.selector_filters()
    audit_log_export(
        user=request.user, filters=form.recorded_filters(), workshop=filters["workshop"]
    )
    events = audit_events(**filters)
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow([name for name, _ in CSV_COLUMNS])
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow([csv_safe(get(event)) for _, get in CSV_COLUMNS])

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
