"""Criteria sets: staff pages only. Everyone else sees the workshop, so gets 403; a workshop
still in draft is seen by staff alone, so everyone else gets 404 for what is under it."""

from criteria import services as criteria_services
from tests.permissions.matrix import REDIRECT, Row, staff_only


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _group(w):
    return {**_workshop(w), "group_code": w.criteria_group.code}


def _criterion(w):
    return {**_workshop(w), "criterion_code": w.criterion.code}


def _set(w):
    return {**_workshop(w), "set_code": w.criteria_set.code}


def _criterion_form(w):
    levels = {
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "20",
        "levels-0-level": "0",
        "levels-0-descriptor": "Absent",
        "levels-1-level": "1",
        "levels-1-descriptor": "Present",
    }
    return {
        "group": w.criteria_group.code,
        "code": "MATRIX-1",
        "title": "Matrix criterion",
        "weight": "1",
        "justification_required": "on",
        **levels,
    }


def _export(w):
    text = criteria_services.criteria_set_export(criteria_set=w.criteria_set, format="json")
    return {"text": text, "format": "json"}


def _move(w):
    return {"direction": "down"}


ROWS = [
    Row("criteria:overview", kwargs=_workshop, get=staff_only()),
    Row(
        "criteria:overview",
        state="draft workshop",
        kwargs=lambda w: {"workshop_code": w.draft_workshop.code},
        get=staff_only(others=404),
    ),
    Row(
        "criteria:create_default",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
    ),
    Row(
        "criteria:new_version",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
    ),
    Row(
        "criteria:editor",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=lambda w: {"title": "Renamed set", "description": ""},
    ),
    Row(
        "criteria:import",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=_export,
    ),
    Row(
        "criteria:group_create",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=lambda w: {"code": "MATRIX", "title": "Matrix group"},
    ),
    Row(
        "criteria:group_edit",
        kwargs=_group,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=lambda w: {"code": w.criteria_group.code, "title": "Renamed group"},
    ),
    Row("criteria:group_delete", kwargs=_group, get=staff_only(), post=staff_only(REDIRECT)),
    Row(
        "criteria:group_move",
        kwargs=_group,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=_move,
    ),
    Row(
        "criteria:criterion_create",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=_criterion_form,
    ),
    Row(
        "criteria:criterion_edit",
        kwargs=_criterion,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=lambda w: {**_criterion_form(w), "code": w.criterion.code},
    ),
    Row(
        "criteria:criterion_delete",
        kwargs=_criterion,
        get=staff_only(),
        post=staff_only(REDIRECT),
    ),
    Row(
        "criteria:criterion_move",
        kwargs=_criterion,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=_move,
    ),
    Row(
        "criteria:translations",
        kwargs=lambda w: {**_workshop(w), "language": "de"},
        get=staff_only(),
        # Nothing entered: every criterion keeps having no German text.
        post=staff_only(REDIRECT),
        data=lambda w: {f"g-{w.criteria_group.code}-title": ""},
    ),
    # A language the portal does not speak (or English, the source): 404 for staff alone.
    Row(
        "criteria:translations",
        state="unknown language",
        kwargs=lambda w: {**_workshop(w), "language": "en"},
        get=staff_only(404),
    ),
    Row(
        "criteria:translations",
        state="draft workshop",
        kwargs=lambda w: {"workshop_code": w.draft_workshop.code, "language": "fr"},
        get=staff_only(others=404),
    ),
    Row("criteria:preview", kwargs=_set, get=staff_only()),
    Row("criteria:export", kwargs=lambda w: {**_set(w), "format": "json"}, get=staff_only()),
    Row(
        "criteria:export",
        state="yaml",
        kwargs=lambda w: {**_set(w), "format": "yaml"},
        get=staff_only(),
    ),
    # A format the portal does not write: 404 for staff, 403 still for everyone else.
    Row(
        "criteria:export",
        state="unknown format",
        kwargs=lambda w: {**_set(w), "format": "xml"},
        get=staff_only(404),
    ),
]
