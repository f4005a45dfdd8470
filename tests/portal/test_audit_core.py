"""The audit log's machinery: what a row holds, the hash chain, the PostgreSQL trigger,
`audit_verify`, the retention purge and the request id."""

import datetime as dt
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit.chain import GENESIS
from portal.audit.context import set_request_id, system_actor
from portal.audit.logging import RequestIdFilter
from portal.models import AuditEvent
from portal.services.audit import (
    audit_changes,
    audit_purge,
    audit_record,
    audit_verify,
    personal,
)
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the trigger exists on PostgreSQL only"
)


def _tamper(sql: str, params: list) -> None:
    """Change the table behind the portal's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_a_row_holds_actor_object_workshop_changes_and_request_id(evaluator, settings):
    settings.AUDIT_TEXT_LIMIT = 20
    workshop = WorkshopFactory()
    set_request_id("req-test-0001")
    event = audit_record(
        action="workshop.saved",
        obj=workshop,
        actor=evaluator,
        changes={
            "title": ("Old", "New"),
            "description": ("short", "a text much longer than twenty characters"),
            "email": (personal("a@example.org"), personal("b@example.org")),
            "api_token": ("x", "y"),
        },
        details={"reason": "typo", "when": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)},
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor, event.actor_system) == (evaluator, "")
    assert (event.object_type, event.object_code) == ("workshop", workshop.code)
    assert event.workshop_id == workshop.pk
    assert event.request_id == "req-test-0001"
    assert event.changes["title"] == ["Old", "New"]
    long_after = event.changes["description"][1]
    assert long_after["length"] == 41 and len(long_after["sha256"]) == 64
    assert event.changes["description"][0] == "short"
    assert "@" not in str(event.changes["email"])
    assert event.changes["api_token"] == ["[secret]", "[secret]"]
    assert event.details == {"reason": "typo", "when": "2026-01-02T03:04:00+00:00"}


def test_without_a_person_the_system_actor_is_named():
    with system_actor("command:retention"):
        event = audit_record(action="retention.applied", object_type_name="retention", code="")
    assert event.actor_id is None
    assert event.actor_system == "command:retention"
    assert len(event.request_id) == 32
    assert audit_record(action="x.done", object_type_name="x").actor_system == "system"


def test_audit_changes_keeps_only_what_differs():
    assert audit_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "b": [2, 3],
        "c": [None, 4],
    }


def test_rows_chain_and_verify_intact():
    events = [audit_record(action=f"thing.done{i}", object_type_name="thing") for i in range(3)]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    report = audit_verify()
    assert report.intact and report.checked == 3
    call_command("audit_verify")


def test_audit_verify_finds_a_row_altered_behind_its_back():
    events = [audit_record(action="thing.done", object_type_name="thing") for _ in range(4)]
    sql = "UPDATE portal_auditevent SET action = %s WHERE id = %s"
    _tamper(sql, ["thing.undone", events[2].id])
    report = audit_verify()
    assert report.broken_at == events[2].id
    assert report.checked == 2
    assert "content" in report.problem
    with pytest.raises(CommandError, match=f"broken at event {events[2].id}"):
        call_command("audit_verify")


def test_audit_verify_finds_a_row_removed_behind_its_back():
    events = [audit_record(action="thing.done", object_type_name="thing") for _ in range(4)]
    _tamper("DELETE FROM portal_auditevent WHERE id = %s", [events[1].id])
    report = audit_verify()
    assert report.broken_at == events[2].id
    assert "link" in report.problem


@needs_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE portal_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM portal_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete(sql):
    event = audit_record(action="thing.done", object_type_name="thing")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.id])
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.done"


@needs_postgresql
def test_the_orm_cannot_update_or_delete_either():
    event = audit_record(action="thing.done", object_type_name="thing")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="thing.undone")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk, action="thing.done").exists()


def test_purge_removes_old_rows_and_the_chain_stays_verifiable():
    now = timezone.now()
    old = [audit_record(action="old.done", object_type_name="thing") for _ in range(3)]
    _tamper(
        "UPDATE portal_auditevent SET created_at = %s WHERE id <= %s",
        [now - dt.timedelta(days=4000), old[-1].id],
    )
    # The tampered rows would not verify: purge them, as retention would.
    new = audit_record(action="new.done", object_type_name="thing")
    assert audit_purge(before=now - dt.timedelta(days=3650)) == 3
    remaining = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert remaining == ["new.done", "audit.purged"]
    purge = AuditEvent.objects.get(action="audit.purged")
    assert purge.details["count"] == 3 and purge.details["anchor"] == old[-1].hash
    assert AuditEvent.objects.get(pk=new.pk).prev_hash == old[-1].hash
    report = audit_verify()
    assert report.intact and report.checked == 2
    assert audit_purge(before=now - dt.timedelta(days=3650)) == 0


def test_a_request_id_is_on_the_response_the_event_and_the_log_line(client, evaluator):
    client.force_login(evaluator)
    response = client.post(
        reverse("portal:profile"),
        {"full_name": "Eva Renamed", "preferred_language": "en", "timezone": "Europe/Brussels"},
        headers={"X-Request-ID": "proxy-abc-12345"},
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "proxy-abc-12345"
    event = AuditEvent.objects.get(action="user.profile_updated")
    assert event.request_id == "proxy-abc-12345"
    assert event.actor == evaluator
    assert set(event.changes) == {"full_name"}
    assert "Eva" not in str(event.changes)

    record = logging.LogRecord("django.server", logging.INFO, "", 0, "POST /profile/", (), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "proxy-abc-12345"


def test_a_forged_request_id_is_replaced(client):
    response = client.get("/", headers={"X-Request-ID": "bad id\nwith a newline"})
    assert len(response["X-Request-ID"]) == 32 and "\n" not in response["X-Request-ID"]
