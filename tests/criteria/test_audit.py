"""What the criteria services write to the audit log: the set, its groups and criteria
(named by their codes, which every version keeps), versions, imports and exports."""

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from criteria import services
from criteria.models import CriteriaSet
from portal.models import AuditEvent
from tests.audit_support import event as _event
from tests.audit_support import names as _names
from tests.factories import WorkshopFactory

from .test_views import _criterion_post

pytestmark = pytest.mark.django_db


def _url(name, workshop, *args):
    return reverse(f"criteria:{name}", args=[workshop.code, *args])


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def first_criterion(criteria_set):
    return criteria_set.criteria.select_related("group").order_by("group__position", "position")[0]


def _freeze(criteria_set, user=None):
    return services.criteria_set_freeze(criteria_set=criteria_set, user=user)


# --- the set -------------------------------------------------------------------------------


def test_a_new_workshops_default_set_is_part_of_the_workshops_creation():
    # Made in the workshop's transaction by a signal: the workshop's own event covers it.
    WorkshopFactory()
    assert not AuditEvent.objects.filter(action="criteria_set.created").exists()


def test_staff_create_the_default_set(staff_client, staff, workshop):
    CriteriaSet.objects.filter(workshop=workshop).delete()
    assert staff_client.post(_url("create_default", workshop)).status_code == 302
    event = AuditEvent.objects.filter(action="criteria_set.created").latest("id")
    assert event.actor_id == staff.pk
    assert event.object_code == CriteriaSet.objects.get(workshop=workshop).code


def test_set_updated_through_the_editor(staff_client, staff, workshop, criteria_set, settings):
    settings.AUDIT_TEXT_LIMIT = 20
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(title="Old", description="Short.")
    response = staff_client.post(
        _url("editor", workshop),
        {"title": "Criteria 2027", "description": "Adapted from the Code of Practice."},
    )
    assert response.status_code == 302
    event = _event("criteria_set.updated")
    assert _names(event) == (staff.pk, "criteriaset", criteria_set.code, workshop.pk)
    long = "Adapted from the Code of Practice."
    assert event.changes == {
        "title": ["Old", "Criteria 2027"],
        # Longer than the limit: its hash and length.
        "description": [
            "Short.",
            {"sha256": hashlib.sha256(long.encode()).hexdigest(), "length": len(long)},
        ],
    }
    assert event.details == {"version": 1}


def test_new_version_is_published(staff_client, staff, workshop, criteria_set):
    assert staff_client.post(_url("new_version", workshop)).status_code == 302
    created = CriteriaSet.objects.get(workshop=workshop, version=2)
    event = _event("criteria_set.version_published")
    assert _names(event) == (staff.pk, "criteriaset", created.code, workshop.pk)
    assert event.details == {
        "version": 2,
        "based_on": criteria_set.code,
        "based_on_version": 1,
    }


def test_exported_download_is_recorded(staff_client, staff, workshop, criteria_set):
    response = staff_client.get(_url("export", workshop, criteria_set.code, "yaml"))
    assert response.status_code == 200
    event = _event("criteria_set.exported")
    assert _names(event) == (staff.pk, "criteriaset", criteria_set.code, workshop.pk)
    assert event.details == {"format": "yaml", "version": 1}


def test_imported_with_counts(staff, workshop, criteria_set):
    text = services.criteria_set_export(criteria_set=criteria_set, format="json")
    content = json.loads(text)
    content["groups"] = content["groups"][:1]
    _freeze(criteria_set)
    imported = services.criteria_set_import(
        workshop=workshop, text=json.dumps(content), format="json", user=staff
    )
    event = _event("criteria_set.imported")
    assert _names(event) == (staff.pk, "criteriaset", imported.code, workshop.pk)
    assert event.details == {
        "format": "json",
        "version": 2,
        "new_version": True,
        "based_on": criteria_set.code,
        "groups": 1,
        "criteria": len(content["groups"][0]["criteria"]),
    }


def test_a_refused_import_leaves_no_row(staff, workshop, criteria_set):
    with pytest.raises(ValidationError):
        services.criteria_set_import(workshop=workshop, text="{", format="json", user=staff)
    assert not AuditEvent.objects.filter(action="criteria_set.imported").exists()


# --- groups ----------------------------------------------------------------------------------


def test_group_created_renamed_moved_and_deleted(staff_client, staff, workshop, criteria_set):
    assert (
        staff_client.post(
            _url("group_create", workshop), {"code": "NEW", "title": "New group"}
        ).status_code
        == 302
    )
    assert (
        staff_client.post(
            _url("group_edit", workshop, "NEW"), {"code": "NEW", "title": "Renamed group"}
        ).status_code
        == 302
    )
    last = criteria_set.groups.count() - 1
    staff_client.post(_url("group_move", workshop, "NEW"), {"direction": "up"})
    staff_client.post(_url("group_delete", workshop, "NEW"))

    events = list(
        AuditEvent.objects.filter(object_type="criteriongroup", object_code="NEW").order_by("id")
    )
    assert [(e.action, e.actor_id, e.workshop_id) for e in events] == [
        ("criterion_group.saved", staff.pk, workshop.pk),
        ("criterion_group.saved", staff.pk, workshop.pk),
        ("criterion_group.moved", staff.pk, workshop.pk),
        ("criterion_group.deleted", staff.pk, workshop.pk),
    ]
    created, renamed, moved, deleted = events
    set_details = {"criteria_set": criteria_set.code, "version": 1}
    assert created.changes == {"code": [None, "NEW"], "title": [None, "New group"]}
    assert created.details == {**set_details, "created": True}
    assert renamed.changes == {"title": ["New group", "Renamed group"]}
    assert renamed.details == {**set_details, "created": False}
    assert moved.changes == {"position": [last, last - 1]}
    assert moved.details == {**set_details, "direction": "up"}
    assert deleted.changes == {}
    assert deleted.details == {**set_details, "criteria": []}


# --- criteria --------------------------------------------------------------------------------


def test_criterion_saved_through_the_view_has_before_and_after(
    staff_client, staff, workshop, criteria_set, first_criterion
):
    before = first_criterion
    response = staff_client.post(
        _url("criterion_edit", workshop, before.code),
        _criterion_post(group=before.group.code, code=before.code, title="Sharper title"),
    )
    assert response.status_code == 302
    event = _event("criterion.saved")
    assert _names(event) == (staff.pk, "criterion", before.code, workshop.pk)
    assert event.details == {"criteria_set": criteria_set.code, "version": 1, "created": False}
    assert event.changes["title"] == [before.title, "Sharper title"]
    assert event.changes["weight"] == [str(before.weight), "1.50"]
    assert event.changes["levels"][1] == [
        {"level": 0, "descriptor": "No calibration"},
        {"level": 1, "descriptor": "Some agreement reported"},
        {"level": 2, "descriptor": "Calibrated against experts"},
    ]
    assert "group" not in event.changes and "code" not in event.changes


def test_criterion_created_in_a_frozen_version_lands_in_the_next(
    staff_client, staff, workshop, criteria_set
):
    _freeze(criteria_set)
    group = criteria_set.groups.order_by("position")[0]
    response = staff_client.post(
        _url("criterion_create", workshop), _criterion_post(group=group.code)
    )
    assert response.status_code == 302
    version_2 = CriteriaSet.objects.get(workshop=workshop, version=2)
    assert [e.action for e in AuditEvent.objects.filter(actor=staff).order_by("id")] == [
        "criteria_set.version_published",
        "criterion.saved",
    ]
    event = _event("criterion.saved")
    assert _names(event) == (staff.pk, "criterion", "VAL-4", workshop.pk)
    assert event.details == {"criteria_set": version_2.code, "version": 2, "created": True}
    assert event.changes["code"] == [None, "VAL-4"]
    assert event.changes["group"] == [None, group.code]
    assert event.changes["allow_na"] == [None, True]


def test_criterion_moved_and_deleted(staff, workshop, criteria_set, first_criterion):
    services.criterion_move(criterion=first_criterion, direction="down", user=staff)
    services.criterion_delete(criterion=first_criterion, user=staff)
    moved, deleted = AuditEvent.objects.filter(object_type="criterion").order_by("id")
    assert _names(moved) == (staff.pk, "criterion", first_criterion.code, workshop.pk)
    assert moved.action == "criterion.moved"
    assert moved.changes == {"position": [0, 1]}
    assert _names(deleted) == (staff.pk, "criterion", first_criterion.code, workshop.pk)
    assert deleted.action == "criterion.deleted"
    assert deleted.details == {
        "criteria_set": criteria_set.code,
        "version": 1,
        "group": first_criterion.group.code,
    }


def test_refused_edits_leave_no_row(staff, criteria_set, first_criterion):
    with pytest.raises(ValidationError):
        services.criterion_move(criterion=first_criterion, direction="up", user=staff)
    with pytest.raises(ValidationError):
        services.criterion_save(
            criteria_set=criteria_set,
            group=first_criterion.group,
            criterion=first_criterion,
            code="has spaces",
            title=first_criterion.title,
            levels=first_criterion.levels,
            user=staff,
        )
    assert not AuditEvent.objects.filter(object_type="criterion").exists()
