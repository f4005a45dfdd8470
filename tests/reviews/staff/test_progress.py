"""The progress board's numbers, filters and pagination."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from submissions.models import RiskArea
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    ReviewFactory,
    SubmissionFactory,
    UserFactory,
)

from .conftest import approve

pytestmark = pytest.mark.django_db


def board_url(workshop) -> str:
    return reverse("reviews:staff_progress", args=[workshop.code])


@pytest.fixture
def board(past_workshop):
    """Three eligible submissions with known numbers, and one that is not eligible.

    Alpha: submitted, late draft, late not started   -> 3 assigned, 1 submitted, 2 late
    Beta:  declined, extended into the future, submitted -> 3 assigned, 1 declined, 0 late
    Gamma: nothing assigned (cyber offence)
    """
    people = {}
    for name in ("Ann", "Ben", "Cid"):
        people[name] = UserFactory(full_name=name, email=f"{name.lower()}@example.org")
        approve(people[name], past_workshop, max_reviews=4)
    alpha = CompleteSubmissionFactory(workshop=past_workshop, state="eligible", title="Alpha")
    beta = CompleteSubmissionFactory(workshop=past_workshop, state="eligible", title="Beta")
    gamma = CompleteSubmissionFactory(workshop=past_workshop, state="eligible", title="Gamma")
    gamma.risk_areas.set(RiskArea.objects.filter(code="cyber_offence"))
    CompleteSubmissionFactory(workshop=past_workshop, state="submitted", title="Delta")

    done = AssignmentFactory(submission=alpha, reviewer=people["Ann"])
    ReviewFactory(assignment=done, state=Review.State.SUBMITTED)
    drafting = AssignmentFactory(submission=alpha, reviewer=people["Ben"])
    ReviewFactory(assignment=drafting)
    AssignmentFactory(submission=alpha, reviewer=people["Cid"], state="assigned")

    AssignmentFactory(submission=beta, reviewer=people["Ann"], state="declined")
    AssignmentFactory(
        submission=beta,
        reviewer=people["Ben"],
        deadline_override=timezone.now() + timedelta(days=5),
    )
    done_beta = AssignmentFactory(submission=beta, reviewer=people["Cid"])
    ReviewFactory(assignment=done_beta, state=Review.State.SUBMITTED)
    return past_workshop


def rows(response):
    return [
        (
            s.title,
            s.assigned_count,
            s.accepted_count,
            s.declined_count,
            s.submitted_count,
            s.late_count,
        )
        for s in response.context["page"].object_list
    ]


def test_board_numbers_per_submission(client, staff, board):
    client.force_login(staff)
    response = client.get(board_url(board))
    assert response.status_code == 200
    assert rows(response) == [
        ("Alpha", 3, 2, 0, 1, 2),
        ("Beta", 3, 2, 1, 1, 0),
        ("Gamma", 0, 0, 0, 0, 0),
    ]
    totals = response.context["totals"]
    assert (
        totals["eligible_count"],
        totals["assigned_count"],
        totals["declined_count"],
        totals["submitted_count"],
        totals["late_count"],
    ) == (3, 6, 1, 2, 2)


def test_board_numbers_per_reviewer(client, staff, board):
    client.force_login(staff)
    response = client.get(board_url(board), {"tab": "reviewers"})
    reviewers = [
        (str(r), r.open_count, r.max_reviews, r.submitted_count, r.late_count, r.declined_count)
        for r in response.context["page"].object_list
    ]
    assert reviewers == [
        ("Ann", 1, 4, 1, 0, 1),
        ("Ben", 2, 4, 0, 1, 0),
        ("Cid", 2, 4, 1, 1, 0),
    ]


def test_last_activity_is_the_latest_response_or_review_change(client, staff, board):
    ben = board.assignments.get(reviewer__email="ben@example.org", submission__title="Alpha")
    responded = timezone.now() - timedelta(days=2)
    ben.responded_at = responded
    ben.save()
    client.force_login(staff)
    response = client.get(board_url(board), {"tab": "reviewers"})
    activity = {str(r): r.last_activity for r in response.context["page"].object_list}
    drafted = Review.objects.get(assignment=ben).updated_at
    assert activity["Ben"] == max(responded, drafted)
    assert activity["Ann"] == Review.objects.get(assignment__reviewer__full_name="Ann").updated_at


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"has_late": "on"}, ["Alpha"]),
        ({"fewer": "on", "k": "1"}, ["Gamma"]),
        ({"fewer": "on"}, ["Alpha", "Beta", "Gamma"]),
        ({"fewer": "on", "k": "2"}, ["Alpha", "Beta", "Gamma"]),
        ({"risk_area": "cyber_offence"}, ["Gamma"]),
        ({"risk_area": "cbrn", "has_late": "on"}, ["Alpha"]),
        ({"q": "BET"}, ["Beta"]),
    ],
)
def test_board_filters(client, staff, board, params, titles):
    client.force_login(staff)
    response = client.get(board_url(board), params)
    assert [row[0] for row in rows(response)] == titles


def test_board_refuses_a_bad_value_and_keeps_the_other_filters(client, staff, board):
    client.force_login(staff)
    response = client.get(board_url(board), {"k": "not a number", "has_late": "on"})
    assert response.status_code == 400
    assert response.context["form"].refusals() == ["Fewer than: Enter a whole number."]
    assert [row[0] for row in rows(response)] == ["Alpha"]


def test_risk_area_filter_does_not_multiply_counts(client, staff, board):
    alpha = board.submissions.get(title="Alpha")
    alpha.risk_areas.set(RiskArea.objects.filter(code__in=["cbrn", "cyber_offence"]))
    client.force_login(staff)
    response = client.get(board_url(board), {"risk_area": "cyber_offence"})
    assert rows(response) == [("Alpha", 3, 2, 0, 1, 2), ("Gamma", 0, 0, 0, 0, 0)]


def test_board_paginates_by_50_and_keeps_filters(client, staff, workshop):
    SubmissionFactory.create_batch(51, workshop=workshop, state="eligible", title="Study")
    client.force_login(staff)

    first = client.get(board_url(workshop), {"fewer": "on", "k": "3"})
    second = client.get(board_url(workshop), {"fewer": "on", "k": "3", "page": "2"})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 1
    assert "?fewer=on&amp;k=3&amp;page=2" in first.content.decode()


def test_reviewer_tab_paginates_by_50(client, staff, workshop):
    for _ in range(51):
        approve(UserFactory(), workshop)
    client.force_login(staff)
    second = client.get(board_url(workshop), {"tab": "reviewers", "page": "2"})
    assert len(second.context["page"].object_list) == 1


def test_board_of_unknown_workshop_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("reviews:staff_progress", args=["nosuchcall"])).status_code == 404
