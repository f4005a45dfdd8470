"""A submission with three reviewers (A and B submitted their reviews, C has a draft), a
declined and a conflicted one, under the default rule "after their own review"."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal.models import Membership
from reviews.models import Assignment, Review, ReviewerApplication, ReviewVersion
from reviews.services.reviewing import ReviewInput, ScoreInput, review_snapshot
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    MembershipFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    ReviewerTieFactory,
    ReviewFactory,
    UserFactory,
    WorkshopFactory,
)


def _reviewer(workshop, email, name):
    user = UserFactory(email=email, full_name=name)
    ReviewerApplicationFactory(
        workshop=workshop, user=user, state=ReviewerApplication.State.APPROVED
    )
    return user


@pytest.fixture
def d(db, staff):
    w = SimpleNamespace(staff=staff)
    w.workshop = WorkshopFactory(title="Discussion call")
    w.organisation = OrganisationFactory(name="Lab")
    w.submitter = UserFactory(email="submitter@example.org", full_name="Sue Submitter")
    MembershipFactory(organisation=w.organisation, user=w.submitter, role=Membership.Role.ADMIN)
    w.submission = CompleteSubmissionFactory(
        workshop=w.workshop, organisation=w.organisation, contact=w.submitter, state="eligible"
    )
    w.a = _reviewer(w.workshop, "a@example.org", "Alma Alpha")
    w.b = _reviewer(w.workshop, "b@example.org", "Bo Beta")
    w.c = _reviewer(w.workshop, "c@example.org", "Cy Gamma")
    w.declined = _reviewer(w.workshop, "d@example.org", "Dee Declined")
    w.conflicted = _reviewer(w.workshop, "x@example.org", "Xi Conflicted")
    ReviewerTieFactory(user=w.conflicted, organisation=w.organisation)
    w.assignments = {}
    for user in (w.a, w.b, w.c):
        w.assignments[user] = AssignmentFactory(
            submission=w.submission, workshop=w.workshop, reviewer=user
        )
    AssignmentFactory(
        submission=w.submission,
        workshop=w.workshop,
        reviewer=w.declined,
        state=Assignment.State.DECLINED,
    )
    AssignmentFactory(submission=w.submission, workshop=w.workshop, reviewer=w.conflicted)
    for user in (w.a, w.b):
        review = ReviewFactory(
            assignment=w.assignments[user],
            state=Review.State.SUBMITTED,
            submitted_at=timezone.now(),
        )
        criteria = list(review.criteria_set.criteria.select_related("group"))
        w.criterion = criteria[0]
        level = w.criterion.levels[0]["level"]
        data = ReviewInput(
            summary="A summary",
            scores={
                w.criterion.pk: ScoreInput(
                    level=int(level), justification=f"Justification {user.email[0].upper()}1"
                )
            },
        )
        ReviewVersion.objects.create(
            review=review,
            number=1,
            data=review_snapshot(
                review=review,
                criteria_set=review.criteria_set,
                criteria=criteria,
                data=data,
                number=1,
                submitted_at=timezone.now(),
            ),
        )
    ReviewFactory(assignment=w.assignments[w.c])
    return w
