"""Criteria sets through the API: AI Office staff only, as the browser's criteria pages.
Everyone else sees the workshop, so gets 403; a set under a workshop still in draft is seen
by staff alone, so everyone else gets 404."""

from criteria import services as criteria_services
from criteria.models import CriteriaSet
from tests.permissions.api_matrix import ApiRow, staff_only

READ = "criteria:read"
WRITE = "criteria:write"


def _set(w):
    return {"set_code": w.criteria_set.code}


def _draft_workshop_set(w):
    return {"set_code": CriteriaSet.objects.filter(workshop=w.draft_workshop).first().code}


def _export(w):
    text = criteria_services.criteria_set_export(criteria_set=w.criteria_set, format="json")
    return {"text": text, "format": "json"}


ROWS = [
    ApiRow("api:criteria-set-list", expect=staff_only(), scope=READ),
    ApiRow("api:criteria-set-detail", kwargs=_set, expect=staff_only(), scope=READ),
    ApiRow(
        "api:criteria-set-detail",
        state="draft workshop",
        kwargs=_draft_workshop_set,
        expect=staff_only(others=404),
        scope=READ,
    ),
    ApiRow("api:criteria-set-versions", kwargs=_set, expect=staff_only(), scope=READ),
    ApiRow("api:criteria-set-export", kwargs=_set, expect=staff_only(), scope=READ),
    ApiRow(
        "api:criteria-set-export",
        state="yaml",
        kwargs=_set,
        query="format=yaml",
        expect=staff_only(),
        scope=READ,
    ),
    # A format the portal does not write: a bad parameter (400) for staff, 403 still for
    # everyone else. (The browser names the format in the path, so answers 404 there.)
    ApiRow(
        "api:criteria-set-export",
        state="unknown format",
        kwargs=_set,
        query="format=xml",
        expect=staff_only(400),
        scope=READ,
    ),
    ApiRow(
        "api:criteria-set-import",
        method="POST",
        kwargs=lambda w: {"workshop_code": w.workshop.code},
        body=_export,
        expect=staff_only(200),
        scope=WRITE,
    ),
    ApiRow(
        "api:criteria-set-import",
        method="POST",
        state="draft workshop",
        kwargs=lambda w: {"workshop_code": w.draft_workshop.code},
        body=_export,
        expect=staff_only(200, others=404),
        scope=WRITE,
    ),
]
