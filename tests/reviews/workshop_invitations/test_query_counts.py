"""The invite-submitters page and the attendee list cost the same number of queries at any
size."""

import pytest
from django.urls import reverse

from tests.reviews.aggregates.conftest import populate

pytestmark = pytest.mark.django_db

SIZES = [2, 8]

# session, user, staff group, MFA authenticators, workshop: every staff page starts so.
BASE = 5


def _order_key(sort):
    def mean_first(row):
        return (row.mean_level is None, -(row.mean_level or 0))

    if sort == "title":
        return lambda row: (row.title, row.pk)
    if sort == "yes":
        return lambda row: (-row.recommend_yes, *mean_first(row), row.pk)
    return lambda row: (*mean_first(row), row.title, row.pk)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("sort", ["mean", "title", "yes"])
def test_invite_submitters_page_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size, sort
):
    populate(workshop, criteria_set, staff, size)
    client.force_login(staff)
    url = reverse("reviews:invite_submitters", args=[workshop.code])
    # First view: + the audit log's position, the scores stamp, the eligible stamp, the means,
    # the review counts and recommendations, the eligible ids in title order, the page's rows.
    with django_assert_num_queries(BASE + 7):
        first = client.get(url, {"sort": sort})
    # Then the order of every sort comes from the cache, a page at a time: + the log's
    # position and the page's rows. No query reads a score or every eligible submission:
    # sorting the 10,000 eligible ids by their figures on every view took 50 ms.
    with django_assert_num_queries(BASE + 2) as captured:
        again = client.get(url, {"sort": sort})
    assert not [q for q in captured.captured_queries if "AVG(" in q["sql"].upper()]
    submissions = [
        q["sql"] for q in captured.captured_queries if "submissions_submission" in q["sql"]
    ]
    assert len(submissions) == 1 and " IN (" in submissions[0]

    rows = list(again.context["page"].object_list)
    assert len(rows) == size
    assert rows == sorted(rows, key=_order_key(sort))
    assert [row.pk for row in first.context["page"].object_list] == [row.pk for row in rows]
    assert sum(row.review_count for row in rows) == 3 * size
    assert sum(row.recommend_yes + row.recommend_maybe + row.recommend_no for row in rows) == (
        3 * size
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", ["", "accepted"])
def test_attendee_list_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size, state
):
    populate(workshop, criteria_set, staff, size)
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
