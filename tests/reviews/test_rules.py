"""The reviews app's permission predicates, each on its own and through portal.permissions
(the one path, with no superuser shortcut), one line per persona."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.models import Workshop
from portal.permissions import has_perm
from reviews.models import Assignment, ReviewerApplication, WorkshopInvitation
from reviews.rules import (
    PERMISSIONS,
    is_accepted,
    is_applicant,
    is_approved,
    is_assigned_reviewer,
    is_awaiting_answer,
    is_current_tie,
    is_decidable,
    is_invitee,
    is_pending,
    is_tie_owner,
    review_window_open,
    workshop_accepts_applications,
)
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    MembershipFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.factories.reviews import ReviewerTieFactory

pytestmark = pytest.mark.django_db

State = ReviewerApplication.State


def test_is_applicant(application, other_applicant, staff):
    assert is_applicant(application.user, application)
    assert not is_applicant(other_applicant, application)
    assert not is_applicant(staff, application)
    assert not is_applicant(AnonymousUser(), application)


@pytest.mark.parametrize(
    ("state", "pending", "approved", "decidable"),
    [
        (State.PENDING, True, False, True),
        (State.APPROVED, False, True, True),
        (State.DECLINED, False, False, True),
        (State.WITHDRAWN, False, False, False),
    ],
)
def test_state_predicates(application, state, pending, approved, decidable):
    application.state = state
    assert is_pending(application.user, application) is pending
    assert is_approved(application.user, application) is approved
    assert is_decidable(application.user, application) is decidable


@pytest.mark.parametrize(
    ("phase", "accepts"),
    [
        (Workshop.Phase.DRAFT, False),
        (Workshop.Phase.OPEN, True),
        (Workshop.Phase.REVIEWING, True),
        (Workshop.Phase.WORKSHOP, True),
        (Workshop.Phase.SUMMARY_PUBLISHED, False),
    ],
)
def test_workshop_accepts_applications(outsider, phase, accepts):
    workshop = WorkshopFactory(phase_override=phase)
    assert workshop_accepts_applications(outsider, workshop) is accepts
    assert has_perm(outsider, "reviews.apply", workshop) is accepts
    assert has_perm(AnonymousUser(), "reviews.apply", workshop) is False


def test_tie_predicates(outsider, evaluator):
    tie = ReviewerTieFactory(user=outsider)
    assert is_tie_owner(outsider, tie)
    assert not is_tie_owner(evaluator, tie)
    assert is_current_tie(outsider, tie)
    assert has_perm(outsider, "reviews.end_tie", tie)
    assert not has_perm(evaluator, "reviews.end_tie", tie)


@pytest.mark.parametrize(
    ("perm", "for_applicant", "for_other", "for_staff"),
    [
        ("reviews.see_application", True, False, True),
        ("reviews.edit_application", True, False, False),
        ("reviews.update_availability", True, False, False),
        ("reviews.withdraw_application", True, False, False),
        ("reviews.download_cv", True, False, True),
        ("reviews.decide_application", False, False, True),
    ],
)
def test_application_permissions(
    application, other_applicant, staff, perm, for_applicant, for_other, for_staff
):
    assert has_perm(application.user, perm, application) is for_applicant
    assert has_perm(other_applicant, perm, application) is for_other
    assert has_perm(staff, perm, application) is for_staff


def test_a_superuser_may_not_act_for_an_applicant(application, superuser):
    assert has_perm(superuser, "reviews.see_application", application)
    assert not has_perm(superuser, "reviews.edit_application", application)
    assert not has_perm(superuser, "reviews.withdraw_application", application)


STAFF_PERMISSIONS = [
    "reviews.view_all_applications",
    "reviews.view_progress",
    "reviews.send_reminders",
    "reviews.assign_reviewers",
    "reviews.extend_review_deadline",
    "reviews.reopen_review",
    "reviews.decide_conflicts",
    "reviews.view_aggregates",
    "reviews.rate_reviewers",
    "reviews.invite_to_workshop",
    "reviews.view_attendees",
]


@pytest.mark.parametrize("perm", STAFF_PERMISSIONS)
def test_staff_permissions(perm, staff, staff_without_mfa, superuser, reviewer, outsider):
    # Without a second factor staff are stopped by middleware, not by the rules.
    assert [has_perm(user, perm) for user in (staff, staff_without_mfa, superuser)] == [True] * 3
    assert [has_perm(user, perm) for user in (reviewer, outsider, AnonymousUser())] == [False] * 3


# --- reviewing -------------------------------------------------------------------------------


@pytest.fixture
def assigned(reviewer):
    return AssignmentFactory(reviewer=reviewer, state=Assignment.State.ASSIGNED)


def test_assignment_predicates(assigned, reviewer, outsider, staff):
    assert is_assigned_reviewer(reviewer, assigned)
    assert not is_assigned_reviewer(outsider, assigned)
    assert not is_assigned_reviewer(staff, assigned)
    assert not is_assigned_reviewer(AnonymousUser(), assigned)
    assert is_awaiting_answer(reviewer, assigned)
    assert not is_accepted(reviewer, assigned)


def test_review_window_closes_at_the_deadline_unless_extended(assigned, reviewer):
    workshop = assigned.workshop
    workshop.review_deadline = timezone.now() - timedelta(minutes=1)
    assert not review_window_open(reviewer, assigned)
    assigned.deadline_override = timezone.now() + timedelta(days=1)
    assert review_window_open(reviewer, assigned)


@pytest.mark.parametrize(
    ("state", "answer", "write"),
    [
        (Assignment.State.ASSIGNED, True, False),
        (Assignment.State.ACCEPTED, False, True),
        (Assignment.State.DECLINED, False, False),
    ],
)
def test_reviewing_permissions(assigned, reviewer, outsider, staff, state, answer, write):
    assigned.state = state
    assert has_perm(reviewer, "reviews.see_assignment", assigned)
    assert has_perm(reviewer, "reviews.answer_assignment", assigned) is answer
    assert has_perm(reviewer, "reviews.write_review", assigned) is write
    for other in (outsider, staff):
        assert not has_perm(other, "reviews.see_assignment", assigned)
        assert not has_perm(other, "reviews.write_review", assigned)


def test_write_review_ends_with_the_window(assigned, reviewer):
    assigned.state = Assignment.State.ACCEPTED
    assigned.workshop.review_deadline = timezone.now() - timedelta(minutes=1)
    assert not has_perm(reviewer, "reviews.write_review", assigned)


def test_own_assignments_for_everyone_signed_in(outsider):
    assert has_perm(outsider, "reviews.see_own_assignments")
    assert not has_perm(AnonymousUser(), "reviews.see_own_assignments")
    assert has_perm(outsider, "reviews.declare_ties")
    assert not has_perm(AnonymousUser(), "reviews.declare_ties")


def test_reviews_of_a_submission_for_its_members_only(organisation, evaluator, staff, superuser):
    submission = CompleteSubmissionFactory(organisation=organisation)
    perm = "reviews.read_reviews_of_submission"
    assert has_perm(evaluator, perm, submission)
    assert not has_perm(staff, perm, submission)
    assert not has_perm(superuser, perm, submission)
    assert not has_perm(AnonymousUser(), perm, submission)
    former = UserFactory()
    MembershipFactory(organisation=CompleteSubmissionFactory().organisation, user=former)
    assert not has_perm(former, perm, submission)


# --- workshop invitations --------------------------------------------------------------------


def test_an_invitation_is_answered_by_its_invitee_only(evaluator, staff, superuser):
    invitation = WorkshopInvitation.objects.create(
        workshop=WorkshopFactory(), user=evaluator, kind=WorkshopInvitation.Kind.REVIEWER
    )
    assert is_invitee(evaluator, invitation)
    assert has_perm(evaluator, "reviews.answer_invitation", invitation)
    for other in (staff, superuser, AnonymousUser()):
        assert not has_perm(other, "reviews.answer_invitation", invitation)
    assert has_perm(AnonymousUser(), "reviews.open_invitation_link")


# --- the permissions as a whole --------------------------------------------------------------


def test_no_permission_is_named_like_a_django_model_permission():
    # User.has_perm answers a registered name by its rule: a rule named like the admin's
    # model permission ("reviews.view_reviewerapplication") would answer for the admin too.
    model_permissions = {
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for model in apps.get_models()
        for action in model._meta.default_permissions
    }
    assert sorted(set(PERMISSIONS) & model_permissions) == []
