"""The aggregate and rating pages cost the same number of queries at any size."""

import pytest
from django.urls import reverse

from tests.factories import CompleteSubmissionFactory

from .conftest import NA, approved_reviewer, make_review, populate

pytestmark = pytest.mark.django_db

SIZES = [2, 8]


# session, user, staff group, MFA authenticators, workshop: every staff page starts so.
BASE = 5


@pytest.mark.parametrize("size", SIZES)
def test_overview_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size
):
    submissions, _reviewers = populate(workshop, criteria_set, staff, size)
    client.force_login(staff)

    url = reverse("reviews:aggregate_overview", args=[workshop.code])
    # First view: + the audit log's position, the scores stamp, every score row, criteria,
    # a page of submissions, their score rows.
    with django_assert_num_queries(BASE + 6):
        first = client.get(url)
    # Then the figures come from the cache: + the log's position, criteria, a page of
    # submissions, their score rows.
    with django_assert_num_queries(BASE + 4):
        again = client.get(url)

    assert len(first.context["page"].object_list) == size
    assert [row.submission.pk for row in again.context["page"].object_list] == [
        row.submission.pk for row in first.context["page"].object_list
    ]


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
    _submissions, reviewers = populate(workshop, criteria_set, staff, size)
    client.force_login(staff)

    # + how many reviewers, one page of them with their load, rating and invitation
    with django_assert_num_queries(BASE + 2):
        response = client.get(
            reverse("reviews:reviewer_ratings", args=[workshop.code]), {"sort": sort}
        )

    assert len(response.context["reviewers"]) == len(reviewers)


def test_ratings_page_shows_a_page_of_reviewers_at_a_time(
    client, staff, workshop, criteria_set, monkeypatch
):
    from reviews.views import aggregates  # noqa: PLC0415 -- patched below

    monkeypatch.setattr(aggregates, "PER_PAGE", 3)
    _submissions, reviewers = populate(workshop, criteria_set, staff, 8)
    client.force_login(staff)
    url = reverse("reviews:reviewer_ratings", args=[workshop.code])

    first = client.get(url, {"sort": "name"})
    last = client.get(url, {"sort": "name", "page": 99})

    assert len(first.context["reviewers"]) == 3
    assert first.context["page"].paginator.count == len(reviewers)
    # Ten reviewers, three a page: the last page (one past the end gives the last) has one.
    assert len(last.context["reviewers"]) == 1
    assert {r.pk for r in first.context["reviewers"]}.isdisjoint(
        {r.pk for r in last.context["reviewers"]}
    )
    assert "Page 1 of 4" in first.content.decode()
