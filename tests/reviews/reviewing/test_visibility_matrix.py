"""Who gets which reviewing page, for every persona, submission state and confidentiality.

404 for what one may not see (a conflicted reviewer too, even with the URL in hand), 403
for what one may see but not open (staff on the submitters' page), the login page for
anonymous visitors. The expected status is computed by one small function
below, so that the rule is readable and every cell of the matrix is its own test.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import ReviewerApplication
from reviews.selectors import reviewer_labels
from submissions.models import Submission
from tests.helpers import close_response

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = [
    "reviewer",  # assigned
    "conflicted_reviewer",  # assigned, but with a declared tie to the submitting organisation
    "other_reviewer",  # approved for the workshop, assigned elsewhere
    "evaluator",  # member of the submitting organisation
    "other_evaluator",
    "staff",
    "anonymous",
]
STATES = ["eligible", "not_eligible", "withdrawn"]
CONFIDENTIALITY = ["reviewers", "ai_office_only_cleared", "ai_office_only_not_cleared"]
PAGES = ["review_page", "file_download", "other_reviews", "submitter_reviews"]


def expected(persona: str, page: str, state: str, confidentiality: str):
    if persona == "anonymous":
        return LOGIN
    if page == "submitter_reviews":
        # Staff see the submission, but this page is its submitters'.
        return {"evaluator": 200, "staff": 403}.get(persona, 404)
    if persona != "reviewer":
        return 404
    reviewable = state == "eligible" and confidentiality != "ai_office_only_not_cleared"
    return 200 if reviewable else 404


@pytest.fixture
def other_reviewer(db, workshop):
    from tests.factories import UserFactory

    from .conftest import approve

    user = UserFactory(email="elsewhere@example.org", full_name="Elsa Elsewhere")
    approve(user, workshop)
    return user


@pytest.fixture
def scenario(request, workshop, submission, assignment, conflicted_assignment, second_review):
    state, confidentiality = request.param
    workshop.reviews_released_at = timezone.now() - timedelta(days=1)
    workshop.save()
    cleared = confidentiality == "ai_office_only_cleared"
    ReviewerApplication.objects.filter(workshop=workshop).update(cleared_for_confidential=cleared)
    Submission.objects.filter(pk=submission.pk).update(
        state=state,
        confidentiality=(
            Submission.Confidentiality.REVIEWERS
            if confidentiality == "reviewers"
            else Submission.Confidentiality.AI_OFFICE_ONLY
        ),
    )
    assignment.second_reviewer_id = second_review.assignment.reviewer_id
    return assignment


def _url(page: str, assignment) -> str:
    if page == "submitter_reviews":
        return reverse("reviews:submission_reviews", args=[assignment.submission.code])
    if page == "file_download":
        file = assignment.submission.versions.get().files.get()
        return reverse("reviews:review_file", args=[assignment.code, file.code])
    return reverse("reviews:review_detail", args=[assignment.code])


CASES = [
    pytest.param(
        (state, confidentiality),
        page,
        persona,
        expected(persona, page, state, confidentiality),
        id=f"{page}-{persona}-{state}-{confidentiality}",
    )
    for page in PAGES
    for persona in PERSONAS
    for state in STATES
    for confidentiality in CONFIDENTIALITY
]


@pytest.mark.parametrize(("scenario", "page", "persona", "status"), CASES, indirect=["scenario"])
def test_visibility_matrix(client, request, scenario, page, persona, status):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(_url(page, scenario))

    if status == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        return
    assert response.status_code == status
    if status != 200:
        return
    if page == "file_download":
        response.close()
        return
    html = response.content.decode()
    if page in ("other_reviews", "submitter_reviews"):
        # The other reviewer's submitted review is there, under a label, never a name.
        label = reviewer_labels(submission=scenario.submission)[scenario.second_reviewer_id]
        assert "SECOND-REVIEW-SUMMARY" in html
        assert f">{label}<" in html
        assert "Selma Second" not in html
        assert "second@example.org" not in html
    if page == "submitter_reviews":
        assert "Rui Reviewer" not in html


@pytest.mark.parametrize("page", ["review_page", "file_download", "other_reviews"])
def test_reviewer_who_is_member_of_the_submitting_organisation_gets_404(
    client, page, assignment, organisation, second_review
):
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=organisation, user=assignment.reviewer)
    client.force_login(assignment.reviewer)

    response = client.get(_url(page, assignment))

    assert response.status_code == 404


def test_reviewer_with_a_tie_to_the_provider_gets_404(client, assignment):
    from tests.factories import ReviewerTieFactory

    ReviewerTieFactory(
        user=assignment.reviewer, organisation=None, provider=assignment.submission.provider
    )
    client.force_login(assignment.reviewer)

    response = client.get(_url("review_page", assignment))

    assert response.status_code == 404


def test_declined_assignment_gets_404(client, assignment):
    assignment.state = "declined"
    assignment.save()
    client.force_login(assignment.reviewer)

    assert client.get(_url("review_page", assignment)).status_code == 404


def test_autosave_of_someone_elses_review_gets_404(client, assignment, second_reviewer):
    from reviews.services import reviewing as services

    review = services.review_get_or_create(assignment=assignment, user=assignment.reviewer)
    client.force_login(second_reviewer)

    response = client.post(
        reverse("reviews:review_autosave", args=[assignment.code]),
        {"revision": review.revision, "summary": "Overwritten?"},
    )

    assert response.status_code == 404
    review.refresh_from_db()
    assert review.summary == ""


@pytest.mark.parametrize("state", ["withdrawn", "declined", "pending"])
@pytest.mark.parametrize("page", ["review_page", "file_download"])
def test_a_reviewer_no_longer_approved_loses_the_submission(client, assignment, state, page):
    """Permission bug fixed: withdrawing one's application (or staff declining it after
    approving it) left the assignments in place, and with them the review page and the
    files of an unpublished evaluation."""
    ReviewerApplication.objects.filter(
        workshop=assignment.workshop, user=assignment.reviewer
    ).update(state=state)
    client.force_login(assignment.reviewer)

    response = client.get(_url(page, assignment))
    close_response(response)

    assert response.status_code == 404


def test_a_former_reviewer_cannot_autosave(client, assignment):
    from reviews.services import reviewing as services

    review = services.review_get_or_create(assignment=assignment, user=assignment.reviewer)
    ReviewerApplication.objects.filter(user=assignment.reviewer).update(state="withdrawn")
    client.force_login(assignment.reviewer)

    response = client.post(
        reverse("reviews:review_autosave", args=[assignment.code]),
        {"revision": review.revision, "summary": "Still here?"},
    )

    assert response.status_code == 404
