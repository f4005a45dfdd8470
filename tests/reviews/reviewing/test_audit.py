"""What reviewing writes to the audit log: answers to assignments, submits (never the text,
never a draft save), staff's reopening of a submitted review, and imports."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.concurrency import StaleEditError
from portal.models import AuditEvent
from reviews.models import Assignment, Review
from reviews.services import reviewing as services
from tests.audit_support import digest as _digest
from tests.audit_support import event as _event
from tests.audit_support import names as _names
from tests.factories import AssignmentFactory

from .conftest import approve, complete_input, form_data, submit_review

pytestmark = pytest.mark.django_db


# --- answering an assignment -----------------------------------------------------------------


@pytest.fixture
def unanswered(assignment):
    assignment.state = Assignment.State.ASSIGNED
    assignment.save(update_fields=["state"])
    return assignment


def test_assignment_accepted(unanswered, reviewer):
    services.assignment_accept(assignment=unanswered, user=reviewer)
    event = _event("assignment.accepted")
    assert _names(event) == (reviewer.pk, "assignment", unanswered.code, unanswered.workshop_id)
    assert event.changes == {"state": ["assigned", "accepted"]}
    assert event.details == {}


def test_assignment_declined_keeps_the_reason_as_its_hash(unanswered, reviewer):
    services.assignment_decline(assignment=unanswered, user=reviewer, reason="On parental leave.")
    event = _event("assignment.declined")
    assert _names(event) == (reviewer.pk, "assignment", unanswered.code, unanswered.workshop_id)
    assert event.changes == {"state": ["assigned", "declined"]}
    assert event.details == {"reason": _digest("On parental leave.")}


def test_answering_twice_is_refused_and_recorded_once(unanswered, reviewer):
    services.assignment_accept(assignment=unanswered, user=reviewer)
    with pytest.raises(ValidationError):
        services.assignment_decline(assignment=unanswered, user=reviewer, reason="Too late.")
    assert list(
        AuditEvent.objects.filter(object_type="assignment").values_list("action", flat=True)
    ) == ["assignment.accepted"]


# --- submitting ------------------------------------------------------------------------------


def test_review_submitted_and_the_version_frozen(assignment, reviewer, criteria_set):
    review = submit_review(assignment)
    event = _event("review.submitted")
    assert _names(event) == (reviewer.pk, "review", review.code, assignment.workshop_id)
    assert event.changes == {"state": ["draft", "submitted"]}
    assert event.details == {
        "assignment": assignment.code,
        "version": 1,
        "revision": review.revision,
        "scores": criteria_set.criteria.count(),
        "criteria_set": criteria_set.code,
        "criteria_set_version": criteria_set.version,
    }
    # A summary of the submit, not its text.
    assert "careful study" not in str(event.details)
    frozen = _event("criteria_set.frozen")
    assert _names(frozen) == (reviewer.pk, "criteriaset", criteria_set.code, assignment.workshop_id)
    assert frozen.details == {"version": criteria_set.version}


def test_submitting_again_is_recorded_again(assignment, reviewer, criteria_set):
    review = submit_review(assignment)
    services.review_submit(
        review=review,
        user=reviewer,
        revision=review.revision,
        data=complete_input(criteria_set, summary="Revised after reading the appendix."),
    )
    second = AuditEvent.objects.filter(action="review.submitted").latest("id")
    assert second.changes == {"state": ["submitted", "submitted"]}
    assert second.details["version"] == 2
    # The version froze on the first submit; once is recorded.
    assert AuditEvent.objects.filter(action="criteria_set.frozen").count() == 1


def test_draft_saves_and_autosaves_are_not_recorded(client, assignment, reviewer, criteria_set):
    review = services.review_get_or_create(assignment=assignment, user=reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:review_detail", args=[assignment.code]),
        form_data(review, data=complete_input(criteria_set)),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.revision == 2
    assert not AuditEvent.objects.filter(object_type="review").exists()


def test_a_refused_submit_leaves_no_row(assignment, reviewer):
    review = services.review_get_or_create(assignment=assignment, user=reviewer)
    with pytest.raises(ValidationError):
        services.review_submit(
            review=review, user=reviewer, revision=review.revision, data=services.ReviewInput()
        )
    assert not AuditEvent.objects.filter(
        action__in=["review.submitted", "criteria_set.frozen"]
    ).exists()


# --- reopening ---------------------------------------------------------------------------------


REASON = "Justify the score of the first criterion: the evidence is in appendix B."


def test_staff_reopen_a_submitted_review(
    assignment, reviewer, staff, django_capture_on_commit_callbacks
):
    review = submit_review(assignment)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reopen(review=review, user=staff, reason=REASON)

    review.refresh_from_db()
    assert review.state == Review.State.DRAFT
    assert review.versions.count() == 1
    event = _event("review.reopened")
    assert _names(event) == (staff.pk, "review", review.code, assignment.workshop_id)
    assert event.changes == {"state": ["submitted", "draft"]}
    assert event.details == {
        "assignment": assignment.code,
        "version": 1,
        "reason": _digest(REASON),
    }
    (message,) = mail.outbox
    assert message.to == [reviewer.email]
    assert message.subject == "[GPAI evaluation portal] Your review was reopened"
    assert REASON in message.body
    assert reverse("reviews:review_detail", args=[assignment.code]) in message.body


def test_reopened_review_is_written_and_submitted_again(assignment, reviewer, staff, criteria_set):
    review = submit_review(assignment)
    reopened = services.review_reopen(review=review, user=staff, reason=REASON)
    services.review_save_draft(
        review=reopened,
        user=reviewer,
        revision=reopened.revision,
        data=complete_input(criteria_set, summary="Half-way through the change."),
    )
    reopened.refresh_from_db()
    services.review_submit(
        review=reopened,
        user=reviewer,
        revision=reopened.revision,
        data=complete_input(criteria_set, summary="Now with appendix B."),
    )
    reopened.refresh_from_db()
    assert reopened.state == Review.State.SUBMITTED
    assert reopened.versions.count() == 2
    assert list(
        AuditEvent.objects.filter(object_type="review").order_by("id").values_list("action")
    ) == [("review.submitted",), ("review.reopened",), ("review.submitted",)]


def test_a_page_open_on_the_submitted_review_cannot_resubmit_unawares(
    assignment, reviewer, staff, criteria_set
):
    review = submit_review(assignment)
    services.review_reopen(review=review, user=staff, reason=REASON)
    with pytest.raises(StaleEditError):
        services.review_submit(
            review=review,
            user=reviewer,
            revision=review.revision,
            data=complete_input(criteria_set),
        )


@pytest.mark.parametrize("case", ["draft", "deadline passed", "no reason", "not staff"])
def test_refused_reopen_changes_and_records_nothing(assignment, reviewer, staff, case):
    if case == "draft":
        review = services.review_get_or_create(assignment=assignment, user=reviewer)
        kwargs, refused = {"user": staff, "reason": REASON}, ValidationError
    else:
        review = submit_review(assignment)
        kwargs, refused = {"user": staff, "reason": REASON}, ValidationError
        if case == "deadline passed":
            kwargs["now"] = assignment.deadline + timedelta(minutes=1)
        elif case == "no reason":
            kwargs["reason"] = "   "
        else:
            kwargs["user"], refused = reviewer, PermissionDenied
    state = review.state
    with pytest.raises(refused):
        services.review_reopen(review=review, **kwargs)
    review.refresh_from_db()
    assert review.state == state
    assert not AuditEvent.objects.filter(action="review.reopened").exists()
    assert not mail.outbox


def test_reopen_through_the_staff_page(
    client, assignment, staff, django_capture_on_commit_callbacks
):
    review = submit_review(assignment)
    submission = assignment.submission
    client.force_login(staff)
    reviewers_page = client.get(
        reverse("reviews:staff_submission_reviewers", args=[submission.code])
    )
    url = reverse("reviews:staff_review_reopen", args=[submission.code, assignment.code])
    assert url in reviewers_page.content.decode()

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["reopenable"] is True
    assert 'name="reason"' in page.content.decode()

    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert list(empty.context["form"].errors) == ["reason"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reviews:staff_submission_reviewers", args=[submission.code]
    )
    review.refresh_from_db()
    assert review.state == Review.State.DRAFT
    assert _event("review.reopened").actor_id == staff.pk
    assert len(mail.outbox) == 1


def test_reopen_page_after_the_deadline_says_to_extend_first(client, assignment, staff):
    submit_review(assignment)
    # As if the deadline had passed: an override in the past is this reviewer's deadline.
    Assignment.objects.filter(pk=assignment.pk).update(
        deadline_override=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(staff)
    url = reverse("reviews:staff_review_reopen", args=[assignment.submission.code, assignment.code])
    assert "Extend their deadline first" in client.get(url).content.decode()
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 400
    (message,) = response.context["form"].non_field_errors()
    assert message.startswith("The review deadline of Rui Reviewer has passed")
    assert Review.objects.get(assignment=assignment).state == Review.State.SUBMITTED


def test_reopen_of_a_review_not_started(client, submission, staff, second_reviewer):
    approve(second_reviewer, submission.workshop)
    fresh = AssignmentFactory(submission=submission, reviewer=second_reviewer)
    client.force_login(staff)
    url = reverse("reviews:staff_review_reopen", args=[submission.code, fresh.code])
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "The reviewer has not started this review."
    ]


# --- imports ---------------------------------------------------------------------------------


def test_reviews_imported_records_the_counts(
    assignment, submission, second_reviewer, staff, criteria_set
):
    now = timezone.now()
    items = [
        services.ImportedReview(
            submission=submission,
            reviewer=reviewer,
            submitted_at=now,
            data=complete_input(criteria_set),
        )
        for reviewer in (assignment.reviewer, second_reviewer)
    ]
    services.reviews_import(
        workshop=submission.workshop, criteria_set=criteria_set, items=items, created_by=staff
    )
    services.reviews_import(
        workshop=submission.workshop, criteria_set=criteria_set, items=items, created_by=staff
    )
    first, again = AuditEvent.objects.filter(action="reviews.imported").order_by("id")
    assert _names(first) == (staff.pk, "workshop", submission.workshop.code, submission.workshop_id)
    assert first.details == {
        "criteria_set": criteria_set.code,
        "criteria_set_version": criteria_set.version,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "assignments_created": 1,
        "assignments_accepted": 0,
    }
    assert again.details["unchanged"] == 2 and again.details["created"] == 0
    frozen = _event("criteria_set.frozen")
    assert frozen.actor_id == staff.pk
