"""The report pages and the report data cost the same number of queries at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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
    # ... and one for the decided proposals of the criteria debate (opportunities to refine)
    with django_assert_num_queries(12):
        data = report_data.report_data(workshop=scored_workshop["workshop"])

    assert data.evaluations == 3


def test_the_scored_criteria_set_is_found_without_reading_every_review(scored_workshop):
    """The summary texts and quotes pages ask which version was scored: a semi-join that
    stops at the first submitted review, not a join with DISTINCT over every one of them
    (30,000 in a large call, 20 ms of a 30 ms page)."""
    with CaptureQueriesContext(connection) as queries:
        found = report_data.scored_criteria_set(workshop=scored_workshop["workshop"], version=None)

    assert found is not None and found.workshop_id == scored_workshop["workshop"].pk
    (sql,) = [query["sql"].upper() for query in queries.captured_queries]
    assert "EXISTS" in sql
    assert "DISTINCT" not in sql
