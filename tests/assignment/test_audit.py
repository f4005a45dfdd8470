"""Automatic assignment and bidding leave their audit events: bids, runs started, finished
(by the worker), failed, imported and published, hand edits of a proposal, changes in bulk
and the matcher files downloaded. A refused change leaves none."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assignment.interchange import assignment_run_import
from assignment.models import Bid, InstanceExport
from assignment.services.bids import bid_set
from assignment.services.bulk import BulkRow, assignments_bulk_apply
from assignment.services.proposal import proposed_pair_add, proposed_pair_remove
from assignment.services.publish import assignment_run_publish
from assignment.services.runs import assignment_run_create, assignment_run_execute
from assignment.services.ui import bids_update
from portal.audit.context import system_actor
from portal.models import AuditEvent
from portal.services.audit import audit_value
from reviews.models import Assignment
from tests.assignment.helpers import HAND_WEIGHTS, done_run, run_assignments_json
from tests.factories import AssignmentFactory
from tests.helpers import close_response

pytestmark = pytest.mark.django_db

TASK = "task:assignment.tasks.task_run_assignment"


def _settings(run) -> dict:
    # As the log keeps them: JSON-safe (numbers that are not whole as text).
    return audit_value(run.settings)


# --- bids -----------------------------------------------------------------------------------


@pytest.fixture
def pair(instance):
    return instance.submission("S1", areas=["cbrn"]), instance.reviewer("A")


def test_bid_set_records_the_value_before_and_after(pair):
    sub, reviewer = pair

    bid_set(reviewer=reviewer, submission=sub, value="eager")
    bid_set(reviewer=reviewer, submission=sub, value="willing")
    bid_set(reviewer=reviewer, submission=sub, value="willing")  # unchanged: no event

    bid = Bid.objects.get()
    first, second = AuditEvent.objects.filter(action="bid.set").order_by("id")
    assert (first.actor, first.actor_system) == (reviewer, "")
    assert (first.object_type, first.object_code) == ("bid", str(bid.pk))
    assert first.workshop_id == sub.workshop_id
    assert first.changes == {"value": [None, "eager"]}
    assert first.details == {"submission": sub.code}
    assert second.changes == {"value": ["eager", "willing"]}


def test_a_refused_bid_leaves_no_event(instance):
    sub = instance.submission("S1")
    sub.state = "submitted"
    sub.save()
    reviewer = instance.reviewer("A")

    with pytest.raises(ValidationError):
        bid_set(reviewer=reviewer, submission=sub, value="eager")

    assert not AuditEvent.objects.exists()


def test_a_page_of_bids_records_one_event_per_changed_bid(instance):
    s1, s2, s3 = (instance.submission(name) for name in ("S1", "S2", "S3"))
    reviewer = instance.reviewer("A")
    bid_set(reviewer=reviewer, submission=s1, value="eager")
    bid_set(reviewer=reviewer, submission=s2, value="willing")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    outcome = bids_update(
        reviewer=reviewer,
        submissions={s.code: s for s in (s1, s2, s3)},
        values={s1.code: "", s2.code: "willing", s3.code: "not_willing"},
    )

    assert outcome.saved == 2
    events = AuditEvent.objects.filter(id__gt=last).order_by("id")
    assert [(e.action, e.details["submission"], e.changes) for e in events] == [
        ("bid.withdrawn", s1.code, {"value": ["eager", None]}),
        ("bid.set", s3.code, {"value": [None, "not_willing"]}),
    ]
    assert {e.actor_id for e in events} == {reviewer.pk}


# --- runs -----------------------------------------------------------------------------------


def test_run_started_records_its_settings(hand_instance, staff):
    run = assignment_run_create(
        workshop=hand_instance.workshop, user=staff, settings={"k": 2, "coverage": True}
    )

    event = AuditEvent.objects.get(action="assignment_run.started")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("assignmentrun", run.code)
    assert event.workshop_id == hand_instance.workshop.pk
    assert event.details == {"settings": _settings(run)}
    assert event.details["settings"]["k"] == 2
    assert event.details["settings"]["coverage"] is True


def test_invalid_settings_leave_no_event(hand_instance, staff):
    with pytest.raises(ValidationError):
        assignment_run_create(workshop=hand_instance.workshop, user=staff, settings={"k": 0})

    assert not AuditEvent.objects.exists()


def test_run_finished_by_the_worker(hand_instance, staff):
    run = assignment_run_create(
        workshop=hand_instance.workshop,
        user=staff,
        settings={"k": 2, "weights": HAND_WEIGHTS.__dict__},
    )

    with system_actor(TASK):
        assignment_run_execute(run_id=run.pk)

    event = AuditEvent.objects.get(action="assignment_run.finished")
    assert (event.actor_id, event.actor_system) == (None, TASK)
    assert (event.object_type, event.object_code) == ("assignmentrun", run.code)
    assert event.workshop_id == hand_instance.workshop.pk
    assert event.details == {
        "requested_by": staff.pk,
        "solver": "min_cost_flow",
        "status": "optimal",
        "objective": "4.0",
        "pairs": 6,
        "kept_pairs": 0,
        "new_pairs": 6,
        "unfilled": 0,
        "coverage_requested": False,
        "coverage_held": True,
    }


def test_run_failed_by_the_worker(hand_instance, staff, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("solver exploded on reviewer@example.org")

    monkeypatch.setattr("assignment.services.runs.propose", broken)
    run = assignment_run_create(workshop=hand_instance.workshop, user=staff)

    with system_actor(TASK):
        assignment_run_execute(run_id=run.pk)

    event = AuditEvent.objects.get(action="assignment_run.failed")
    assert (event.actor_id, event.actor_system) == (None, TASK)
    assert event.object_code == run.code
    assert event.details == {"error_class": "RuntimeError", "requested_by": staff.pk}
    assert not AuditEvent.objects.filter(action="assignment_run.finished").exists()


def test_run_published_lists_what_it_added_and_removed(hand_instance, staff):
    s1, a = hand_instance.subs["S1"], hand_instance.revs["A"]
    dropped = AssignmentFactory(
        workshop=hand_instance.workshop, submission=s1, reviewer=a, source="manual"
    )
    run = done_run(hand_instance, staff, keep_existing=False)

    result = assignment_run_publish(run=run, user=staff)

    event = AuditEvent.objects.get(action="assignment_run.published")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("assignmentrun", run.code)
    assert event.workshop_id == hand_instance.workshop.pk
    created = Assignment.objects.filter(pk__in=result.created).select_related("submission")
    assert event.details["added"] == len(result.created) == 6
    assert event.details["removed"] == 1
    assert event.details["kept"] == 0
    assert sorted(event.details["added_assignments"]) == sorted(
        [a.code, a.submission.code, a.reviewer_id] for a in created
    )
    assert event.details["removed_assignments"] == [[dropped.code, s1.code, a.pk]]


def test_a_refused_publication_leaves_no_event(hand_instance, staff):
    run = done_run(hand_instance, staff)
    assignment_run_publish(run=run, user=staff)

    with pytest.raises(ValidationError):
        assignment_run_publish(run=run, user=staff)

    assert AuditEvent.objects.filter(action="assignment_run.published").count() == 1


def test_run_imported_from_the_matcher(hand_instance, staff):
    run = done_run(hand_instance, staff)
    last = AuditEvent.objects.order_by("-id").first().id

    imported = assignment_run_import(
        workshop=hand_instance.workshop,
        user=staff,
        assignments=json.dumps(run_assignments_json(run)),
    )

    event = AuditEvent.objects.get(id__gt=last)
    assert event.action == "assignment_run.imported"
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("assignmentrun", imported.code)
    assert event.details == {
        "pairs": 6,
        "objective": audit_value(imported.summary["objective"]),
        "settings": _settings(imported),
    }


# --- hand edits -----------------------------------------------------------------------------


def test_proposed_pair_added_and_removed(hand_instance, staff):
    run = done_run(hand_instance, staff)
    s2, b = hand_instance.subs["S2"], hand_instance.revs["B"]

    pair = proposed_pair_add(run=run, submission=s2, reviewer=b, user=staff)
    pair_id = pair.pk
    proposed_pair_remove(pair=pair, user=staff)

    added = AuditEvent.objects.get(action="proposed_pair.added")
    removed = AuditEvent.objects.get(action="proposed_pair.removed")
    for event in (added, removed):
        assert event.actor == staff
        assert (event.object_type, event.object_code) == ("proposedpair", str(pair_id))
        assert event.workshop_id == hand_instance.workshop.pk
        assert event.details == {
            "run": run.code,
            "submission": s2.code,
            "reviewer": b.pk,
            "kept": False,
        }


def test_a_refused_hand_edit_leaves_no_event(hand_instance, staff):
    run = done_run(hand_instance, staff)
    pair = run.pairs.first()

    with pytest.raises(ValidationError):
        proposed_pair_add(run=run, submission=pair.submission, reviewer=pair.reviewer, user=staff)

    assert not AuditEvent.objects.filter(action__startswith="proposed_pair.").exists()


# --- in bulk --------------------------------------------------------------------------------


def _code(instance, name):
    return instance.revs[name].reviewer_applications.get(workshop=instance.workshop).code


def test_bulk_applied_with_one_event_per_row(hand_instance, staff):
    s1, s2 = hand_instance.subs["S1"], hand_instance.subs["S2"]
    removed = AssignmentFactory(
        workshop=hand_instance.workshop, submission=s2, reviewer=hand_instance.revs["C"]
    )
    rows = [
        BulkRow(submission=s1.code, reviewer=_code(hand_instance, "A")),
        BulkRow(submission=s1.code, reviewer=_code(hand_instance, "B")),
        BulkRow(submission=s2.code, reviewer=_code(hand_instance, "C"), action="remove"),
    ]

    result = assignments_bulk_apply(
        workshop=hand_instance.workshop, user=staff, rows=rows, dry_run=False
    )

    assert result.applied
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == [
        "assignment.added",
        "assignment.added",
        "assignment.removed",
        "assignment.bulk_applied",
    ]
    assert [e.object_code for e in events[:3]] == [o.assignment for o in result.outcomes]
    assert events[2].object_code == removed.code
    summary = events[3]
    assert summary.actor == staff
    assert (summary.object_type, summary.object_code) == ("workshop", hand_instance.workshop.code)
    assert summary.details == {"rows": 3, "assigned": 2, "removed": 1}


@pytest.mark.parametrize("dry_run", [True, False])
def test_bulk_dry_run_or_refused_leaves_no_event(hand_instance, staff, dry_run):
    s1 = hand_instance.subs["S1"]
    rows = [BulkRow(submission=s1.code, reviewer=_code(hand_instance, "A"))]
    if not dry_run:
        rows.append(BulkRow(submission="nope", reviewer=_code(hand_instance, "B")))

    assignments_bulk_apply(workshop=hand_instance.workshop, user=staff, rows=rows, dry_run=dry_run)

    assert not AuditEvent.objects.exists()


# --- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["scores", "all"])
def test_matcher_files_downloaded(
    client, staff, hand_instance, kind, django_capture_on_commit_callbacks
):
    run = done_run(hand_instance, staff)
    client.force_login(staff)
    url = reverse("assignment:export", args=[hand_instance.workshop.code, kind])
    last = AuditEvent.objects.order_by("-id").first().id

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"run": run.code, "reviewer_key": "email"})
    export = InstanceExport.objects.get()
    asked, built = AuditEvent.objects.filter(id__gt=last).order_by("id")
    last = built.id
    response = client.get(
        reverse("assignment:export_download", args=[hand_instance.workshop.code, export.code])
    )
    close_response(response)

    assert response.status_code == 200
    assert asked.action == "instance_export.requested"
    assert asked.actor == staff
    assert asked.details == {
        "export": export.code,
        "files": kind,
        "reviewer_key": "email",
        "run": run.code,
    }
    assert built.action == "instance_export.built"
    assert built.details["export"] == export.code
    event = AuditEvent.objects.get(id__gt=last)
    assert event.action == "assignment_instance.exported"
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("workshop", hand_instance.workshop.code)
    assert event.details == {"files": kind, "reviewer_key": "email", "run": run.code}
    assert event.request_id == response["X-Request-ID"]


def test_a_refused_matcher_download_leaves_no_event(client, staff, hand_instance):
    client.force_login(staff)
    url = reverse("assignment:export", args=[hand_instance.workshop.code, "scores"])

    response = client.post(url, {"reviewer_key": "name"})

    assert response.status_code == 400
    assert not AuditEvent.objects.exists()
