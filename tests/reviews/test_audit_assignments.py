"""Assigning reviewers leaves its audit events: added, removed, extended, each with the
reviewer's id (never a name), the submission's code and what changed."""

from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import AuditEvent
from reviews.models import Assignment, Review
from reviews.services.assignments import assignment_create, assignment_extend, assignment_remove
from tests.factories import (
    CompleteSubmissionFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(workshop):
    return CompleteSubmissionFactory(
        workshop=workshop, organisation=OrganisationFactory(), state="eligible"
    )


@pytest.fixture
def rui(reviewer, workshop):
    ReviewerApplicationFactory(workshop=workshop, user=reviewer, state="approved")
    return reviewer


def test_assignment_added(submission, rui, staff):
    assignment = assignment_create(submission=submission, reviewer=rui, user=staff)

    event = AuditEvent.objects.get(action="assignment.added")
    assert (event.actor, event.actor_system) == (staff, "")
    assert (event.object_type, event.object_code) == ("assignment", assignment.code)
    assert event.workshop_id == submission.workshop_id
    assert event.changes == {}
    assert event.details == {
        "reviewer": rui.pk,
        "submission": submission.code,
        "source": "manual",
    }


def test_a_refused_assignment_leaves_no_event(submission, reviewer, staff):
    # `reviewer` is approved for another workshop only.
    with pytest.raises(ValidationError):
        assignment_create(submission=submission, reviewer=reviewer, user=staff)

    assert not AuditEvent.objects.exists()


def test_assignment_removed(submission, rui, staff):
    assignment = assignment_create(submission=submission, reviewer=rui, user=staff)

    assignment_remove(assignment=assignment, user=staff)

    event = AuditEvent.objects.get(action="assignment.removed")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("assignment", assignment.code)
    assert event.workshop_id == submission.workshop_id
    assert event.details == {
        "reviewer": rui.pk,
        "submission": submission.code,
        "source": "manual",
        "state": "assigned",
    }


def test_a_refused_removal_leaves_no_event(submission, rui, staff):
    assignment = assignment_create(submission=submission, reviewer=rui, user=staff)
    ReviewFactory(assignment=assignment, state=Review.State.SUBMITTED)

    with pytest.raises(ValidationError):
        assignment_remove(assignment=assignment, user=staff)

    assert not AuditEvent.objects.filter(action="assignment.removed").exists()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_assignment_extended(submission, rui, staff):
    assignment = assignment_create(submission=submission, reviewer=rui, user=staff)
    before = submission.workshop.review_deadline
    later = before + timedelta(days=3)

    assignment_extend(assignment=assignment, deadline=later, user=staff)

    event = AuditEvent.objects.get(action="assignment.extended")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("assignment", assignment.code)
    assert event.workshop_id == submission.workshop_id
    assert event.changes == {
        "deadline": [before.astimezone(UTC).isoformat(), later.astimezone(UTC).isoformat()]
    }
    assert event.details == {"reviewer": rui.pk, "submission": submission.code}


def test_an_extension_to_an_earlier_date_leaves_no_event(submission, rui, staff):
    assignment = assignment_create(submission=submission, reviewer=rui, user=staff)

    with pytest.raises(ValidationError):
        assignment_extend(
            assignment=assignment,
            deadline=submission.workshop.review_deadline - timedelta(days=1),
            user=staff,
        )

    assert not AuditEvent.objects.filter(action="assignment.extended").exists()


def test_assigning_through_the_page_names_the_request(client, submission, rui, staff):
    client.force_login(staff)
    code = rui.reviewer_applications.get(workshop=submission.workshop).code

    response = client.post(
        reverse("reviews:staff_assignment_add", args=[submission.code]), {"reviewer": code}
    )

    event = AuditEvent.objects.get(action="assignment.added")
    assert event.actor == staff
    assert event.request_id == response["X-Request-ID"]
    assert "reviewer@example.org" not in str(event.details)
