"""The staff list of reviewer applications pages from an index, newest first, not by sorting
every application of the call (6 of the page's 24 ms at 5,000 applications)."""

import pytest
from django.db import connection

from reviews import selectors
from tests.factories import ReviewerApplicationFactory
from tests.query_plans import page_plan, sorted_nodes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans"),
]


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize(
    ("state", "index"), [("", "application_newest"), ("pending", "application_state_newest")]
)
def test_newest_first_pages_from_an_index(workshop, size, state, index):
    for _ in range(size):
        ReviewerApplicationFactory(workshop=workshop)

    plan = page_plan(selectors.applications_for_staff_list(workshop=workshop, state=state)[:25])

    assert sorted_nodes(plan) == []
    assert index in plan
