"""The bidding page and the preview's diff keep a constant number of queries as they grow."""

import pytest
from django.urls import reverse

from assignment.services.bids import bid_set
from submissions.models import Author, Method
from tests.assignment.helpers import approve, done_run, run_url
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

# The request itself: session, user, staff group check; staff add their MFA authenticators.
REQUEST = 3
STAFF_REQUEST = REQUEST + 1


def _fill_bidding(instance, size, reviewer):
    uplift = Method.objects.filter(code="human_uplift")
    for i in range(size):
        sub = instance.submission(f"E{i:03d}", areas=["cbrn", "cyber_offence"])
        sub.methods.set(uplift)
        Author.objects.create(submission=sub, name=f"Author {i}", affiliation="Lab")
        if i % 2:
            bid_set(reviewer=reviewer, submission=sub, value="willing")


@pytest.mark.parametrize("anonymous", [False, True])
@pytest.mark.parametrize("size", [3, 30])
def test_bidding_page_queries_constant(
    client, workshop, instance, django_assert_num_queries, size, anonymous
):
    workshop.anonymous_review = anonymous
    workshop.save()
    reviewer = UserFactory()
    approve(reviewer, workshop)
    _fill_bidding(instance, size, reviewer)
    client.force_login(reviewer)
    # the workshop (the one workshop lookup), the application with its workshop, risk areas
    # of the filter, count, page ids, bids, the page's submissions, their risk areas,
    # methods (and authors unless anonymous)
    expected = REQUEST + 9 + (0 if anonymous else 1)

    with django_assert_num_queries(expected):
        response = client.get(reverse("assignment:bid_list", args=[workshop.code]))

    assert len(response.context["page"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_bidding_post_queries_do_not_grow_with_the_page(
    client, workshop, instance, django_assert_num_queries, size
):
    reviewer = UserFactory()
    approve(reviewer, workshop)
    _fill_bidding(instance, size, reviewer)
    client.force_login(reviewer)
    unchanged = {f"bid-{sub.code}": "" for sub in instance.subs.values()}
    unchanged.update(
        {
            f"bid-{code}": "willing"
            for code in reviewer.bids.values_list("submission__code", flat=True)
        }
    )

    # Nothing changed: workshop, application, the posted submissions the reviewer may bid
    # on, their current bids.
    with django_assert_num_queries(REQUEST + 4):
        response = client.post(reverse("assignment:bid_list", args=[workshop.code]), unchanged)

    assert response.status_code == 302


def _fill_run(instance, size):
    for i in range(size):
        instance.submission(f"P{i:03d}", areas=["cbrn"])
    reviewers = [
        instance.reviewer(f"R{i}", expertise={"cbrn": 2}, max_reviews=size) for i in range(3)
    ]
    # One existing assignment per submission that the run will replace or keep.
    for i, sub in enumerate(instance.subs.values()):
        AssignmentFactory(submission=sub, workshop=sub.workshop, reviewer=reviewers[i % 3])


@pytest.mark.parametrize("tab", ["added", "removed", "kept"])
@pytest.mark.parametrize("size", [3, 30])
def test_preview_diff_queries_constant(
    client, staff, instance, django_assert_num_queries, size, tab
):
    _fill_run(instance, size)
    run = done_run(instance, staff, k=2, keep_existing=False)
    client.force_login(staff)
    # workshop, run, counts of added / removed / kept, the page of the tab (the titles of
    # unfilled submissions would be one more: every slot is filled here), the run's history
    with django_assert_num_queries(STAFF_REQUEST + 7):
        response = client.get(run_url(run), {"tab": tab})

    assert response.context["diff"].tab == tab
