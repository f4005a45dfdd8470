"""/api/v1/reviews/: a reviewer's own reviews, staff's submitted ones, and writing a review
with If-Match through the review page's services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.services.tokens import api_token_create
from reviews.models import Review
from reviews.services import reviewing as services
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    CriteriaSetFactory,
    ReviewerApplicationFactory,
    UserFactory,
    WorkshopFactory,
)

JUSTIFICATION = "The evaluation reports confidence intervals and re-runs on held-out tasks."
LIST = reverse("api:review-list")


def _detail(review):
    return reverse("api:review-detail", kwargs={"code": review.code})


def _submit_url(review):
    return reverse("api:review-submit", kwargs={"code": review.code})


def _bearer(user, *scopes):
    _token, secret = api_token_create(user=user, name="script", scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


def approve(user, workshop):
    return ReviewerApplicationFactory(workshop=workshop, user=user, state="approved")


def complete_input(criteria_set, **overall):
    data = services.ReviewInput(
        summary="A careful study with a clear threat model.",
        confidence=4,
        recommendation="yes",
        **overall,
    )
    for criterion in criteria_set.criteria.all():
        data.scores[criterion.pk] = services.ScoreInput(
            level=3, justification=f"{criterion.code}: {JUSTIFICATION}", tag="aligned"
        )
    return data


def start_review(assignment):
    return services.review_get_or_create(assignment=assignment, user=assignment.reviewer)


def submit_review(assignment):
    review = start_review(assignment)
    services.review_submit(
        review=review,
        user=assignment.reviewer,
        revision=review.revision,
        data=complete_input(review.criteria_set),
    )
    review.refresh_from_db()
    return review


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Frontier risks call 2027", anonymous_review=True)


@pytest.fixture
def criteria_set(workshop):
    return CriteriaSetFactory(workshop=workshop)


@pytest.fixture
def submission(workshop, organisation, evaluator):
    return CompleteSubmissionFactory(
        workshop=workshop,
        organisation=organisation,
        contact=evaluator,
        state="eligible",
        title="Wet-lab uplift of Model X",
    )


@pytest.fixture
def assignment(submission, reviewer, criteria_set):
    application = approve(reviewer, submission.workshop)
    assignment = AssignmentFactory(
        submission=submission, reviewer=reviewer, created_at=timezone.now() - timedelta(hours=3)
    )
    assignment.application = application
    return assignment


@pytest.fixture
def review(assignment):
    return start_review(assignment)


@pytest.fixture
def second_reviewer(db):
    return UserFactory(email="second@example.org", full_name="Selma Second")


@pytest.fixture
def second_review(submission, second_reviewer, criteria_set, assignment):
    application = approve(second_reviewer, submission.workshop)
    review = submit_review(AssignmentFactory(submission=submission, reviewer=second_reviewer))
    review.application = application
    return review


def _scores(criteria_set, **by_code):
    return {c.code: by_code.get(c.code) for c in criteria_set.criteria.order_by("position")}


# --- reading ------------------------------------------------------------------------------


def test_a_reviewer_lists_only_their_own_reviews_without_any_identity(
    client, reviewer, review, second_review
):
    client.force_login(reviewer)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["code"] == review.code
    assert item["submission"] == {
        "code": review.assignment.submission.code,
        "title": "Wet-lab uplift of Model X",
    }
    # Their own review: nobody to name; nothing names the submitters either.
    assert item["reviewer"] is None
    assert "organisation" not in str(item)
    assert item["state"] == "draft"
    assert item["scores"] == []


def test_staff_see_submitted_reviews_with_the_reviewer_as_the_staff_pages_name_them(
    client, staff, review, second_review, second_reviewer, criteria_set
):
    client.force_login(staff)
    body = client.get(LIST).json()
    # The first reviewer's draft is theirs alone.
    assert [item["code"] for item in body["results"]] == [second_review.code]
    item = body["results"][0]
    assert item["reviewer"] == {
        "application": second_review.application.code,
        "label": "Reviewer B",
        "name": "Selma Second",
    }
    assert item["state"] == "submitted"
    assert [score["criterion"] for score in item["scores"]] == ["REL-1", "VAL-1", "ELI-2"]
    assert item["scores"][0] == {
        "criterion": "REL-1",
        "criterion_title": "Systemic-risk relevance",
        "level": 3,
        "not_applicable": False,
        "na_reason": "",
        "justification": f"REL-1: {JUSTIFICATION}",
        "evidence": "",
        "tag": "aligned",
        "feedback_clear": "",
        "feedback_applicable": "",
        "feedback_suggestion": "",
    }


def test_staff_filter_by_submission_reviewer_criterion_and_state(
    client, staff, second_review, submission, workshop
):
    other = submit_review(
        AssignmentFactory(
            submission=CompleteSubmissionFactory(workshop=workshop, state="eligible"),
            reviewer=approve(UserFactory(), workshop).user,
        )
    )
    client.force_login(staff)

    def codes(query):
        response = client.get(LIST, query)
        assert response.status_code == 200, response.content
        return [item["code"] for item in response.json()["results"]]

    assert sorted(codes({})) == sorted([second_review.code, other.code])
    assert codes({"submission": submission.code}) == [second_review.code]
    assert codes({"reviewer": second_review.application.code}) == [second_review.code]
    assert sorted(codes({"criterion": "VAL-1"})) == sorted([second_review.code, other.code])
    assert codes({"criterion": "NOPE-9"}) == []
    assert codes({"criterion": "VAL-1", "submission": submission.code}) == [second_review.code]
    assert codes({"state": "draft"}) == []
    assert sorted(codes({"workshop": workshop.code})) == sorted([second_review.code, other.code])


def test_a_bad_filter_value_is_a_problem_not_an_error(client, staff):
    client.force_login(staff)
    response = client.get(LIST, {"state": "finished"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "state" in response.json()["errors"]


def test_a_conflicted_reviewer_gets_404_on_their_assignment_and_no_list_entry(
    client, conflicted_reviewer, submission, criteria_set
):
    approve(conflicted_reviewer, submission.workshop)
    conflicted = AssignmentFactory(submission=submission, reviewer=conflicted_reviewer)
    # Written before the tie counted (staff dismissed it meanwhile, say): the row exists.
    found = Review.objects.create(assignment=conflicted, criteria_set=criteria_set)
    client.force_login(conflicted_reviewer)
    assert client.get(_detail(found)).status_code == 404
    assert client.get(LIST).json()["results"] == []


def test_the_detail_carries_an_etag_from_the_revision(client, reviewer, review):
    client.force_login(reviewer)
    response = client.get(_detail(review))
    assert response.status_code == 200
    assert response["ETag"] == f'"{review.revision}"'
    assert response.json()["revision"] == review.revision


def test_list_query_count_does_not_grow_with_reviews(
    client, staff, workshop, criteria_set, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            user = UserFactory()
            approve(user, workshop)
            submit_review(
                AssignmentFactory(
                    submission=CompleteSubmissionFactory(workshop=workshop, state="eligible"),
                    reviewer=user,
                )
            )

    client.force_login(staff)
    add(2)
    client.get(LIST)  # warm the session and the caches
    with django_assert_num_queries(8) as small:
        assert client.get(LIST).json()["count"] == 2
    add(10)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(LIST).json()["count"] == 12


def test_token_needs_the_reviews_read_scope(client, reviewer, review):
    assert client.get(LIST, headers=_bearer(reviewer, "reviews:read")).status_code == 200
    refused = client.get(LIST, headers=_bearer(reviewer, "submissions:read"))
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"


# --- writing ------------------------------------------------------------------------------


def _patch(client, review, body, *, etag=None, **headers):
    if etag is not None:
        headers["If-Match"] = etag
    return client.patch(_detail(review), body, content_type="application/json", headers=headers)


def test_a_patch_saves_a_draft_and_answers_the_new_etag(client, reviewer, review):
    client.force_login(reviewer)
    response = _patch(
        client,
        review,
        {
            "summary": "Solid.",
            "scores": [{"criterion": "VAL-1", "level": 2, "justification": "Too short yet"}],
        },
        etag=f'"{review.revision}"',
    )
    assert response.status_code == 200, response.content
    review.refresh_from_db()
    assert response["ETag"] == f'"{review.revision}"' == '"2"'
    body = response.json()
    assert body["summary"] == "Solid."
    assert body["scores"] == [
        {
            "criterion": "VAL-1",
            "criterion_title": "Internal validity",
            "level": 2,
            "not_applicable": False,
            "na_reason": "",
            "justification": "Too short yet",
            "evidence": "",
            "tag": "",
            "feedback_clear": "",
            "feedback_applicable": "",
            "feedback_suggestion": "",
        }
    ]
    # A second change keeps what it does not name.
    again = _patch(client, review, {"confidence": 3}, etag=response["ETag"])
    assert again.status_code == 200
    assert again.json()["scores"][0]["level"] == 2
    assert again.json()["summary"] == "Solid."


def test_a_patch_without_if_match_is_428(client, reviewer, review):
    client.force_login(reviewer)
    response = _patch(client, review, {"summary": "Solid."})
    assert response.status_code == 428
    assert response.json()["code"] == "if_match_required"
    review.refresh_from_db()
    assert review.summary == ""


def test_a_stale_patch_is_412_and_changes_nothing(client, reviewer, review):
    client.force_login(reviewer)
    first = _patch(client, review, {"summary": "From the other tab."}, etag='"1"')
    assert first.status_code == 200
    stale = _patch(client, review, {"summary": "From the script."}, etag='"1"')
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert stale["ETag"] == '"2"'
    problem = stale.json()
    assert problem["code"] == "stale"
    assert problem["etag"] == '"2"'
    assert "saved by someone else" in problem["detail"]
    review.refresh_from_db()
    assert (review.summary, review.revision) == ("From the other tab.", 2)


def test_a_level_outside_the_scale_is_refused_with_the_page_message(client, reviewer, review):
    client.force_login(reviewer)
    response = _patch(client, review, {"scores": [{"criterion": "VAL-1", "level": 9}]}, etag='"1"')
    assert response.status_code == 400
    assert response.json()["errors"] == {"scores.VAL-1.level": ["Choose a listed level."]}
    unknown = _patch(client, review, {"scores": [{"criterion": "XX-1", "level": 1}]}, etag='"1"')
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {
        "scores": ["The review names a criterion that is not in its set."]
    }


def test_submit_with_a_short_justification_is_400_with_the_page_message(
    client, reviewer, review, criteria_set
):
    client.force_login(reviewer)
    data = {
        "summary": "A careful study.",
        "confidence": 4,
        "recommendation": "yes",
        "scores": [
            {"criterion": c.code, "level": 3, "justification": JUSTIFICATION}
            for c in criteria_set.criteria.all()
        ],
    }
    data["scores"][1]["justification"] = "Too short."
    response = client.post(
        _submit_url(review), data, content_type="application/json", headers={"If-Match": '"1"'}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "scores.VAL-1.justification": [
            "VAL-1 Internal validity: the justification needs at least 20 characters"
        ]
    }
    review.refresh_from_db()
    assert (review.state, review.revision) == ("draft", 1)

    data["scores"][1]["justification"] = JUSTIFICATION
    done = client.post(
        _submit_url(review), data, content_type="application/json", headers={"If-Match": '"1"'}
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "submitted"
    assert done["ETag"] == '"2"'
    # A submitted review changes only by submitting again, as on the page.
    draft = _patch(client, review, {"summary": "Later."}, etag='"2"')
    assert draft.status_code == 400
    assert "submit it again" in draft.json()["errors"]["non_field_errors"][0]


def test_staff_may_read_a_submitted_review_but_not_change_it(client, staff, second_review):
    client.force_login(staff)
    assert client.get(_detail(second_review)).json()["reviewer"]["name"] == "Selma Second"
    assert _patch(client, second_review, {"summary": "x"}, etag='"2"').status_code == 403


def test_writing_needs_the_reviews_write_scope(client, reviewer, review):
    read_only = _bearer(reviewer, "reviews:read")
    response = client.patch(
        _detail(review),
        {"summary": "x"},
        content_type="application/json",
        headers={**read_only, "If-Match": '"1"'},
    )
    assert response.status_code == 403
    writer = _bearer(reviewer, "reviews:write")
    response = client.patch(
        _detail(review),
        {"summary": "x"},
        content_type="application/json",
        headers={**writer, "If-Match": '"1"'},
    )
    assert response.status_code == 200
