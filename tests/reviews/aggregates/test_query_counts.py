"""The aggregate, rating and attendee pages cost the same number of queries at any size."""

import pytest
from django.urls import reverse

from reviews.models import Review, WorkshopInvitation
from reviews.services.ratings import reviewer_rate
from reviews.workshop_invitations.services import invitation_answer, invitation_send
from tests.factories import CompleteSubmissionFactory

from .conftest import NA, approved_reviewer, make_review

pytestmark = pytest.mark.django_db

SIZES = [2, 8]


def _populate(workshop, criteria_set, staff, size):
    """`size` submissions each reviewed by three of `size + 2` reviewers, ratings for half
    of them, an invitation per reviewer and per submission's contact."""
    reviewers = [approved_reviewer(workshop) for _ in range(size + 2)]
    submissions = []
    for index in range(size):
        submission = CompleteSubmissionFactory(workshop=workshop, state="eligible")
        submissions.append(submission)
        for offset in range(3):
            make_review(
                submission=submission,
                reviewer=reviewers[index + offset],
                criteria_set=criteria_set,
                scores={"REL-1": (index + offset) % 5, "VAL-1": offset, "ELI-2": NA},
                tags={"REL-1": "aligned", "VAL-1": "gap"},
                recommendation=Review.Recommendation.values[offset],
            )
    for reviewer in reviewers[::2]:
        reviewer_rate(workshop=workshop, reviewer=reviewer, rating=4, note="Good", user=staff)
    invitations = invitation_send(
        workshop=workshop, users=reviewers, kind=WorkshopInvitation.Kind.REVIEWER, user=staff
    )
    for submission in submissions:
        invitations += invitation_send(
            workshop=workshop,
            users=[submission.contact],
            kind=WorkshopInvitation.Kind.SUBMITTER,
            user=staff,
            submission=submission,
        )
    for invitation in invitations[::2]:
        invitation_answer(invitation=invitation, accept=True, dietary_needs="Vegan")
    return submissions, reviewers


# session, user, staff group, MFA authenticators, workshop: every staff page starts so.
BASE = 5


@pytest.mark.parametrize("size", SIZES)
def test_overview_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size
):
    submissions, _reviewers = _populate(workshop, criteria_set, staff, size)
    client.force_login(staff)

    # + scores, criteria, submission titles
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("reviews:aggregate_overview", args=[workshop.code]))

    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", SIZES)
def test_submission_page_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size
):
    submission = CompleteSubmissionFactory(workshop=workshop, state="eligible")
    for index in range(size):
        make_review(
            submission=submission,
            reviewer=approved_reviewer(workshop),
            criteria_set=criteria_set,
            scores={"REL-1": index % 5, "VAL-1": 2, "ELI-2": NA},
        )
    client.force_login(staff)

    # + submission, labels, scores, criteria, reviews with reviewers
    with django_assert_num_queries(BASE + 5):
        response = client.get(
            reverse("reviews:aggregate_submission", args=[workshop.code, submission.code])
        )

    assert len(response.context["reviewers"]) == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("sort", ["name", "rating"])
def test_ratings_page_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size, sort
):
    _submissions, reviewers = _populate(workshop, criteria_set, staff, size)
    client.force_login(staff)

    # + reviewers with their load, rating and invitation
    with django_assert_num_queries(BASE + 1):
        response = client.get(
            reverse("reviews:reviewer_ratings", args=[workshop.code]), {"sort": sort}
        )

    assert len(response.context["reviewers"]) == len(reviewers)


@pytest.mark.parametrize("size", SIZES)
def test_invite_submitters_page_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size
):
    _populate(workshop, criteria_set, staff, size)
    client.force_login(staff)

    # + count, page
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("reviews:invite_submitters", args=[workshop.code]))

    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", ["", "accepted"])
def test_attendee_list_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size, state
):
    _populate(workshop, criteria_set, staff, size)
    client.force_login(staff)

    # + count, page, counts per state
    with django_assert_num_queries(BASE + 3):
        response = client.get(
            reverse("reviews:attendee_list", args=[workshop.code]), {"state": state}
        )

    expected = 2 * size + 2
    assert response.context["page"].paginator.count == (
        expected if not state else (expected + 1) // 2
    )
