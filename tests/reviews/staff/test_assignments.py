"""Manual assignment: refusals with their reason, the email, removal and extension."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

from reviews.models import Assignment, Review
from reviews.services.assignments import (
    assignment_create,
    assignment_extend,
    assignment_remove,
)
from tests.audit_support import audit_event_queries
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    ReviewerApplicationFactory,
    ReviewFactory,
    UserFactory,
)

from .conftest import approve

pytestmark = pytest.mark.django_db


def refusal(submission, reviewer, staff) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        assignment_create(submission=submission, reviewer=reviewer, user=staff)
    return caught.value.messages


def review_link(assignment) -> str:
    try:
        path = reverse("reviews:review", args=[assignment.code])
    except NoReverseMatch:
        path = f"/reviews/{assignment.code}/"
    return settings.SITE_URL.rstrip("/") + path


def test_ai_office_only_refused_unless_cleared(workshop, baltic_lab, reviewer, staff):
    submission = CompleteSubmissionFactory(
        workshop=workshop,
        organisation=baltic_lab,
        state="eligible",
        confidentiality="ai_office_only",
    )
    application = approve(reviewer, workshop)

    assert refusal(submission, reviewer, staff) == [
        "Cannot assign Rui Reviewer: the submission is “AI Office only” and they are not "
        "cleared for such submissions."
    ]

    application.cleared_for_confidential = True
    application.save()
    assert assignment_create(submission=submission, reviewer=reviewer, user=staff).pk


@pytest.mark.parametrize("state", ["pending", "declined", "withdrawn", None])
def test_reviewer_not_approved_for_the_workshop_is_refused(submission, reviewer, staff, state):
    # `reviewer` is approved for another workshop only.
    if state:
        ReviewerApplicationFactory(workshop=submission.workshop, user=reviewer, state=state)
    assert refusal(submission, reviewer, staff) == [
        "Cannot assign Rui Reviewer: they are not an approved reviewer for this call."
    ]


@pytest.mark.parametrize("state", ["draft", "submitted", "not_eligible", "withdrawn"])
def test_submission_not_eligible_is_refused(workshop, baltic_lab, rui, staff, state):
    submission = CompleteSubmissionFactory(workshop=workshop, organisation=baltic_lab, state=state)
    label = dict(submission.State.choices)[state]
    assert refusal(submission, rui, staff) == [
        f"Cannot assign Rui Reviewer: only eligible submissions can be reviewed; "
        f"this one is “{label}”."
    ]


def test_already_assigned_or_declined_is_refused(submission, rui, staff):
    assignment = assignment_create(submission=submission, reviewer=rui, user=staff)
    assert refusal(submission, rui, staff) == [
        "Cannot assign Rui Reviewer: they are already assigned to this submission."
    ]
    assignment.state = Assignment.State.DECLINED
    assignment.save()
    assert refusal(submission, rui, staff) == [
        "Cannot assign Rui Reviewer: they declined this submission earlier."
    ]


def test_assignment_emails_the_reviewer_with_the_link(
    submission, rui, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_create(submission=submission, reviewer=rui, user=staff)

    assert assignment.state == Assignment.State.ASSIGNED
    assert assignment.workshop == submission.workshop
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reviewer@example.org"]
    assert message.subject == "[GPAI evaluation portal] You have a new evaluation to review"
    assert review_link(assignment) in message.body
    assert "Wet-lab uplift" in message.body


def test_assignment_queries_stay_small_for_bulk_use(
    submission, rui, staff, django_assert_max_num_queries
):
    # Application, existing pair, conflict records, memberships, ties, the insert and the
    # outbox row: seven queries, plus two savepoints (the service's and the insert's), each
    # opened and released, and the audit event.
    with django_assert_max_num_queries(11 + audit_event_queries()):
        assignment_create(submission=submission, reviewer=rui, user=staff)


def test_assign_through_the_page(
    client, staff, submission, rui, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    code = rui.reviewer_applications.get(workshop=submission.workshop).code
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:staff_assignment_add", args=[submission.code]), {"reviewer": code}
        )
    assert response.status_code == 302
    assert Assignment.objects.get().reviewer == rui
    assert mail.outbox[0].to == ["reviewer@example.org"]


def test_assign_conflicted_through_the_page_shows_the_reason(
    client, staff, submission, rui, baltic_lab
):
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=baltic_lab, user=rui)
    client.force_login(staff)
    code = rui.reviewer_applications.get(workshop=submission.workshop).code
    response = client.post(
        reverse("reviews:staff_assignment_add", args=[submission.code]), {"reviewer": code}
    )
    assert response.status_code == 400
    assert response.context["assign_form"].non_field_errors() == [
        "Cannot assign Rui Reviewer: Member of the submitting organisation (Baltic Lab)."
    ]
    assert "Member of the submitting organisation (Baltic Lab)." in response.content.decode()
    assert Assignment.objects.count() == 0


# --- removal -------------------------------------------------------------------------------


def test_remove_refused_after_a_submitted_review(client, staff, submission, rui):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    ReviewFactory(assignment=assignment, state=Review.State.SUBMITTED)

    with pytest.raises(ValidationError) as caught:
        assignment_remove(assignment=assignment, user=staff)

    assert caught.value.messages == [
        "Rui Reviewer has already submitted a review of this submission; the assignment "
        "cannot be removed."
    ]
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_remove_through_the_page_after_submitted_review_says_so(client, staff, submission, rui):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    ReviewFactory(assignment=assignment, state=Review.State.SUBMITTED)
    client.force_login(staff)
    url = reverse("reviews:staff_assignment_remove", args=[submission.code, assignment.code])

    response = client.post(url, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Rui Reviewer has already submitted a review of this submission; the assignment "
        "cannot be removed."
    ]
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_remove_with_draft_deletes_and_tells_the_reviewer(
    client, staff, submission, rui, django_capture_on_commit_callbacks
):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    ReviewFactory(assignment=assignment)
    client.force_login(staff)
    url = reverse("reviews:staff_assignment_remove", args=[submission.code, assignment.code])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert Assignment.objects.count() == 0
    assert Review.objects.count() == 0
    assert [m.subject for m in mail.outbox] == [
        "[GPAI evaluation portal] An evaluation was withdrawn from your reviews"
    ]


def test_remove_of_another_submissions_assignment_is_404(client, staff, submission, rui):
    other = AssignmentFactory(reviewer=rui)
    client.force_login(staff)
    url = reverse("reviews:staff_assignment_remove", args=[submission.code, other.code])
    assert client.post(url).status_code == 404
    assert Assignment.objects.filter(pk=other.pk).exists()


# --- extension -----------------------------------------------------------------------------


def test_extend_sets_the_override_and_must_be_later(submission, rui, staff):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    workshop_deadline = submission.workshop.review_deadline

    with pytest.raises(ValidationError) as too_early:
        assignment_extend(assignment=assignment, deadline=workshop_deadline, user=staff)
    later = workshop_deadline + timedelta(days=7)
    assignment_extend(assignment=assignment, deadline=later, user=staff)
    with pytest.raises(ValidationError):
        assignment_extend(assignment=assignment, deadline=later - timedelta(days=1), user=staff)

    assert list(too_early.value.message_dict) == ["deadline"]
    assignment.refresh_from_db()
    assert assignment.deadline_override == later
    assert assignment.deadline == later


def test_extend_of_declined_assignment_is_refused(submission, rui, staff):
    assignment = AssignmentFactory(submission=submission, reviewer=rui, state="declined")
    with pytest.raises(ValidationError) as caught:
        assignment_extend(
            assignment=assignment,
            deadline=submission.workshop.review_deadline + timedelta(days=3),
            user=staff,
        )
    assert caught.value.messages == [
        "The reviewer declined this assignment; there is nothing to extend."
    ]


def test_extend_form_reads_the_workshops_time_zone(
    client, staff, submission, rui, django_capture_on_commit_callbacks
):
    workshop = submission.workshop
    workshop.timezone = "America/New_York"
    workshop.save()
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    local = workshop.review_deadline.astimezone(workshop.tzinfo) + timedelta(days=10)
    typed = local.strftime("%Y-%m-%dT%H:%M")
    client.force_login(staff)
    url = reverse("reviews:staff_assignment_extend", args=[submission.code, assignment.code])

    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"deadline": typed})

    assert response.status_code == 302
    assignment.refresh_from_db()
    expected = datetime.strptime(typed, "%Y-%m-%dT%H:%M").replace(
        tzinfo=zoneinfo.ZoneInfo("America/New_York")
    )
    assert assignment.deadline_override == expected
    assert [m.subject for m in mail.outbox] == [
        "[GPAI evaluation portal] Your review deadline was extended"
    ]


def test_extend_form_refuses_a_deadline_before_the_current_one(client, staff, submission, rui):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    client.force_login(staff)
    url = reverse("reviews:staff_assignment_extend", args=[submission.code, assignment.code])
    earlier = submission.workshop.review_deadline.astimezone(submission.workshop.tzinfo)
    response = client.post(
        url, {"deadline": (earlier - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["deadline"]
    assignment.refresh_from_db()
    assert assignment.deadline_override is None


def test_extend_form_refuses_a_time_skipped_by_daylight_saving(client, staff, submission, rui):
    workshop = submission.workshop
    workshop.review_deadline = datetime(2027, 3, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))
    workshop.submission_closes_at = workshop.review_deadline - timedelta(days=10)
    workshop.submission_opens_at = workshop.review_deadline - timedelta(days=40)
    workshop.save()
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    client.force_login(staff)
    url = reverse("reviews:staff_assignment_extend", args=[submission.code, assignment.code])
    # 28 March 2027, 02:30 does not exist in Brussels.
    response = client.post(url, {"deadline": "2027-03-28T02:30"})
    assert response.status_code == 400
    assert "does not exist in Europe/Brussels" in response.context["form"].errors["deadline"][0]


def test_other_reviewer_is_unaffected_by_an_extension(submission, rui, staff):
    other = UserFactory()
    approve(other, submission.workshop)
    mine = AssignmentFactory(submission=submission, reviewer=rui)
    theirs = AssignmentFactory(submission=submission, reviewer=other)
    assignment_extend(
        assignment=mine,
        deadline=submission.workshop.review_deadline + timedelta(days=2),
        user=staff,
    )
    theirs.refresh_from_db()
    assert theirs.deadline == submission.workshop.review_deadline
