"""Reminders before the deadline (beat task) and after it (staff click): each sent once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.models import OutgoingEmail
from reviews.models import ConflictRecord, ReminderLog, Review
from reviews.services.assignments import assignment_extend
from reviews.services.reminders import _send_once, reminders_send_due, reminders_send_late
from reviews.tasks import task_send_due_reminders
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    MembershipFactory,
    ReviewFactory,
    UserFactory,
    WorkshopFactory,
)

from .conftest import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def send_due(django_capture_on_commit_callbacks):
    def run(now) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send_due(now=now)

    return run


def stamps(kind="before"):
    return list(
        ReminderLog.objects.filter(kind=kind)
        .order_by("pk")
        .values_list("assignment__reviewer__email", "days_before", "deadline")
    )


def test_each_threshold_is_sent_once_across_runs(submission, rui, send_due):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    deadline = assignment.deadline

    sent = [
        send_due(deadline - timedelta(days=days_left))
        for days_left in (10, 7.5, 6.9, 6.9, 6, 2.5, 1.9, 1.9, 1, 0.1)
    ]

    assert sent == [0, 0, 1, 0, 0, 0, 1, 0, 0, 0]
    assert stamps() == [
        ("reviewer@example.org", 7, deadline),
        ("reviewer@example.org", 2, deadline),
    ]
    assert [m.subject for m in mail.outbox] == [
        "[GPAI evaluation portal] Reminder: your review is due within 7 days",
        "[GPAI evaluation portal] Reminder: your review is due within 2 days",
    ]
    assert mail.outbox[0].to == ["reviewer@example.org"]
    assert f"/reviews/{assignment.code}/" in mail.outbox[0].body


def test_nothing_after_the_deadline(submission, rui, send_due):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    assert send_due(assignment.deadline + timedelta(minutes=1)) == 0
    assert stamps() == []


def test_late_assignment_gets_only_the_most_urgent_reminder(submission, rui, send_due):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    deadline = assignment.deadline

    sent = [send_due(deadline - timedelta(days=d)) for d in (1.5, 1.5, 1, 0.5)]

    assert sent == [1, 0, 0, 0]
    assert stamps() == [("reviewer@example.org", 2, deadline)]


def test_extension_rearms_the_reminders(submission, rui, staff, send_due):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    first = assignment.deadline
    assert send_due(first - timedelta(days=1.9)) == 1

    second = first + timedelta(days=10)
    assignment_extend(assignment=assignment, deadline=second, user=staff)

    sent = [
        send_due(moment)
        for moment in (
            first - timedelta(days=1.8),  # 11.8 days left now: nothing crossed
            second - timedelta(days=6.5),
            second - timedelta(days=6.4),
            second - timedelta(days=1),
            second - timedelta(days=0.5),
        )
    ]

    assert sent == [0, 1, 0, 1, 0]
    assert stamps() == [
        ("reviewer@example.org", 2, first),
        ("reviewer@example.org", 7, second),
        ("reviewer@example.org", 2, second),
    ]


def test_only_open_visible_assignments_are_reminded(
    workshop, baltic_lab, submission, rui, send_due
):
    def reviewer(name):
        user = UserFactory(full_name=name, email=f"{name.lower()}@example.org")
        approve(user, workshop)
        return user

    AssignmentFactory(submission=submission, reviewer=rui)
    submitted = AssignmentFactory(submission=submission, reviewer=reviewer("Sam"))
    ReviewFactory(assignment=submitted, state=Review.State.SUBMITTED)
    drafting = AssignmentFactory(submission=submission, reviewer=reviewer("Dora"))
    ReviewFactory(assignment=drafting)
    AssignmentFactory(submission=submission, reviewer=reviewer("Dan"), state="declined")
    AssignmentFactory(submission=submission, reviewer=reviewer("Ana"), state="assigned")
    member = reviewer("Mia")
    MembershipFactory(organisation=baltic_lab, user=member)
    AssignmentFactory(submission=submission, reviewer=member)
    recorded = reviewer("Rex")
    AssignmentFactory(submission=submission, reviewer=recorded)
    ConflictRecord.objects.create(
        reviewer=recorded, submission=submission, action="recorded", reason="Rival."
    )
    withdrawn = CompleteSubmissionFactory(workshop=workshop, state="withdrawn")
    AssignmentFactory(submission=withdrawn, reviewer=rui)
    confidential = CompleteSubmissionFactory(
        workshop=workshop, state="eligible", confidentiality="ai_office_only"
    )
    AssignmentFactory(submission=confidential, reviewer=reviewer("Nic"))

    assert send_due(workshop.review_deadline - timedelta(days=1)) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.org",
        "dora@example.org",
        "reviewer@example.org",
    ]


def test_workshop_reminder_days_are_honoured(rui, send_due):
    workshop = WorkshopFactory(reminder_days="3")
    approve(rui, workshop)
    AssignmentFactory(submission__workshop=workshop, reviewer=rui)
    no_reminders = WorkshopFactory(reminder_days="")
    AssignmentFactory(submission__workshop=no_reminders, reviewer=rui)
    deadline = workshop.review_deadline

    assert [send_due(deadline - timedelta(days=d)) for d in (6, 2.9, 1)] == [0, 1, 0]
    assert [row[1] for row in stamps()] == [3]


def test_beat_task_sends_due_reminders(rui, django_capture_on_commit_callbacks):
    now = timezone.now()
    workshop = WorkshopFactory(
        submission_opens_at=now - timedelta(days=20),
        submission_closes_at=now - timedelta(days=5),
        review_deadline=now + timedelta(days=1),
    )
    approve(rui, workshop)
    AssignmentFactory(submission__workshop=workshop, reviewer=rui)

    with django_capture_on_commit_callbacks(execute=True):
        first = task_send_due_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = task_send_due_reminders.delay().get()

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1


# --- late reminders (one click) ---------------------------------------------------------------


@pytest.fixture
def late_setup(past_workshop):
    """Two late reviews (one not started, one drafted) and three that are not late."""
    submission = CompleteSubmissionFactory(workshop=past_workshop, state="eligible")
    users = {}
    for name in ("Lea", "Lou", "Sue", "Dee", "Eve"):
        users[name] = UserFactory(full_name=name, email=f"{name.lower()}@example.org")
        approve(users[name], past_workshop)
    AssignmentFactory(submission=submission, reviewer=users["Lea"], state="assigned")
    drafting = AssignmentFactory(submission=submission, reviewer=users["Lou"])
    ReviewFactory(assignment=drafting)
    submitted = AssignmentFactory(submission=submission, reviewer=users["Sue"])
    ReviewFactory(assignment=submitted, state=Review.State.SUBMITTED)
    AssignmentFactory(submission=submission, reviewer=users["Dee"], state="declined")
    AssignmentFactory(
        submission=submission,
        reviewer=users["Eve"],
        deadline_override=timezone.now() + timedelta(days=3),
    )
    return past_workshop


def test_remind_late_sends_once_and_a_second_click_sends_none(
    client, staff, late_setup, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = reverse("reviews:staff_remind_late", args=[late_setup.code])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, follow=True)

    assert sorted(m.to[0] for m in mail.outbox) == ["lea@example.org", "lou@example.org"]
    assert {m.subject for m in mail.outbox} == {"[GPAI evaluation portal] Your review is overdue"}
    assert [str(m) for m in first.context["messages"]] == [
        "2 reminders were sent to late reviewers."
    ]
    assert [str(m) for m in second.context["messages"]] == [
        "No reminder was sent: every late review was already reminded for its deadline."
    ]
    assert sorted(stamps("late")) == [
        ("lea@example.org", 0, late_setup.review_deadline),
        ("lou@example.org", 0, late_setup.review_deadline),
    ]
    assert ReminderLog.objects.get(assignment__reviewer__email="lea@example.org").sent_by == staff


def test_remind_late_needs_post(client, staff, late_setup):
    client.force_login(staff)
    response = client.get(reverse("reviews:staff_remind_late", args=[late_setup.code]))
    assert response.status_code == 405


def test_a_moved_deadline_can_be_reminded_again(staff, late_setup):
    assert reminders_send_late(workshop=late_setup, user=staff) == 2
    assignment = late_setup.assignments.get(reviewer__email="lea@example.org")
    assignment_extend(
        assignment=assignment, deadline=timezone.now() - timedelta(hours=1), user=staff
    )
    assert reminders_send_late(workshop=late_setup, user=staff) == 1
    assert reminders_send_late(workshop=late_setup, user=staff) == 0


def test_concurrent_send_is_stopped_by_the_unique_stamp(staff, late_setup):
    from reviews.selectors.progress import assignments_awaiting_review

    assignment = assignments_awaiting_review().get(reviewer__email="lea@example.org")
    now = timezone.now()
    # Two clicks that both passed the "not yet reminded" check: the second insert fails.
    first = _send_once(assignment=assignment, kind="late", days_before=0, user=staff, now=now)
    second = _send_once(assignment=assignment, kind="late", days_before=0, user=staff, now=now)
    assert (first, second) == (True, False)
    assert ReminderLog.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_clicks_send_each_reminder_once(staff, late_setup, monkeypatch):
    """Both requests pass the "not yet reminded" query before either inserts its stamp."""
    import threading

    from django.db import connection, connections

    from reviews.services import reminders

    if connection.vendor != "postgresql":
        pytest.skip("needs row locks between two connections (PostgreSQL)")
    barrier = threading.Barrier(2, timeout=10)
    visible = reminders._visible_to_reviewer

    def wait_then_filter(assignments):
        barrier.wait()
        return visible(assignments)

    monkeypatch.setattr(reminders, "_visible_to_reviewer", wait_then_filter)
    results = []

    def click():
        try:
            results.append(reminders_send_late(workshop=late_setup, user=staff))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # However the two requests interleave, each late review is stamped and emailed once.
    assert sum(results) == 2
    assert ReminderLog.objects.filter(kind="late").count() == 2
    assert OutgoingEmail.objects.count() == 2


def test_no_reminder_to_a_reviewer_who_withdrew(submission, rui, send_due):
    """The review page answers 404 to a reviewer no longer approved: no reminder sends
    them there."""
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    rui.reviewer_applications.filter(workshop=submission.workshop).update(state="withdrawn")

    assert send_due(assignment.deadline - timedelta(days=1.5)) == 0
    assert ReminderLog.objects.count() == 0
