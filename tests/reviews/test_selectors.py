import pytest
from django.db import IntegrityError
from django.http import Http404

from reviews.models import ReviewerApplication, ReviewerExpertise
from reviews.selectors import (
    application_get_for_user,
    application_state_counts,
    applications_for_staff_list,
    reviewers_of_workshop,
)
from submissions.models import Method, RiskArea
from tests.factories import UserFactory
from tests.factories.reviews import ReviewerApplicationFactory, ReviewerExpertiseFactory

pytestmark = pytest.mark.django_db

State = ReviewerApplication.State


def test_reviewers_of_workshop_returns_only_approved(workshop):
    approved = ReviewerApplicationFactory(workshop=workshop, state=State.APPROVED)
    for state in (State.PENDING, State.DECLINED, State.WITHDRAWN):
        ReviewerApplicationFactory(workshop=workshop, state=state)
    # Approved for another call only.
    ReviewerApplicationFactory(state=State.APPROVED)

    assert list(reviewers_of_workshop(workshop=workshop)) == [approved.user]


def test_reviewers_of_workshop_skips_deactivated_accounts(workshop):
    application = ReviewerApplicationFactory(workshop=workshop, state=State.APPROVED)
    application.user.is_active = False
    application.user.save()
    assert list(reviewers_of_workshop(workshop=workshop)) == []


def test_application_get_for_user(application, staff, other_applicant, anonymous):
    assert application_get_for_user(code=application.code, user=application.user) == application
    assert application_get_for_user(code=application.code, user=staff) == application
    for user in (other_applicant, anonymous):
        with pytest.raises(Http404):
            application_get_for_user(code=application.code, user=user)


def test_staff_list_search_by_name_or_email(workshop):
    ada = ReviewerApplicationFactory(
        workshop=workshop, user=UserFactory(full_name="Ada Lovelace", email="ada@lab.eu")
    )
    ReviewerApplicationFactory(
        workshop=workshop, user=UserFactory(full_name="Bob", email="bob@x.eu")
    )
    assert list(applications_for_staff_list(workshop=workshop, query="lovelace")) == [ada]
    assert list(applications_for_staff_list(workshop=workshop, query="ADA@LAB")) == [ada]


def test_staff_list_filters_by_state_and_risk_area(workshop):
    cbrn_expert = ReviewerApplicationFactory(workshop=workshop, state=State.APPROVED)
    ReviewerExpertiseFactory(application=cbrn_expert, level=3)
    cbrn_novice = ReviewerApplicationFactory(workshop=workshop)
    ReviewerExpertiseFactory(application=cbrn_novice, level=1)
    cyber = ReviewerApplicationFactory(workshop=workshop)
    ReviewerExpertiseFactory(
        application=cyber, risk_area=RiskArea.objects.get(code="cyber_offence")
    )
    methods_only = ReviewerApplicationFactory(workshop=workshop)
    ReviewerExpertiseFactory(
        application=methods_only, risk_area=None, method=Method.objects.get(code="benchmark")
    )

    def codes(**filters):
        return {a.pk for a in applications_for_staff_list(workshop=workshop, **filters)}

    assert codes(risk_area="cbrn") == {cbrn_expert.pk, cbrn_novice.pk}
    assert codes(risk_area="cbrn", min_level=3) == {cbrn_expert.pk}
    assert codes(state=State.PENDING) == {cbrn_novice.pk, cyber.pk, methods_only.pk}
    assert codes(state=State.APPROVED, risk_area="cbrn") == {cbrn_expert.pk}


def test_state_counts_include_every_state(workshop):
    ReviewerApplicationFactory.create_batch(2, workshop=workshop)
    ReviewerApplicationFactory(workshop=workshop, state=State.DECLINED)
    ReviewerApplicationFactory(state=State.APPROVED)  # another call
    assert application_state_counts(workshop=workshop) == {
        "pending": 2,
        "approved": 0,
        "declined": 1,
        "withdrawn": 0,
    }


def test_one_application_per_person_and_call(application):
    with pytest.raises(IntegrityError):
        ReviewerApplicationFactory(workshop=application.workshop, user=application.user)


def test_expertise_needs_exactly_one_of_area_or_method(application):
    with pytest.raises(IntegrityError):
        ReviewerExpertise.objects.create(
            application=application,
            risk_area=RiskArea.objects.get(code="cbrn"),
            method=Method.objects.get(code="benchmark"),
            level=1,
        )


def test_expertise_unique_per_area(application):
    ReviewerExpertiseFactory(application=application)
    with pytest.raises(IntegrityError):
        ReviewerExpertiseFactory(application=application)


def test_progress_reviewers_are_the_approved_and_everyone_assigned_without_a_per_user_exists(
    workshop,
):
    from reviews.selectors.progress import reviewers_progress
    from tests.factories import AssignmentFactory, CompleteSubmissionFactory

    approved = ReviewerApplicationFactory(workshop=workshop, state="approved").user
    inactive = ReviewerApplicationFactory(workshop=workshop, state="approved").user
    inactive.is_active = False
    inactive.save()
    withdrawn = ReviewerApplicationFactory(workshop=workshop, state="withdrawn").user
    submission = CompleteSubmissionFactory(workshop=workshop, state="eligible")
    AssignmentFactory(submission=submission, reviewer=withdrawn)
    ReviewerApplicationFactory(workshop=workshop, state=State.PENDING)  # not listed

    queryset = reviewers_progress(workshop=workshop)

    assert set(queryset) == {approved, withdrawn}
    # Two id lists, each hashed once; a correlated EXISTS ran once per account of the portal.
    assert "EXISTS" not in str(queryset.query).upper()
