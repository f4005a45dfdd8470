"""Loading an instance takes the same few queries whatever its size."""

import pytest

from assignment.matching.data import load_matching_data
from assignment.models import Bid
from tests.factories import AssignmentFactory, ReviewerTieFactory


@pytest.mark.parametrize("size", [2, 6])
def test_load_query_count_does_not_grow(instance, django_assert_num_queries, size):
    for i in range(size):
        sub = instance.submission(f"S{i}", areas=["cbrn"], methods=["benchmark"], org=f"O{i % 2}")
        reviewer = instance.reviewer(
            f"R{i}", expertise={"cbrn": 2, "benchmark": 1}, orgs=[f"O{(i + 1) % 2}"]
        )
        ReviewerTieFactory(user=reviewer, organisation=instance.org(f"O{i % 2}"))
        Bid.objects.create(
            workshop=instance.workshop, submission=sub, reviewer=reviewer, value="willing"
        )
        AssignmentFactory(submission=sub, workshop=sub.workshop, reviewer=reviewer)

    with django_assert_num_queries(14):
        data = load_matching_data(workshop=instance.workshop)

    assert (data.n_sub, data.n_rev) == (size, size)
    assert len(data.conflict_sub) > 0
