"""Reviewer-application personas: an applicant with a pending application, and another."""

import pytest

from tests.factories import UserFactory, WorkshopFactory
from tests.factories.reviews import ReviewerApplicationFactory


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Frontier risks call 2027")


@pytest.fixture
def applicant(db):
    return UserFactory(email="applicant@example.org", full_name="Ada Applicant")


@pytest.fixture
def other_applicant(db):
    return UserFactory(email="other-applicant@example.org", full_name="Oscar Other")


@pytest.fixture
def application(workshop, applicant):
    return ReviewerApplicationFactory(workshop=workshop, user=applicant)


@pytest.fixture
def other_application(workshop, other_applicant):
    return ReviewerApplicationFactory(workshop=workshop, user=other_applicant)
