"""The invite-submitters page and the attendee list cost the same number of queries at any
size."""

import pytest
from django.urls import reverse

from tests.reviews.aggregates.conftest import populate

pytestmark = pytest.mark.django_db

SIZES = [2, 8]

# session, user, staff group, MFA authenticators, workshop: every staff page starts so.
BASE = 5


@pytest.mark.parametrize("size", SIZES)
def test_invite_submitters_page_queries_constant(
    client, staff, workshop, criteria_set, django_assert_num_queries, size
):
    populate(workshop, criteria_set, staff, size)
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
