"""Aggregates of submitted reviews through /api/v1/ (staff, reports:read)."""

import pytest
from django.urls import reverse

from portal.services.tokens import api_token_create
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


def _submit(submission, name, level):
    user = UserFactory(full_name=name)
    application = ReviewerApplicationFactory(
        workshop=submission.workshop, user=user, state="approved"
    )
    assignment = AssignmentFactory(submission=submission, reviewer=user)
    review = services.review_get_or_create(assignment=assignment, user=user)
    data = services.ReviewInput(summary="Fine.", confidence=3, recommendation="yes")
    for criterion in review.criteria_set.criteria.all():
        data.scores[criterion.pk] = services.ScoreInput(
            level=level, justification=JUSTIFICATION, tag="aligned"
        )
    services.review_submit(review=review, user=user, revision=review.revision, data=data)
    return application


@pytest.fixture
def scored(db, organisation):
    workshop = WorkshopFactory()
    criteria_set = CriteriaSetFactory(workshop=workshop)
    submission = CompleteSubmissionFactory(
        workshop=workshop, organisation=organisation, state="eligible"
    )
    first = _submit(submission, "Ada First", 1)
    second = _submit(submission, "Ben Second", 3)
    return workshop, criteria_set, submission, first, second


def test_staff_read_a_submissions_aggregates_per_criterion(client, staff, scored):
    workshop, criteria_set, submission, first, second = scored
    client.force_login(staff)
    body = client.get(reverse("api:submission-aggregates", kwargs={"code": submission.code})).json()
    assert body["submission"] == submission.code
    (version,) = body["versions"]
    assert (version["criteria_set"], version["version"]) == (
        criteria_set.code,
        criteria_set.version,
    )
    assert version["reviewers"] == [
        {"label": "Reviewer A", "application": first.code, "name": "Ada First"},
        {"label": "Reviewer B", "application": second.code, "name": "Ben Second"},
    ]
    rel = version["criteria"][0]
    assert rel["criterion"] == "REL-1"
    assert rel["stats"] == {
        "count": 2,
        "na_count": 0,
        "mean": 2.0,
        "median": 2.0,
        "sd": pytest.approx(1.4142135),
        "min": 1,
        "max": 3,
        "disagreement": True,
        "tag_counts": {"aligned": 2, "gap": 0, "refine": 0},
    }
    assert rel["levels"] == [
        {"reviewer": "Reviewer A", "level": 1, "not_applicable": False, "tag": "aligned"},
        {"reviewer": "Reviewer B", "level": 3, "not_applicable": False, "tag": "aligned"},
    ]


def test_staff_read_a_workshops_criteria_aggregates(client, staff, scored):
    workshop, criteria_set, submission, first, second = scored
    _token, secret = api_token_create(user=staff, name="s", scopes=["reports:read"])
    response = client.get(
        reverse("api:workshop-criteria-aggregates", kwargs={"workshop_code": workshop.code}),
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200
    body = response.json()
    (version,) = body["versions"]
    assert version["review_count"] == 2
    assert [c["criterion"] for c in version["criteria"]] == ["REL-1", "VAL-1", "ELI-2"]
    rel = version["criteria"][0]
    assert (rel["submission_count"], rel["disagreement_count"], rel["alpha"]) == (1, 1, 0.0)
    assert rel["stats"]["count"] == 2


def test_members_of_the_submitting_organisation_get_403_others_404(
    client, evaluator, other_evaluator, scored
):
    submission = scored[2]
    url = reverse("api:submission-aggregates", kwargs={"code": submission.code})
    client.force_login(evaluator)
    assert client.get(url).status_code == 403
    client.force_login(other_evaluator)
    assert client.get(url).status_code == 404


def test_reviews_read_scope_is_not_enough(client, staff, scored):
    _token, secret = api_token_create(user=staff, name="s", scopes=["reviews:read"])
    response = client.get(
        reverse("api:workshop-criteria-aggregates", kwargs={"workshop_code": scored[0].code}),
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
