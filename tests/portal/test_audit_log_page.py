"""The staff's audit log page (portal:audit_log) and its CSV export: what a row shows,
the filters, the keyset pages, the download (recorded itself), and a constant number of
queries however long the log."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from portal.audit.context import set_request_id, system_actor
from portal.models import AuditEvent
from portal.services.audit import audit_record
from tests.factories import SubmissionFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

URL = reverse("portal:audit_log")
CSV_URL = reverse("portal:audit_log_csv")


def _bulk(count: int, **fields) -> list[AuditEvent]:
    """`count` events straight into the table (the chain does not matter for paging)."""
    start = AuditEvent.objects.count()
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            action=fields.get("action", "user.signed_in"),
            object_type=fields.get("object_type", "user"),
            object_code=fields.get("object_code", "1"),
            actor=fields.get("actor"),
            actor_system=fields.get("actor_system", ""),
            workshop=fields.get("workshop"),
            created_at=fields.get("created_at", datetime(2026, 5, 1, 12, tzinfo=UTC)),
            prev_hash="0" * 64,
            hash=f"{start + i:064x}",
        )
        for i in range(count)
    )


def _ids(response) -> list[int]:
    return [row["event"].id for row in response.context["rows"]]


# --- what a row shows -------------------------------------------------------------------


@pytest.fixture
def request_id():
    set_request_id("req-0123456789")
    yield "req-0123456789"
    set_request_id("")


def test_a_row_shows_actor_action_object_changes_and_request_id(
    client, staff, evaluator, request_id
):
    workshop = WorkshopFactory(title="Matrix call")
    submission = SubmissionFactory(workshop=workshop)
    audit_record(
        action="submission.screened",
        obj=submission,
        actor=evaluator,
        changes={"state": ["submitted", "eligible"], "note": ["", "x" * 300]},
        details={"reason": "in scope"},
    )
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    [row] = [r for r in response.context["rows"] if r["event"].action == "submission.screened"]
    assert (row["actor"], row["actor_email"]) == ("Erik Evaluator", "evaluator@example.org")
    assert row["action"] == "Submission screened"  # its label (submissions registers it)
    assert row["workshop"] == "Matrix call"
    assert row["object_url"] == reverse("submissions:detail", args=[submission.code])
    assert row["changes"] == [
        "note: changed (300 characters)",
        "state: submitted → eligible",
    ]
    assert row["details"] == ["reason: in scope"]
    page = response.content.decode()
    assert "state: submitted → eligible" in page
    assert "evaluator@example.org" in page
    assert row["event"].request_id == request_id
    assert request_id in page


def test_system_and_deleted_actors(client, staff):
    gone = UserFactory()
    audit_record(action="workshop.updated", object_type_name="workshop", code="x", actor=gone)
    gone_id = gone.pk
    gone.delete()
    with system_actor("task:reports.tasks.task_build_report"):
        audit_record(action="report.built", object_type_name="reportjob", code="r1")
    client.force_login(staff)

    response = client.get(URL)

    actors = {row["event"].action: row["actor"] for row in response.context["rows"]}
    assert actors["workshop.updated"] == f"deleted account #{gone_id}"
    assert actors["report.built"] == "system: task:reports.tasks.task_build_report"
    labels = {row["event"].action: row["action"] for row in response.context["rows"]}
    assert labels["workshop.updated"] == "Workshop updated"


# --- filters ------------------------------------------------------------------------------


def test_filters_by_workshop_actor_action_and_object(client, staff, evaluator, other_evaluator):
    first, second = WorkshopFactory(), WorkshopFactory()
    a = audit_record(action="workshop.updated", obj=first, actor=evaluator)
    b = audit_record(action="workshop.updated", obj=second, actor=other_evaluator)
    c = audit_record(action="workshop.created", obj=second, actor=evaluator)
    client.force_login(staff)

    assert _ids(client.get(URL, {"workshop": second.code})) == [c.id, b.id]
    assert _ids(client.get(URL, {"actor": "Evaluator@Example.org"})) == [c.id, a.id]
    assert _ids(client.get(URL, {"actor": str(other_evaluator.pk)})) == [b.id]
    assert _ids(client.get(URL, {"action": "workshop.updated", "workshop": second.code})) == [b.id]
    assert _ids(client.get(URL, {"object_type": "workshop", "object_code": first.code})) == [a.id]


def test_dates_are_days_in_the_viewers_time_zone(client, staff):
    staff.timezone = "Europe/Brussels"
    staff.save()
    # 23:30 UTC on 1 March is 00:30 on 2 March in Brussels.
    [late] = _bulk(1, created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    [early] = _bulk(1, created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    client.force_login(staff)

    assert _ids(client.get(URL, {"date_from": "2026-03-02"})) == [late.id]
    assert _ids(client.get(URL, {"date_to": "2026-03-01"})) == [early.id]
    assert _ids(client.get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-01"})) == [early.id]


def test_dates_find_events_recorded_out_of_time_order(client, staff):
    # An event's time is taken before it waits for the chain's lock: a later id may carry
    # an earlier time. The dates still find it (they bound the ids with a day's slack).
    staff.timezone = "UTC"
    staff.save()
    [first] = _bulk(1, created_at=datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    [waited] = _bulk(1, created_at=datetime(2026, 3, 5, 11, 0, tzinfo=UTC))
    [next_day] = _bulk(1, created_at=datetime(2026, 3, 6, 0, 0, tzinfo=UTC))
    [later] = _bulk(1, created_at=datetime(2026, 4, 1, tzinfo=UTC))
    client.force_login(staff)

    assert _ids(client.get(URL, {"date_from": "2026-03-05", "date_to": "2026-03-05"})) == [
        waited.id,
        first.id,
    ]
    assert _ids(client.get(URL, {"date_from": "2026-03-06"})) == [later.id, next_day.id]
    assert _ids(client.get(URL, {"date_to": "2026-03-06"})) == [next_day.id, waited.id, first.id]
    assert _ids(client.get(URL, {"date_to": "2020-01-01"})) == []
    assert _ids(client.get(URL, {"date_from": "2030-01-01"})) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"actor": "nobody@example.org"}, "No account has this email address."),
        ({"actor": "9" * 30}, "No account has this number."),
        ({"before": "abc"}, "Enter a whole number."),
        ({"before": "9" * 30}, "Ensure this value is less than or equal to"),
        ({"date_from": "2026-02-30"}, "Enter a valid date."),
        ({"date_from": "0001-01-01"}, "Choose a date between 1970 and 9998."),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "The end date is before"),
        ({"workshop": "nosuchcode"}, "Select a valid choice."),
        ({"action": "DROP TABLE"}, "Select a valid choice."),
        ({"object_type": "sub mission"}, "An object type is a single word"),
        ({"object_type": "user", "object_code": "a\x00b"}, "Null characters are not allowed."),
        ({"object_code": "abc"}, "Give the object type too."),
    ],
)
def test_refused_filters_answer_400_with_a_message(client, staff, query, message):
    _bulk(3)
    client.force_login(staff)

    response = client.get(URL, query)

    assert response.status_code == 400
    assert any(message in refusal for refusal in response.context["form"].refusals())
    # The list is still shown, without the refused value.
    assert len(response.context["rows"]) == 3


def test_an_action_not_in_the_registry_can_be_filtered(client, staff):
    event = audit_record(action="quote.selected", object_type_name="quote", code="q1")
    client.force_login(staff)

    response = client.get(URL, {"action": "quote.selected"})

    assert response.status_code == 200
    assert _ids(response) == [event.id]


# --- keyset pages ---------------------------------------------------------------------------


def test_keyset_pages_older_and_newer(client, staff):
    events = _bulk(120)
    ids = sorted((e.id for e in events), reverse=True)
    client.force_login(staff)

    first = client.get(URL)
    assert _ids(first) == ids[:50]
    assert first.context["page"].newer is None
    assert first.context["page"].older == ids[49]
    assert f"before={ids[49]}" in first.content.decode()

    second = client.get(URL, {"before": ids[49]})
    assert _ids(second) == ids[50:100]
    assert (second.context["page"].newer, second.context["page"].older) == (ids[50], ids[99])

    third = client.get(URL, {"before": ids[99]})
    assert _ids(third) == ids[100:]
    assert third.context["page"].older is None

    back = client.get(URL, {"after": third.context["page"].newer})
    assert _ids(back) == ids[50:100]
    newest = client.get(URL, {"after": ids[50]})
    assert _ids(newest) == ids[:50]
    assert newest.context["page"].newer is None


def test_keyset_pages_keep_the_filters(client, staff):
    workshop = WorkshopFactory()
    _bulk(60, workshop=workshop)
    _bulk(60)
    client.force_login(staff)

    first = client.get(URL, {"workshop": workshop.code})
    older = first.context["page"].older
    assert f"workshop={workshop.code}" in first.content.decode()
    second = client.get(URL, {"workshop": workshop.code, "before": older})
    assert len(second.context["rows"]) == 10
    assert {row["event"].workshop_id for row in second.context["rows"]} == {workshop.pk}


def test_keyset_pages_with_two_filters(client, staff, evaluator):
    # Two filters are read through both indexes and sorted (portal.audit.selectors.
    # newest_first): the pages are the same as with one.
    workshop = WorkshopFactory()
    wanted = _bulk(70, workshop=workshop, action="workshop.updated")
    _bulk(30, workshop=workshop, action="user.signed_in")
    _bulk(30, action="workshop.updated")
    ids = sorted((e.id for e in wanted), reverse=True)
    query = {"workshop": workshop.code, "action": "workshop.updated"}
    client.force_login(staff)

    first = client.get(URL, query)
    assert _ids(first) == ids[:50]
    second = client.get(URL, {**query, "before": first.context["page"].older})
    assert _ids(second) == ids[50:]
    assert second.context["page"].older is None
    back = client.get(URL, {**query, "after": second.context["page"].newer})
    assert _ids(back) == ids[:50]


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [60, 400])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # session, user, staff group, MFA check, workshops for the filter, the page
        ({}, 6),
        # ... and whether there are newer events
        ({"before": "paged"}, 7),
        # the actor's email resolved to an id, the page
        ({"actor": "evaluator@example.org"}, 7),
        # dates: the ids they bound are subqueries of the page's query
        ({"date_from": "2026-01-01", "date_to": "2026-12-31"}, 6),
    ],
)
def test_queries_do_not_grow_with_the_log(
    client, staff, evaluator, django_assert_num_queries, size, query, expected
):
    workshop = WorkshopFactory()
    events = _bulk(size, actor=evaluator, workshop=workshop)
    if query.get("before") == "paged":
        query = {"before": events[9].id}
    client.force_login(staff)

    with django_assert_num_queries(expected):
        response = client.get(URL, query)

    assert response.status_code == 200
    assert len(response.context["rows"]) == (9 if "before" in query else 50)


# --- CSV -----------------------------------------------------------------------------------


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_streams_every_matching_event_and_is_recorded(client, staff, evaluator):
    workshop = WorkshopFactory()
    audit_record(action="workshop.updated", obj=workshop, actor=evaluator)
    _bulk(70, workshop=workshop, action="workshop.updated", object_code="=HYPERLINK(1)")
    _bulk(5, action="user.signed_in")
    client.force_login(staff)

    response = client.get(CSV_URL, {"workshop": workshop.code, "action": "workshop.updated"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    rows = _csv(response)
    assert len(rows) == 71  # every page, not 50
    assert {row["action"] for row in rows} == {"workshop.updated"}
    by_actor = [row for row in rows if row["actor_id"] == str(evaluator.pk)]
    assert by_actor[0]["actor"] == "evaluator@example.org"
    assert by_actor[0]["workshop"] == workshop.code
    # A cell a spreadsheet would run as a formula is neutralised.
    assert {row["object_code"] for row in rows} >= {"'=HYPERLINK(1)"}

    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == staff.pk
    assert exported.workshop_id == workshop.pk
    assert exported.details == {
        "filters": {"workshop": workshop.code, "action": "workshop.updated"}
    }


def test_csv_with_a_refused_filter_is_not_made_nor_recorded(client, staff):
    client.force_login(staff)

    response = client.get(CSV_URL, {"actor": "nobody@example.org"})

    assert response.status_code == 400
    assert "No account has this email address." in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_csv_names_the_actor_by_id_in_the_recorded_filters(client, staff, evaluator):
    client.force_login(staff)

    client.get(CSV_URL, {"actor": evaluator.email, "date_from": "2026-01-01"})

    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.details == {"filters": {"actor": evaluator.pk, "date_from": "2026-01-01"}}
