import pytest

from tests.factories import CompleteSubmissionFactory, SubmissionFactory, WorkshopFactory


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Brussels 2027")


@pytest.fixture
def draft(workshop, organisation, evaluator):
    return SubmissionFactory(workshop=workshop, organisation=organisation, contact=evaluator)


@pytest.fixture
def complete_draft(workshop, organisation, evaluator):
    return CompleteSubmissionFactory(
        workshop=workshop, organisation=organisation, contact=evaluator
    )
