import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from portal.models import Workshop
from reviews.models import ReviewerApplication
from reviews.rules import (
    is_applicant,
    is_approved,
    is_current_tie,
    is_decidable,
    is_pending,
    is_tie_owner,
    workshop_accepts_applications,
)
from tests.factories import WorkshopFactory
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
    assert rules.has_perm("reviews.apply", outsider, workshop) is accepts
    assert rules.has_perm("reviews.apply", AnonymousUser(), workshop) is False


def test_tie_predicates(outsider, evaluator):
    tie = ReviewerTieFactory(user=outsider)
    assert is_tie_owner(outsider, tie)
    assert not is_tie_owner(evaluator, tie)
    assert is_current_tie(outsider, tie)
    assert rules.has_perm("reviews.end_tie", outsider, tie)
    assert not rules.has_perm("reviews.end_tie", evaluator, tie)


@pytest.mark.parametrize(
    ("perm", "for_applicant", "for_other", "for_staff"),
    [
        ("reviews.view_application", True, False, True),
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
    assert rules.has_perm(perm, application.user, application) is for_applicant
    assert rules.has_perm(perm, other_applicant, application) is for_other
    assert rules.has_perm(perm, staff, application) is for_staff


def test_list_applications_is_staff_only(staff, outsider):
    assert rules.has_perm("reviews.list_applications", staff)
    assert not rules.has_perm("reviews.list_applications", outsider)
