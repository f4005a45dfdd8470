"""The submitters' page of released reviews: nothing before release, then every submitted
review as "Reviewer A/B", with scores, descriptors, justifications and the overall text,
without names and without what is meant for the AI Office only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import ConsolidatedAssessment, ConsolidatedScore
from reviews.services import reviewing as services

from .conftest import complete_input, submit_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(submission):
    return reverse("reviews:submission_reviews", args=[submission.code])


@pytest.fixture
def reviewed(assignment, second_review, criteria_set):
    data = complete_input(criteria_set, summary="FIRST-REVIEW-SUMMARY")
    first = next(iter(data.scores.values()))
    first.feedback_suggestion = "FEEDBACK-FOR-THE-AI-OFFICE"
    first.feedback_clear = "no"
    first.tag = "refine"
    first.evidence = "Section 4.2, p. 11"
    submit_review(assignment, data)
    return assignment


def _release(workshop, *, days=-1):
    workshop.reviews_released_at = timezone.now() + timedelta(days=days)
    workshop.save()


def test_before_release_it_says_not_released(client, evaluator, url, reviewed):
    client.force_login(evaluator)

    html = client.get(url).content.decode()

    assert "The reviews are not released yet." in html
    assert "FIRST-REVIEW-SUMMARY" not in html


def test_a_release_date_in_the_future_is_not_a_release(client, evaluator, url, reviewed, workshop):
    _release(workshop, days=2)
    client.force_login(evaluator)

    assert "The reviews are not released yet." in client.get(url).content.decode()


def test_after_release_reviews_are_shown_anonymised(client, evaluator, url, reviewed, workshop):
    _release(workshop)
    client.force_login(evaluator)

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert [review.label for review in response.context["reviews"]] == [
        "Reviewer A",
        "Reviewer B",
    ]
    assert "FIRST-REVIEW-SUMMARY" in html
    assert "SECOND-REVIEW-SUMMARY" in html
    assert "3 — Meets the Code&#x27;s expectation" in html
    assert "REL-1: The evaluation reports confidence intervals" in html
    assert "Pre-registered analysis." in html  # strengths
    assert "Small sample of wet-lab tasks." in html  # main gaps
    assert "Section 4.2, p. 11" in html  # evidence pointer
    for hidden in (
        "Rui Reviewer",
        "reviewer@example.org",
        "Selma Second",
        "FEEDBACK-FOR-THE-AI-OFFICE",
        "Criterion needs refinement",
        "Invite the submitters to the workshop?",
        "Confidence",
    ):
        assert hidden not in html, hidden


def test_drafts_are_never_shown(client, evaluator, url, assignment, workshop):
    review = services.review_get_or_create(assignment=assignment, user=assignment.reviewer)
    services.review_save_draft(
        review=review,
        user=assignment.reviewer,
        revision=1,
        data=services.ReviewInput(summary="DRAFT-SUMMARY"),
    )
    _release(workshop)
    client.force_login(evaluator)

    html = client.get(url).content.decode()

    assert "DRAFT-SUMMARY" not in html
    assert "There are no reviews of this evaluation." in html


def test_the_latest_submitted_version_is_shown(client, evaluator, url, reviewed, workshop):
    review = reviewed.review
    review.refresh_from_db()
    services.review_submit(
        review=review,
        user=reviewed.reviewer,
        revision=review.revision,
        data=complete_input(review.criteria_set, summary="RESUBMITTED-SUMMARY"),
    )
    _release(workshop)
    client.force_login(evaluator)

    html = client.get(url).content.decode()

    assert "RESUBMITTED-SUMMARY" in html
    assert "FIRST-REVIEW-SUMMARY" not in html


def _final_consolidation(submission, criteria_set, lead, *, state="final"):
    assessment = ConsolidatedAssessment.objects.create(
        submission=submission, criteria_set=criteria_set, lead=lead, state=state
    )
    criterion = criteria_set.criteria.order_by("position").first()
    ConsolidatedScore.objects.create(
        assessment=assessment, criterion=criterion, level=2, tag="gap", synthesis="SYNTHESIS-TEXT"
    )
    return criterion


def test_the_final_consolidated_assessment_comes_before_the_reviews(
    client, evaluator, url, reviewed, workshop, submission, criteria_set, reviewer
):
    criterion = _final_consolidation(submission, criteria_set, reviewer)
    _release(workshop)
    client.force_login(evaluator)

    html = client.get(url).content.decode()

    assert "SYNTHESIS-TEXT" in html
    assert html.index("SYNTHESIS-TEXT") < html.index("FIRST-REVIEW-SUMMARY")
    assert f"2 – {criterion.descriptor(2)}" in html
    # Like the reviews' tags, the assessment's tag is for the AI Office only.
    assert "Gap" not in html
    assert reviewer.full_name not in html


@pytest.mark.parametrize("state", ["draft", "circulated"])
def test_an_unfinished_consolidated_assessment_is_not_shown(
    client, evaluator, url, reviewed, workshop, submission, criteria_set, reviewer, state
):
    _final_consolidation(submission, criteria_set, reviewer, state=state)
    _release(workshop)
    client.force_login(evaluator)

    html = client.get(url).content.decode()

    assert "SYNTHESIS-TEXT" not in html
    assert "FIRST-REVIEW-SUMMARY" in html


def test_the_consolidated_assessment_waits_for_the_release(
    client, evaluator, url, reviewed, submission, criteria_set, reviewer
):
    _final_consolidation(submission, criteria_set, reviewer)
    client.force_login(evaluator)

    assert "SYNTHESIS-TEXT" not in client.get(url).content.decode()
