"""The report pages and the report data cost the same number of queries at any size."""

import pytest
from django.urls import reverse

from reports import data as report_data
from reports.models import ReportJob
from tests.factories import OrganisationFactory, WorkshopFactory


@pytest.mark.parametrize("count", [2, 8])
def test_report_index_queries_do_not_grow_with_jobs(
    client, staff, count, django_assert_num_queries
):
    workshop = WorkshopFactory()
    for n in range(count):
        ReportJob.objects.create(
            workshop=workshop,
            kind=ReportJob.Kind.FEEDBACK,
            organisation=OrganisationFactory(),
            params_hash=f"hash-{n}",
            created_by=staff,
            snapshot={"evaluations": 3, "reviewers": 3, "reviews": 9},
        )
    client.force_login(staff)
    url = reverse("reports:index", args=[workshop.code])

    # ... the history panel of the workshop's report jobs, and whether the executive summary
    # is written
    with django_assert_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200


def test_report_data_is_a_fixed_number_of_queries(scored_workshop, django_assert_num_queries):
    with django_assert_num_queries(11):
        data = report_data.report_data(workshop=scored_workshop["workshop"])

    assert data.evaluations == 3
