"""reviews.services.reviewing on its own: the guards every caller gets, not only the views."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from criteria.models import CriteriaSet
from portal.concurrency import StaleEditError
from reviews.models import Assignment, CriterionScore, Review
from reviews.services import reviewing as services

from .conftest import complete_input, submit_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(assignment):
    return services.review_get_or_create(assignment=assignment, user=assignment.reviewer)


@pytest.fixture
def criteria(criteria_set):
    return {c.code: c for c in criteria_set.criteria.all()}


def test_review_is_not_created_before_accepting(assignment):
    assignment.state = Assignment.State.ASSIGNED
    assignment.save()

    assert services.review_get_or_create(assignment=assignment, user=assignment.reviewer) is None
    assert not Review.objects.exists()


def test_review_is_not_created_without_a_criteria_set(assignment):
    CriteriaSet.objects.filter(workshop=assignment.workshop).delete()

    assert services.review_get_or_create(assignment=assignment, user=assignment.reviewer) is None


def test_opening_twice_at_once_makes_one_review(assignment):
    # The second request loaded the assignment before the first created the review.
    stale_copy = Assignment.objects.select_related("review").get(pk=assignment.pk)
    first = services.review_get_or_create(assignment=assignment, user=assignment.reviewer)

    second = services.review_get_or_create(assignment=stale_copy, user=assignment.reviewer)

    assert second == first
    assert Review.objects.count() == 1


def test_nobody_else_writes_a_reviewers_review(review, second_reviewer):
    with pytest.raises(PermissionDenied):
        services.review_save_draft(
            review=review, user=second_reviewer, revision=1, data=services.ReviewInput()
        )


def test_window_is_open_until_the_deadline_itself(assignment):
    deadline = assignment.deadline

    assert services.review_window_open(assignment=assignment, now=deadline) is True
    assert (
        services.review_window_open(assignment=assignment, now=deadline + timedelta(seconds=1))
        is False
    )


def test_save_after_the_deadline_is_refused(review):
    later = review.assignment.deadline + timedelta(minutes=1)

    with pytest.raises(services.ReviewClosedError) as refused:
        services.review_save_draft(
            review=review,
            user=review.assignment.reviewer,
            revision=1,
            data=services.ReviewInput(),
            now=later,
        )

    assert refused.value.message.startswith("The review deadline passed on")


def test_stale_revision_is_refused_with_the_current_one(review):
    user = review.assignment.reviewer
    services.review_save_draft(review=review, user=user, revision=1, data=services.ReviewInput())

    with pytest.raises(StaleEditError) as stale:
        services.review_save_draft(
            review=review, user=user, revision=1, data=services.ReviewInput()
        )

    assert stale.value.current == 2


@pytest.mark.parametrize(
    ("code", "item", "confidence"),
    [
        ("REL-1", services.ScoreInput(level=9), None),
        ("REL-1", services.ScoreInput(not_applicable=True), None),
        ("ELI-2", services.ScoreInput(not_applicable=True, level=2), None),
        ("REL-1", services.ScoreInput(), 6),
    ],
    ids=["level-not-listed", "na-not-allowed", "na-with-level", "confidence-out-of-range"],
)
def test_types_are_checked_for_every_caller(review, criteria, code, item, confidence):
    data = services.ReviewInput(confidence=confidence, scores={criteria[code].pk: item})

    with pytest.raises(ValidationError):
        services.review_save_draft(
            review=review, user=review.assignment.reviewer, revision=1, data=data
        )


def test_empty_answers_create_no_score_rows(review, criteria):
    data = services.ReviewInput(
        scores={
            criteria["REL-1"].pk: services.ScoreInput(),
            criteria["VAL-1"].pk: services.ScoreInput(evidence="p. 4"),
        }
    )

    services.review_save_draft(
        review=review, user=review.assignment.reviewer, revision=1, data=data
    )

    assert list(CriterionScore.objects.values_list("criterion__code", "evidence")) == [
        ("VAL-1", "p. 4")
    ]


def test_a_submitted_review_changes_only_by_submitting_again(review, criteria_set):
    review = submit_review(review.assignment)

    with pytest.raises(ValidationError) as refused:
        services.review_save_draft(
            review=review,
            user=review.assignment.reviewer,
            revision=review.revision,
            data=services.ReviewInput(summary="half-done"),
        )

    assert refused.value.messages == [
        "This review is submitted: submit it again to save your changes. Until then the "
        "submitted version stays as it is."
    ]
    version = services.review_submit(
        review=review,
        user=review.assignment.reviewer,
        revision=review.revision,
        data=complete_input(criteria_set, summary="Revised."),
    )
    assert version.number == 2


def test_submit_reports_problems_keyed_by_field(review, criteria):
    with pytest.raises(ValidationError) as refused:
        services.review_submit(
            review=review,
            user=review.assignment.reviewer,
            revision=1,
            data=services.ReviewInput(summary="s", confidence=3, recommendation="no"),
        )

    rel, val, eli = (criteria[code].pk for code in ("REL-1", "VAL-1", "ELI-2"))
    assert list(refused.value.message_dict) == [
        f"c{rel}-level",
        f"c{rel}-justification",
        f"c{val}-level",
        f"c{val}-justification",
        f"c{eli}-level",
        f"c{eli}-justification",
    ]


def test_justification_is_optional_where_the_criterion_says_so(review, criteria, criteria_set):
    criteria["VAL-1"].justification_required = False
    criteria["VAL-1"].save()
    data = complete_input(criteria_set)
    data.scores[criteria["VAL-1"].pk].justification = ""

    version = services.review_submit(
        review=review, user=review.assignment.reviewer, revision=1, data=data
    )

    assert version.number == 1


def test_accept_and_decline_only_once(assignment):
    user = assignment.reviewer
    assignment.state = Assignment.State.ASSIGNED
    assignment.save()
    services.assignment_accept(assignment=assignment, user=user)

    with pytest.raises(ValidationError):
        services.assignment_accept(assignment=assignment, user=user)
    with pytest.raises(ValidationError):
        services.assignment_decline(assignment=assignment, user=user, reason="Too busy.")


def test_decline_needs_a_reason(assignment):
    assignment.state = Assignment.State.ASSIGNED
    assignment.save()

    with pytest.raises(ValidationError) as refused:
        services.assignment_decline(assignment=assignment, user=assignment.reviewer, reason="  ")

    assert refused.value.message_dict == {"reason": ["Tell the AI Office why you decline."]}
    assignment.refresh_from_db()
    assert (assignment.state, assignment.responded_at) == ("assigned", None)


def test_decline_records_reason_and_time(assignment):
    assignment.state = Assignment.State.ASSIGNED
    assignment.save()
    before = timezone.now()

    services.assignment_decline(
        assignment=assignment, user=assignment.reviewer, reason=" Conflict with a co-author. "
    )

    assignment.refresh_from_db()
    assert (assignment.state, assignment.decline_reason) == (
        "declined",
        "Conflict with a co-author.",
    )
    assert assignment.responded_at >= before
