"""Staff assignment and progress pages keep a constant number of queries as they grow."""

import pytest
from django.urls import reverse

from reviews.models import ConflictRecord, Review
from submissions.models import RiskArea
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    MembershipFactory,
    ReviewerTieFactory,
    ReviewFactory,
    SubmissionFactory,
    UserFactory,
)

from .conftest import approve

pytestmark = pytest.mark.django_db

# session, user, staff group, MFA authenticators
REQUEST = 4


def _fill_workshop(workshop, size):
    """`size` eligible submissions, each with reviewers in every state, and `size` reviewers."""
    cbrn = RiskArea.objects.filter(code="cbrn")
    reviewers = []
    for _ in range(size):
        user = UserFactory()
        approve(user, workshop)
        reviewers.append(user)
    for index in range(size):
        submission = SubmissionFactory(workshop=workshop, state="eligible")
        submission.risk_areas.set(cbrn)
        submitted = AssignmentFactory(submission=submission, reviewer=reviewers[index])
        ReviewFactory(assignment=submitted, state=Review.State.SUBMITTED)
        drafting = AssignmentFactory(submission=submission, reviewer=reviewers[(index + 1) % size])
        ReviewFactory(assignment=drafting)
        if size > 2:
            AssignmentFactory(
                submission=submission, reviewer=reviewers[(index + 2) % size], state="declined"
            )


@pytest.mark.parametrize("size", [3, 30])
def test_progress_submissions_tab_queries_constant(
    client, staff, past_workshop, django_assert_num_queries, size
):
    _fill_workshop(past_workshop, size)
    client.force_login(staff)
    # request (4), workshop, totals (aggregate and eligible count), risk areas, page count,
    # page, risk areas of the page
    with django_assert_num_queries(REQUEST + 8):
        response = client.get(reverse("reviews:staff_progress", args=[past_workshop.code]))
    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", [3, 30])
def test_progress_filtered_queries_constant(
    client, staff, past_workshop, django_assert_num_queries, size
):
    _fill_workshop(past_workshop, size)
    client.force_login(staff)
    url = reverse("reviews:staff_progress", args=[past_workshop.code])
    with django_assert_num_queries(REQUEST + 8):
        response = client.get(
            url, {"risk_area": "cbrn", "has_late": "on", "fewer": "on", "k": "2", "q": "e"}
        )
    # Every submission matches: one submitted review (< 2), one late draft, CBRN.
    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", [3, 30])
def test_progress_reviewers_tab_queries_constant(
    client, staff, past_workshop, django_assert_num_queries, size
):
    _fill_workshop(past_workshop, size)
    client.force_login(staff)
    # request (4), workshop, totals (2), page count, page
    with django_assert_num_queries(REQUEST + 6):
        response = client.get(
            reverse("reviews:staff_progress", args=[past_workshop.code]), {"tab": "reviewers"}
        )
    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", [5, 50])
def test_submission_reviewers_page_queries_constant(
    client, staff, workshop, baltic_lab, django_assert_num_queries, size
):
    submission = CompleteSubmissionFactory(
        workshop=workshop, organisation=baltic_lab, state="eligible"
    )
    assigned = []
    for index in range(size):
        user = UserFactory()
        approve(user, workshop)
        if index % 3 == 0:
            assignment = AssignmentFactory(submission=submission, reviewer=user)
            ReviewFactory(assignment=assignment)
            assigned.append(user)
        elif index % 3 == 1:
            MembershipFactory(organisation=baltic_lab, user=user)
            ConflictRecord.objects.create(
                reviewer=user, submission=submission, action="dismissed", reason="Remote."
            )
        else:
            ReviewerTieFactory(user=user, organisation=baltic_lab)
            ConflictRecord.objects.create(
                reviewer=user, submission=submission, action="recorded", reason="Rival."
            )
    # More submissions in the workshop must not cost more either.
    SubmissionFactory.create_batch(size, workshop=workshop, state="eligible")
    client.force_login(staff)
    url = reverse("reviews:staff_submission_reviewers", args=[submission.code])
    # request (4), submission, assignments, approved reviewers among them, conflict records,
    # conflicted pairs (4), the consolidated assessment (1)
    with django_assert_num_queries(REQUEST + 9):
        response = client.get(url)
    # No search, no list of the call's reviewers: only those assigned, for the conflict form.
    assert response.context["candidates"] == []
    assert {r.pk for r in response.context["reviewers"]} == {u.pk for u in assigned}
    assert len(response.context["records"]) == size - len(assigned)

    # A search that matches every reviewer (all at example.org) adds one query, and shows
    # at most 20 of those not assigned.
    with django_assert_num_queries(REQUEST + 10):
        response = client.get(url, {"q": "example.org"})
    unassigned = size - len(assigned)
    assert len(response.context["candidates"]) == min(unassigned, 20)
    assert response.context["more_candidates"] is (unassigned > 20)
    assert not {r.pk for r in response.context["candidates"]} & {u.pk for u in assigned}
    assert len(response.context["reviewers"]) == len(assigned) + min(unassigned, 20)


@pytest.mark.parametrize("size", [3, 30])
def test_reminder_scan_queries_constant(workshop, django_assert_num_queries, size):
    from datetime import timedelta

    from reviews.services.reminders import reminders_send_due

    for _ in range(size):
        user = UserFactory()
        approve(user, workshop)
        AssignmentFactory(submission__workshop=workshop, reviewer=user)
    now = workshop.review_deadline - timedelta(days=6)
    # workshops, candidates, stamps, conflicted pairs (4); then per reminder sent: savepoint,
    # stamp, outbox row, release.
    with django_assert_num_queries(7 + 4 * size):
        assert reminders_send_due(now=now) == size
    # Everything stamped: the scan alone, whatever the number of assignments.
    with django_assert_num_queries(3):
        assert reminders_send_due(now=now) == 0
