import csv
import io

import pytest
from django.urls import reverse

from portal.models import Organisation
from submissions import services
from submissions.models import Submission
from tests.factories import (
    CompleteSubmissionFactory,
    OrganisationFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_search_filters_and_csv_export_agree(client, staff, workshop):
    lab = OrganisationFactory(name="Baltic Lab", type=Organisation.Type.RESEARCH)
    agency = OrganisationFactory(name="Safety Agency", type=Organisation.Type.PUBLIC_BODY)
    a = CompleteSubmissionFactory(workshop=workshop, organisation=lab, title="Cyber range study")
    a.risk_areas.set(a.risk_areas.model.objects.filter(code="cyber_offence"))
    CompleteSubmissionFactory(workshop=workshop, organisation=agency, title="Bio uplift")
    SubmissionFactory(workshop=workshop, organisation=agency, title="Draft only")
    client.force_login(staff)

    url = reverse("submissions:staff_list", args=[workshop.code])
    response = client.get(url, {"risk_area": "cyber_offence"})
    assert [s.title for s in response.context["page"].object_list] == ["Cyber range study"]
    response = client.get(url, {"q": "agency", "sort": "title"})
    assert [s.title for s in response.context["page"].object_list] == ["Bio uplift", "Draft only"]
    response = client.get(url, {"organisation_type": "research"})
    assert [s.title for s in response.context["page"].object_list] == ["Cyber range study"]

    export = client.get(
        reverse("submissions:staff_export", args=[workshop.code]), {"q": "agency", "sort": "title"}
    )
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(export)
    assert [r["title"] for r in rows] == ["Bio uplift", "Draft only"]
    assert rows[0]["risk_areas"] == "cbrn"
    assert rows[0]["organisation_type"] == "public_body"


def test_csv_neutralises_formulas(client, staff, workshop):
    evil = OrganisationFactory(name='=HYPERLINK("http://x")')
    CompleteSubmissionFactory(workshop=workshop, organisation=evil, title="+cmd|' /C calc'!A0")
    SubmissionFactory(workshop=workshop, organisation=evil, title="@SUM(1)", model_name="-2+3")
    client.force_login(staff)
    rows = _csv(
        client.get(reverse("submissions:staff_export", args=[workshop.code]), {"sort": "title"})
    )
    assert [r["title"] for r in rows] == ["'+cmd|' /C calc'!A0", "'@SUM(1)"]
    assert rows[0]["organisation"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["model_name"] == "'-2+3"


@pytest.mark.parametrize("size", [3, 40])
def test_staff_list_query_count_is_constant(
    client, staff, workshop, django_assert_num_queries, size
):
    for i in range(size):
        CompleteSubmissionFactory(workshop=workshop, title=f"S{i}")
    client.force_login(staff)
    # session, user, staff group, MFA, workshop, count, page, risk areas, methods,
    # filter vocabularies (risk areas, methods)
    with django_assert_num_queries(11):
        response = client.get(reverse("submissions:staff_list", args=[workshop.code]))
    assert len(response.context["page"].object_list) == min(size, 50)


@pytest.mark.parametrize("size", [3, 40])
def test_evaluator_list_query_count_is_constant(
    client, evaluator, organisation, workshop, django_assert_num_queries, size
):
    for i in range(size):
        SubmissionFactory(workshop=workshop, organisation=organisation, title=f"S{i}")
    client.force_login(evaluator)
    with django_assert_num_queries(5):
        response = client.get(reverse("submissions:list"))
    assert len(response.context["page"].object_list) == min(size, 25)


def test_screened_state_filter(client, staff, workshop, evaluator, organisation):
    s = CompleteSubmissionFactory(workshop=workshop, organisation=organisation)
    services.submission_submit(submission=s, user=evaluator)
    services.submission_screen(submission=s, user=staff, eligible=True)
    CompleteSubmissionFactory(workshop=workshop, organisation=organisation)
    client.force_login(staff)
    response = client.get(
        reverse("submissions:staff_list", args=[workshop.code]), {"state": "eligible"}
    )
    assert [x.state for x in response.context["page"].object_list] == [Submission.State.ELIGIBLE]
