"""A workshop, an eligible submission from Baltic Lab, and Rui Reviewer approved for it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    CompleteSubmissionFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    WorkshopFactory,
)


def approve(user, workshop, **kwargs):
    """Make `user` an approved reviewer of `workshop`."""
    return ReviewerApplicationFactory(workshop=workshop, user=user, state="approved", **kwargs)


@pytest.fixture
def baltic_lab(db):
    return OrganisationFactory(name="Baltic Lab")


@pytest.fixture
def submission(workshop, baltic_lab):
    return CompleteSubmissionFactory(
        workshop=workshop, organisation=baltic_lab, state="eligible", title="Wet-lab uplift"
    )


@pytest.fixture
def rui(reviewer, workshop):
    """The `reviewer` persona (Rui Reviewer), approved for `workshop`."""
    approve(reviewer, workshop)
    return reviewer


@pytest.fixture
def past_workshop(db):
    """A workshop whose review deadline passed a day ago."""
    now = timezone.now()
    return WorkshopFactory(
        title="Past call",
        submission_opens_at=now - timedelta(days=40),
        submission_closes_at=now - timedelta(days=20),
        review_deadline=now - timedelta(days=1),
    )
