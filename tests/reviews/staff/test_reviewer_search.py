"""The search that replaced the list of every reviewer on a submission's Reviewers page."""

import re

import pytest
from django.urls import reverse

from reviews.models import Assignment
from reviews.selectors.progress import CANDIDATE_SEARCH_LIMIT, reviewer_candidates_search
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ReviewerApplicationFactory,
    UserFactory,
)

from .conftest import approve

pytestmark = pytest.mark.django_db


def page_url(submission) -> str:
    return reverse("reviews:staff_submission_reviewers", args=[submission.code])


def names(users) -> list[str]:
    return [str(u) for u in users]


def test_search_matches_name_or_email_and_leaves_out_who_cannot_be_assigned(
    submission, rui, workshop
):
    by_email = UserFactory(full_name="Berit Berg", email="b.berg@ruinart.example")
    approve(by_email, workshop)
    for state in ("assigned", "declined"):
        user = UserFactory(full_name=f"Rui {state.title()}")
        approve(user, workshop)
        AssignmentFactory(submission=submission, reviewer=user, state=state)
    pending = UserFactory(full_name="Rui Pending")
    ReviewerApplicationFactory(workshop=workshop, user=pending, state="pending")
    elsewhere = UserFactory(full_name="Rui Elsewhere")
    approve(elsewhere, AssignmentFactory().workshop)
    inactive = UserFactory(full_name="Rui Inactive", is_active=False)
    approve(inactive, workshop)
    unrelated = UserFactory(full_name="Carla Other")
    approve(unrelated, workshop)

    found = reviewer_candidates_search(submission=submission, query="  rUi ")

    assert names(found) == ["Berit Berg", "Rui Reviewer"]
    assert reviewer_candidates_search(submission=submission, query="   ") == []


def test_search_is_cut_at_the_limit_and_says_so(client, staff, submission, workshop):
    for index in range(CANDIDATE_SEARCH_LIMIT + 1):
        approve(UserFactory(full_name=f"Zoe {index:02d}"), workshop)
    client.force_login(staff)

    response = client.get(page_url(submission), {"q": "zoe"})

    assert names(response.context["candidates"]) == [f"Zoe {i:02d}" for i in range(20)]
    assert response.context["more_candidates"] is True
    assert "The first 20 matching reviewers are shown" in response.content.decode()


def test_page_without_search_lists_no_reviewer_of_the_call(client, staff, submission, rui):
    client.force_login(staff)

    response = client.get(page_url(submission))

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["candidates"] == []
    assert "Rui Reviewer" not in content
    assert "Search for approved reviewers of this call by name or email" in content
    # The search field is labelled "Reviewer" and is a plain GET form.
    assert re.search(
        r'<label\s+for="id_search_q" class="form-label">\s*Reviewer\s*</label>', content
    )
    assert '<input type="search" name="q"' in content


def test_search_then_assign_without_javascript(client, staff, submission, rui):
    client.force_login(staff)
    code = rui.reviewer_applications.get(workshop=submission.workshop).code

    found = client.get(page_url(submission), {"q": "reviewer@"})

    content = found.content.decode()
    assert re.search(f'type="radio" [^>]*name="reviewer" value="{code}"', content)
    assert "Rui Reviewer (reviewer@example.org) · 0 of" in content
    assert "No known conflict" in content
    response = client.post(
        reverse("reviews:staff_assignment_add", args=[submission.code]),
        {"reviewer": code, "q": "reviewer@"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get().reviewer == rui


def test_refusal_shows_the_search_results_again(client, staff, submission, rui, baltic_lab):
    MembershipFactory(organisation=baltic_lab, user=rui)
    other = UserFactory(full_name="Rui Second")
    approve(other, submission.workshop)
    client.force_login(staff)
    code = rui.reviewer_applications.get(workshop=submission.workshop).code

    response = client.post(
        reverse("reviews:staff_assignment_add", args=[submission.code]),
        {"reviewer": code, "q": "rui"},
    )

    assert response.status_code == 400
    assert names(response.context["candidates"]) == ["Rui Reviewer", "Rui Second"]
    assert response.context["assign_form"]["q"].value() == "rui"
    assert "Member of the submitting organisation (Baltic Lab)." in response.content.decode()


def test_assigned_reviewer_cannot_be_posted_again(client, staff, submission, rui):
    AssignmentFactory(submission=submission, reviewer=rui)
    client.force_login(staff)
    code = rui.reviewer_applications.get(workshop=submission.workshop).code

    response = client.post(
        reverse("reviews:staff_assignment_add", args=[submission.code]), {"reviewer": code}
    )

    assert response.status_code == 400
    assert list(response.context["assign_form"].errors) == ["reviewer"]
    assert Assignment.objects.count() == 1


def test_conflict_form_offers_the_assigned_and_the_found(client, staff, submission, rui):
    assigned = UserFactory(full_name="Anna Assigned")
    approve(assigned, submission.workshop)
    AssignmentFactory(submission=submission, reviewer=assigned)
    client.force_login(staff)

    plain = client.get(page_url(submission))
    searched = client.get(page_url(submission), {"q": "rui"})

    def offered(response):
        return [
            label
            for value, label in response.context["conflict_form"]["reviewer"].field.choices
            if value
        ]

    assert [label.split(" (")[0] for label in offered(plain)] == ["Anna Assigned"]
    assert [label.split(" (")[0] for label in offered(searched)] == [
        "Anna Assigned",
        "Rui Reviewer",
    ]
