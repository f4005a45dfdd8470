"""Reviewer pages keep a constant number of queries as their lists grow."""

import pytest
from django.urls import reverse

from expertise.models import Publication
from reviews.models import ReviewerTie
from submissions.models import Method, Provider
from tests.factories import OrganisationFactory
from tests.factories.reviews import (
    ReviewerApplicationFactory,
    ReviewerExpertiseFactory,
    ReviewerTieFactory,
)

pytestmark = pytest.mark.django_db


def _applications(workshop, size):
    benchmark = Method.objects.get(code="benchmark")
    for _ in range(size):
        application = ReviewerApplicationFactory(workshop=workshop)
        ReviewerExpertiseFactory(application=application)
        ReviewerExpertiseFactory(application=application, risk_area=None, method=benchmark)
        # Their count in the list is a subquery, not a query per row.
        Publication.objects.create(user=application.user, title="A paper")


@pytest.mark.parametrize("size", [3, 30])
def test_staff_application_list_queries_constant(
    client, staff, workshop, django_assert_num_queries, size
):
    _applications(workshop, size)
    client.force_login(staff)
    # session, user, staff group, MFA, workshop, risk areas, count, page, expertise,
    # counts per state
    with django_assert_num_queries(10):
        response = client.get(reverse("reviews:staff_application_list", args=[workshop.code]))
    assert len(response.context["page"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_staff_application_list_filtered_queries_constant(
    client, staff, workshop, django_assert_num_queries, size
):
    _applications(workshop, size)
    client.force_login(staff)
    url = reverse("reviews:staff_application_list", args=[workshop.code])
    with django_assert_num_queries(10):
        response = client.get(url, {"risk_area": "cbrn", "state": "pending", "q": "example"})
    assert len(response.context["page"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", [3, 30])
def test_tie_list_queries_constant(client, outsider, django_assert_num_queries, size):
    providers = list(Provider.objects.all())
    for index in range(size):
        if index % 2:
            ReviewerTieFactory(
                user=outsider,
                organisation=None,
                provider=providers[index % 10],
                tie_type=ReviewerTie.TieType.values[index // 10],
            )
        else:
            ReviewerTieFactory(user=outsider, organisation=OrganisationFactory())
    client.force_login(outsider)
    # session, user, staff group, ties, organisations and providers for the form's selects
    with django_assert_num_queries(6):
        response = client.get(reverse("reviews:tie_list"))
    assert len(response.context["current_ties"]) == size


@pytest.mark.parametrize("size", [3, 30])
def test_application_detail_for_staff_queries_constant(
    client, staff, application, django_assert_num_queries, size
):
    for index in range(size):
        ReviewerTieFactory(user=application.user)
        Publication.objects.create(user=application.user, title=f"Paper {index}")
    ReviewerExpertiseFactory(application=application)
    client.force_login(staff)
    # ... and the applicant's publications (one query)
    with django_assert_num_queries(8):
        response = client.get(reverse("reviews:application_detail", args=[application.code]))
    assert len(response.context["ties"]) == size
    assert len(response.context["publications"]) == size


@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_tag_queries_constant(applicant, django_assert_num_queries, size):
    from django.template import Context, Template

    ReviewerApplicationFactory.create_batch(size, user=applicant)
    template = Template("{% load reviewer_tags %}{% reviewer_dashboard %}")
    # One query: the person's applications with their workshops.
    with django_assert_num_queries(1):
        html = template.render(Context({"user": applicant}))
    assert html.count("/review-applications/") == size
