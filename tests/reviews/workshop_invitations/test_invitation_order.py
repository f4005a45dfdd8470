"""The invite-submitters page's cached order: paged, kept in step with the eligible
submissions, and warmed by the aggregates' background task."""

import pytest
from django.urls import reverse

from reviews.tasks import task_warm_aggregates
from submissions.models import Submission
from submissions.services import submission_screen
from tests.factories import CompleteSubmissionFactory
from tests.reviews.aggregates.conftest import populate
from tests.reviews.workshop_invitations.test_query_counts import BASE

pytestmark = pytest.mark.django_db


def _page(client, workshop, **params):
    response = client.get(reverse("reviews:invite_submitters", args=[workshop.code]), params)
    assert response.status_code == 200
    return response.context["page"]


def _mean_first(row):
    return (row.mean_level is None, -(row.mean_level or 0), row.title, row.pk)


@pytest.mark.parametrize("sort", ["mean", "title", "yes"])
def test_second_page_continues_the_order(client, staff, workshop, criteria_set, sort):
    populate(workshop, criteria_set, staff, 3)
    for _ in range(55):
        CompleteSubmissionFactory(workshop=workshop, state="eligible")
    client.force_login(staff)

    first = _page(client, workshop, sort=sort)
    second = _page(client, workshop, sort=sort, page=2)

    rows = list(first.object_list) + list(second.object_list)
    assert (len(first.object_list), len(second.object_list)) == (50, 8)
    assert first.paginator.count == second.paginator.count == 58
    assert len({row.pk for row in rows}) == 58
    if sort == "title":
        key = lambda row: (row.title, row.pk)  # noqa: E731
    elif sort == "yes":
        key = lambda row: (-row.recommend_yes, *_mean_first(row)[:2], row.pk)  # noqa: E731
    else:
        key = _mean_first
    assert rows == sorted(rows, key=key)
    assert sum(row.review_count for row in rows) == 9


def test_screening_changes_the_cached_order(client, staff, workshop, criteria_set):
    populate(workshop, criteria_set, staff, 3)
    submitted = CompleteSubmissionFactory(workshop=workshop, state="submitted")
    client.force_login(staff)
    before = _page(client, workshop)
    leaving = before.object_list[0]

    submission_screen(submission=leaving, user=staff, eligible=False, reason="duplicate")
    submission_screen(submission=submitted, user=staff, eligible=True)
    after = _page(client, workshop)

    assert before.paginator.count == after.paginator.count == 3
    assert leaving.pk not in {row.pk for row in after.object_list}
    assert submitted.pk in {row.pk for row in after.object_list}


def test_a_page_leaves_out_what_stopped_being_eligible_behind_the_log(
    client, staff, workshop, criteria_set
):
    populate(workshop, criteria_set, staff, 3)
    client.force_login(staff)
    gone = _page(client, workshop).object_list[1]

    Submission.objects.filter(pk=gone.pk).update(state=Submission.State.NOT_ELIGIBLE)

    assert gone.pk not in {row.pk for row in _page(client, workshop).object_list}


def test_warm_task_computes_every_sort(
    client, staff, workshop, criteria_set, django_assert_num_queries
):
    populate(workshop, criteria_set, staff, 3)
    task_warm_aggregates(workshop_id=workshop.pk)
    client.force_login(staff)

    for sort in ("mean", "title", "yes"):
        # + the log's position, the page's rows: the order was computed by the task.
        with django_assert_num_queries(BASE + 2):
            assert len(_page(client, workshop, sort=sort).object_list) == 3
