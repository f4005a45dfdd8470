"""Reviewer applications, reviewers, declared ties and bids through /api/v1/."""

import pytest
from django.urls import reverse

from assignment.models import Bid
from reviews.models import ConflictRecord, ReviewerTie
from tests.factories import (
    CompleteSubmissionFactory,
    ReviewerApplicationFactory,
    ReviewerTieFactory,
    UserFactory,
    WorkshopFactory,
)


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Frontier risks call 2027", anonymous_review=True)


def _apply(workshop, n, state="pending", start=0):
    return [
        ReviewerApplicationFactory(
            workshop=workshop,
            user=UserFactory(full_name=f"Applicant {i}", email=f"a{i}@example.org"),
            state=state,
        )
        for i in range(start, start + n)
    ]


def test_staff_list_a_calls_applications_filtered_by_state(client, staff, workshop):
    pending = _apply(workshop, 1)[0]
    approved = ReviewerApplicationFactory(
        workshop=workshop,
        user=UserFactory(full_name="Rui Reviewer", email="rui@example.org"),
        state="approved",
        languages=["en", "fr"],
        max_reviews=3,
    )
    client.force_login(staff)
    url = reverse("api:reviewer-application-list", kwargs={"workshop_code": workshop.code})
    body = client.get(url, {"state": "approved"}).json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "code": approved.code,
        "workshop": workshop.code,
        "applicant": {"name": "Rui Reviewer", "email": "rui@example.org"},
        "state": "approved",
        "affiliation": "Independent",
        "languages": ["en", "fr"],
        "max_reviews": 3,
        "cleared_for_confidential": False,
        "expertise": [],
        "created_at": approved.created_at.isoformat().replace("+00:00", "Z"),
    }
    assert client.get(url).json()["count"] == 2
    assert client.get(url, {"state": "lost"}).status_code == 400
    reviewers = client.get(
        reverse("api:reviewer-list", kwargs={"workshop_code": workshop.code})
    ).json()
    assert [r["code"] for r in reviewers["results"]] == [approved.code]
    assert pending.code not in str(reviewers)


def test_application_list_query_count_does_not_grow(
    client, staff, workshop, django_assert_num_queries
):
    url = reverse("api:reviewer-application-list", kwargs={"workshop_code": workshop.code})
    client.force_login(staff)
    _apply(workshop, 2)
    client.get(url)
    with django_assert_num_queries(8) as small:
        assert client.get(url).json()["count"] == 2
    _apply(workshop, 10, start=2)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).json()["count"] == 12


def test_an_applicant_reads_their_application_with_their_ties_others_get_404(
    client, workshop, reviewer, other_evaluator, organisation
):
    application = ReviewerApplicationFactory(workshop=workshop, user=reviewer)
    tie = ReviewerTieFactory(user=reviewer, organisation=organisation)
    url = reverse("api:reviewer-application-detail", kwargs={"code": application.code})
    client.force_login(reviewer)
    body = client.get(url).json()
    assert body["statement"] == application.statement
    assert body["has_cv_file"] is False
    assert [t["code"] for t in body["ties"]] == [tie.code]
    assert body["ties"][0]["person"] is None
    assert body["ties"][0]["organisation"] == {"code": organisation.code, "name": organisation.name}
    client.force_login(other_evaluator)
    assert client.get(url).status_code == 404


def test_ties_declare_list_and_end(client, reviewer, organisation):
    client.force_login(reviewer)
    url = reverse("api:conflict-list")
    made = client.post(
        url,
        {"organisation": organisation.code, "tie_type": "funding", "note": "A grant"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    tie = ReviewerTie.objects.get(user=reviewer)
    assert made.json() == {
        "code": tie.code,
        "person": None,
        "organisation": {"code": organisation.code, "name": organisation.name},
        "provider": None,
        "tie_type": "funding",
        "note": "A grant",
        "created_at": tie.created_at.isoformat().replace("+00:00", "Z"),
        "ended_at": None,
    }
    again = client.post(
        url,
        {"organisation": organisation.code, "tie_type": "funding"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["errors"] == {"non_field_errors": ["You have already declared this tie."]}
    assert [t["code"] for t in client.get(url).json()["results"]] == [tie.code]
    end = reverse("api:conflict-end", kwargs={"code": tie.code})
    assert client.post(end).json()["ended_at"] is not None
    assert client.post(end).status_code == 403


def test_staff_read_the_ties_of_a_calls_applicants(client, staff, workshop, organisation):
    applicant = _apply(workshop, 1)[0].user
    tie = ReviewerTieFactory(user=applicant, organisation=organisation)
    ReviewerTieFactory(organisation=organisation)  # someone who never applied
    client.force_login(staff)
    body = client.get(reverse("api:conflict-list"), {"workshop": workshop.code}).json()
    assert [t["code"] for t in body["results"]] == [tie.code]
    assert body["results"][0]["person"] == {"name": "Applicant 0", "email": "a0@example.org"}


@pytest.fixture
def bidding(workshop, organisation, other_organisation, reviewer):
    ReviewerApplicationFactory(workshop=workshop, user=reviewer, state="approved")
    open_ = CompleteSubmissionFactory(
        workshop=workshop, organisation=other_organisation, state="eligible", title="B study"
    )
    conflicted = CompleteSubmissionFactory(
        workshop=workshop, organisation=organisation, state="eligible", title="A study"
    )
    ReviewerTieFactory(user=reviewer, organisation=organisation)
    return open_, conflicted


def test_bids_list_only_what_the_reviewer_may_bid_on_without_identity(
    client, reviewer, workshop, bidding
):
    open_, conflicted = bidding
    client.force_login(reviewer)
    url = reverse("api:bid-list", kwargs={"workshop_code": workshop.code})
    body = client.get(url).json()
    assert [row["submission"] for row in body["results"]] == [open_.code]
    row = body["results"][0]
    assert (row["organisation"], row["authors"], row["bid"]) == ("", [], "")


def test_a_bid_is_set_changed_and_withdrawn_conflicts_are_404(client, reviewer, workshop, bidding):
    open_, conflicted = bidding
    client.force_login(reviewer)

    def put(submission, value):
        url = reverse(
            "api:bid-detail",
            kwargs={"workshop_code": workshop.code, "submission_code": submission.code},
        )
        return client.put(url, {"bid": value}, content_type="application/json")

    assert put(open_, "eager").json()["bid"] == "eager"
    assert Bid.objects.get(reviewer=reviewer, submission=open_).value == "eager"
    assert put(open_, "conflict").json()["bid"] == "conflict"
    assert ConflictRecord.objects.filter(
        reviewer=reviewer, submission=open_, action="bid", revoked_at__isnull=True
    ).exists()
    assert put(open_, "").json()["bid"] == ""
    assert not Bid.objects.filter(reviewer=reviewer, submission=open_).exists()
    assert put(open_, "keen").status_code == 400
    assert put(conflicted, "eager").status_code == 404


def test_bid_list_query_count_does_not_grow(
    client, reviewer, workshop, bidding, other_organisation, django_assert_num_queries
):
    client.force_login(reviewer)
    url = reverse("api:bid-list", kwargs={"workshop_code": workshop.code})
    client.get(url)
    with django_assert_num_queries(11) as small:
        assert client.get(url).json()["count"] == 1
    for _ in range(10):
        CompleteSubmissionFactory(
            workshop=workshop, organisation=other_organisation, state="eligible"
        )
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).json()["count"] == 11
