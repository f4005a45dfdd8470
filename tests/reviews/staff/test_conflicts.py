"""Conflicts of interest refuse an assignment with the reason; staff decisions are kept."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.models import Assignment, ConflictRecord
from reviews.selectors import has_conflict
from reviews.services.assignments import assignment_create
from reviews.services.conflicts import conflict_dismiss, conflict_record, conflict_revoke
from submissions.models import Provider
from tests.factories import (
    CompleteSubmissionFactory,
    MembershipFactory,
    ReviewerTieFactory,
)

from .conftest import approve

pytestmark = pytest.mark.django_db

Action = ConflictRecord.Action


def refusal(submission, reviewer, staff) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        assignment_create(submission=submission, reviewer=reviewer, user=staff)
    assert not Assignment.objects.filter(submission=submission, reviewer=reviewer).exists()
    return caught.value.messages


def test_refused_for_member_of_submitting_organisation(submission, rui, baltic_lab, staff):
    MembershipFactory(organisation=baltic_lab, user=rui)
    assert refusal(submission, rui, staff) == [
        "Cannot assign Rui Reviewer: Member of the submitting organisation (Baltic Lab)."
    ]


def test_refused_for_tie_to_submitting_organisation(submission, rui, baltic_lab, staff):
    ReviewerTieFactory(user=rui, organisation=baltic_lab, tie_type="employment")
    assert refusal(submission, rui, staff) == [
        "Cannot assign Rui Reviewer: Declared tie (Employment) to the submitting "
        "organisation Baltic Lab."
    ]


def test_refused_for_tie_to_model_provider(submission, rui, staff):
    ReviewerTieFactory(
        user=rui,
        organisation=None,
        provider=Provider.objects.get(name="Mistral AI"),
        tie_type="funding",
    )
    assert refusal(submission, rui, staff) == [
        "Cannot assign Rui Reviewer: Declared tie (Funding) to the model provider Mistral AI."
    ]


def test_refused_for_staff_recorded_conflict(submission, rui, staff):
    conflict_record(
        reviewer=rui, submission=submission, reason="Former PhD supervisor.", user=staff
    )
    assert refusal(submission, rui, staff) == [
        "Cannot assign Rui Reviewer: Conflict recorded by staff: Former PhD supervisor."
    ]


def test_refused_for_conflicted_reviewer_persona(
    workshop, organisation, conflicted_reviewer, staff
):
    approve(conflicted_reviewer, workshop)
    submission = CompleteSubmissionFactory(
        workshop=workshop, organisation=organisation, state="eligible"
    )
    assert refusal(submission, conflicted_reviewer, staff) == [
        "Cannot assign Cora Conflicted: Declared tie (Employment) to the submitting "
        "organisation Centre for Frontier Model Evaluation."
    ]


def test_ended_tie_is_no_conflict(submission, rui, baltic_lab, staff):
    from django.utils import timezone

    ReviewerTieFactory(user=rui, organisation=baltic_lab, ended_at=timezone.now())
    assignment = assignment_create(submission=submission, reviewer=rui, user=staff)
    assert assignment.reviewer == rui


def test_dismissal_allows_assignment_and_trail_keeps_both_rows(submission, rui, baltic_lab, staff):
    MembershipFactory(organisation=baltic_lab, user=rui)
    refusal(submission, rui, staff)

    dismissed = conflict_dismiss(
        reviewer=rui, submission=submission, reason="Left Baltic Lab in 2019.", user=staff
    )
    assignment = assignment_create(submission=submission, reviewer=rui, user=staff)
    recorded = conflict_record(
        reviewer=rui, submission=submission, reason="Co-authored the study.", user=staff
    )

    assert assignment.source == Assignment.Source.MANUAL
    assert assignment.created_by == staff
    trail = list(ConflictRecord.objects.filter(submission=submission).order_by("pk"))
    assert [(r.action, r.reason, r.created_by, r.revoked_at) for r in trail] == [
        (Action.DISMISSED, "Left Baltic Lab in 2019.", staff, None),
        (Action.RECORDED, "Co-authored the study.", staff, None),
    ]
    assert trail == [dismissed, recorded]
    # The recorded conflict outweighs the dismissal of the computed one.
    assert has_conflict(reviewer=rui, submission=submission) is True


def test_revoke_keeps_the_row_and_restores_the_conflict(submission, rui, baltic_lab, staff):
    MembershipFactory(organisation=baltic_lab, user=rui)
    dismissed = conflict_dismiss(reviewer=rui, submission=submission, reason="Remote.", user=staff)
    assert has_conflict(reviewer=rui, submission=submission) is False

    conflict_revoke(record=dismissed, user=staff)

    dismissed.refresh_from_db()
    assert dismissed.revoked_by == staff
    assert dismissed.revoked_at is not None
    assert ConflictRecord.objects.filter(submission=submission).count() == 1
    assert has_conflict(reviewer=rui, submission=submission) is True
    assert refusal(submission, rui, staff) == [
        "Cannot assign Rui Reviewer: Member of the submitting organisation (Baltic Lab)."
    ]


def test_revoking_a_recorded_conflict_allows_assignment(submission, rui, staff):
    recorded = conflict_record(reviewer=rui, submission=submission, reason="Rival.", user=staff)
    conflict_revoke(record=recorded, user=staff)
    assert assignment_create(submission=submission, reviewer=rui, user=staff).pk is not None
    assert ConflictRecord.objects.get().revoked_by == staff


def test_dismiss_needs_a_computed_conflict(submission, rui, staff):
    with pytest.raises(ValidationError) as caught:
        conflict_dismiss(reviewer=rui, submission=submission, reason="Fine.", user=staff)
    assert caught.value.messages == [
        "Rui Reviewer has no conflict with this submission from membership or declared ties; "
        "there is nothing to dismiss."
    ]
    assert ConflictRecord.objects.count() == 0


def test_dismiss_and_record_need_a_reason(submission, rui, baltic_lab, staff):
    MembershipFactory(organisation=baltic_lab, user=rui)
    with pytest.raises(ValidationError) as dismiss_error:
        conflict_dismiss(reviewer=rui, submission=submission, reason="  ", user=staff)
    with pytest.raises(ValidationError) as record_error:
        conflict_record(reviewer=rui, submission=submission, reason="", user=staff)
    assert dismiss_error.value.message_dict == {
        "reason": ["Say why the conflict does not prevent this review."]
    }
    assert record_error.value.message_dict == {"reason": ["Say why this reviewer has a conflict."]}


def test_second_active_decision_of_a_kind_is_refused(submission, rui, baltic_lab, staff):
    MembershipFactory(organisation=baltic_lab, user=rui)
    conflict_record(reviewer=rui, submission=submission, reason="One.", user=staff)
    conflict_dismiss(reviewer=rui, submission=submission, reason="One.", user=staff)
    with pytest.raises(ValidationError):
        conflict_record(reviewer=rui, submission=submission, reason="Two.", user=staff)
    with pytest.raises(ValidationError):
        conflict_dismiss(reviewer=rui, submission=submission, reason="Two.", user=staff)
    assert ConflictRecord.objects.count() == 2


def test_revoke_twice_and_revoking_a_reviewer_declaration_are_refused(submission, rui, staff):
    recorded = conflict_record(reviewer=rui, submission=submission, reason="Rival.", user=staff)
    conflict_revoke(record=recorded, user=staff)
    with pytest.raises(ValidationError) as twice:
        conflict_revoke(record=recorded, user=staff)
    bid = ConflictRecord.objects.create(
        reviewer=rui, submission=submission, action=Action.BID, reason="I know them."
    )
    with pytest.raises(ValidationError) as declared:
        conflict_revoke(record=bid, user=staff)
    assert twice.value.messages == ["This decision was already revoked."]
    assert declared.value.messages == ["Only the reviewer can withdraw a conflict they declared."]


# --- through the page ---------------------------------------------------------------------


def page_url(submission) -> str:
    return reverse("reviews:staff_submission_reviewers", args=[submission.code])


def application_code(user, workshop) -> str:
    return user.reviewer_applications.get(workshop=workshop).code


def test_page_shows_conflict_status_of_candidates(client, staff, submission, rui, baltic_lab):
    from tests.factories import UserFactory

    clear = UserFactory(full_name="Clara Clear")
    approve(clear, submission.workshop)
    MembershipFactory(organisation=baltic_lab, user=rui)
    client.force_login(staff)

    # Both emails are at example.org: the search finds both.
    response = client.get(page_url(submission), {"q": "EXAMPLE.org"})

    statuses = {str(r): r.conflict_status for r in response.context["candidates"]}
    assert statuses == {"Rui Reviewer": "conflict", "Clara Clear": "none"}
    content = response.content.decode()
    assert "Conflict of interest" in content
    assert "No known conflict" in content


def test_record_dismiss_and_revoke_through_the_page(client, staff, submission, rui, baltic_lab):
    MembershipFactory(organisation=baltic_lab, user=rui)
    code = application_code(rui, submission.workshop)
    client.force_login(staff)

    dismissed = client.post(
        reverse("reviews:staff_conflict_decide", args=[submission.code]),
        {"reviewer": code, "action": "dismiss", "reason": "Left in 2019."},
    )
    recorded = client.post(
        reverse("reviews:staff_conflict_decide", args=[submission.code]),
        {"reviewer": code, "action": "record", "reason": "Co-author."},
    )
    revoked = client.post(
        reverse("reviews:staff_conflict_revoke", args=[submission.code]),
        {"reviewer": code, "action": "recorded"},
    )

    assert [dismissed.status_code, recorded.status_code, revoked.status_code] == [302, 302, 302]
    rows = list(ConflictRecord.objects.order_by("pk").values_list("action", "revoked_by"))
    assert rows == [(Action.DISMISSED, None), (Action.RECORDED, staff.pk)]
    page = client.get(page_url(submission)).content.decode()
    assert "Left in 2019." in page
    assert "Co-author." in page


def test_dismiss_without_reason_rerenders_with_error(client, staff, submission, rui, baltic_lab):
    MembershipFactory(organisation=baltic_lab, user=rui)
    client.force_login(staff)
    response = client.post(
        reverse("reviews:staff_conflict_decide", args=[submission.code]),
        {"reviewer": application_code(rui, submission.workshop), "action": "dismiss"},
    )
    assert response.status_code == 400
    assert response.context["conflict_form"].errors == {"reason": ["This field is required."]}
    assert ConflictRecord.objects.count() == 0
