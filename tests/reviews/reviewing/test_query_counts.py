"""Reviewer pages cost the same number of queries whatever the size of what they list."""

import pytest
from django.urls import reverse

from reviews.services import reviewing as services
from tests.factories import AssignmentFactory, CompleteSubmissionFactory, UserFactory

from .conftest import (
    add_submitted_version,
    approve,
    complete_input,
    criteria_set_of_size,
    submit_review,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [2, 15])
def test_my_reviews_queries_constant(client, reviewer, workshop, django_assert_num_queries, size):
    criteria_set_of_size(workshop, 3)
    approve(reviewer, workshop)
    for index in range(size):
        submission = CompleteSubmissionFactory(workshop=workshop, state="eligible")
        add_submitted_version(submission)
        assignment = AssignmentFactory(
            submission=submission, reviewer=reviewer, state="assigned" if index % 3 else "accepted"
        )
        if index % 3 == 0:
            services.review_get_or_create(assignment=assignment, user=reviewer)
    client.force_login(reviewer)
    # session, user, staff group (context processor); assignments with workshop, submission
    # and review, conflicts excluded in the same query.
    with django_assert_num_queries(4):
        response = client.get(reverse("reviews:review_list"))
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [3, 12])
def test_review_page_queries_constant(
    client, reviewer, workshop, submission, django_assert_num_queries, size
):
    criteria_set = criteria_set_of_size(workshop, size)
    approve(reviewer, workshop)
    assignment = AssignmentFactory(submission=submission, reviewer=reviewer)
    review = services.review_get_or_create(assignment=assignment, user=reviewer)
    data = complete_input(criteria_set)
    services.review_save_draft(review=review, user=reviewer, revision=1, data=data)
    for _ in range(2):
        other = UserFactory()
        approve(other, workshop)
        submit_review(AssignmentFactory(submission=submission, reviewer=other), data)
    client.force_login(reviewer)
    # session, user, staff group; assignment with its review and criteria set; conflict
    # check (records, memberships, ties); criteria set, its groups, their criteria; scores;
    # latest submission version, its files; other reviews with their latest version;
    # reviewer labels.
    with django_assert_num_queries(15):
        response = client.get(reverse("reviews:review_detail", args=[assignment.code]))
    assert len(response.context["form"].criteria) == size
    assert len(response.context["other_reviews"]) == 2


@pytest.mark.parametrize("size", [3, 12])
def test_submitted_review_page_queries_constant(
    client, reviewer, workshop, submission, django_assert_num_queries, size
):
    criteria_set = criteria_set_of_size(workshop, size)
    approve(reviewer, workshop)
    assignment = AssignmentFactory(submission=submission, reviewer=reviewer)
    submit_review(assignment, complete_input(criteria_set))
    client.force_login(reviewer)
    # As above, without other reviews to label, plus the reviewer's own last version.
    with django_assert_num_queries(15):
        response = client.get(reverse("reviews:review_detail", args=[assignment.code]))
    assert response.context["last_version"].number == 1


@pytest.mark.parametrize("size", [3, 12])
def test_review_page_in_german_queries_constant(
    client, reviewer, workshop, submission, django_assert_num_queries, size
):
    """In another language than English, the criteria's texts in it: three more queries
    (translations of the set, of groups, of criteria) whatever the size; the first criterion is
    translated, the others are shown in English and marked."""
    from criteria.models import CriterionTranslation  # noqa: PLC0415 -- test-local

    criteria_set = criteria_set_of_size(workshop, size)
    first = criteria_set.criteria.order_by("group__position", "position").first()
    CriterionTranslation.objects.create(
        criterion=first,
        language="de",
        title="Erstes Kriterium",
        description="Auf Deutsch." if first.description else "",
        guidance="Hinweis." if first.guidance else "",
        levels=[{"level": v, "descriptor": f"Stufe {v}"} for v in first.level_values],
        source_digest=first.source_digest(),
    )
    approve(reviewer, workshop)
    reviewer.preferred_language = "de"
    reviewer.save(update_fields=["preferred_language"])
    assignment = AssignmentFactory(submission=submission, reviewer=reviewer)
    services.review_get_or_create(assignment=assignment, user=reviewer)
    client.force_login(reviewer)
    # The page's own queries (no other reviews to label here), plus the three translation
    # queries (the set, its groups, its criteria).
    with django_assert_num_queries(17):
        response = client.get(reverse("reviews:review_detail", args=[assignment.code]))
    html = response.content.decode()
    assert f"{first.code} Erstes Kriterium" in html
    assert "Stufe 0" in html
    assert html.count("Englisch: noch nicht übersetzt") >= size - 1
    assert html.count('<span lang="en">') >= size - 1
