"""The staff's submission list downloaded as CSV leaves one audit event: who, which
workshop, the filters (a search text as its hash only) and how many rows."""

import hashlib

import pytest
from django.urls import reverse

from portal.models import AuditEvent
from tests.factories import CompleteSubmissionFactory, OrganisationFactory
from tests.helpers import close_response

pytestmark = pytest.mark.django_db


def test_submission_csv_download_is_one_event(client, staff, workshop):
    agency = OrganisationFactory(name="Safety Agency")
    CompleteSubmissionFactory(
        workshop=workshop, organisation=agency, title="Bio uplift", state="submitted"
    )
    CompleteSubmissionFactory(workshop=workshop, title="Cyber range study")
    client.force_login(staff)

    response = client.get(
        reverse("submissions:staff_export", args=[workshop.code]),
        {"q": "agency", "state": ["submitted"], "sort": "title"},
    )
    b"".join(response.streaming_content)
    close_response(response)

    event = AuditEvent.objects.get()
    assert event.action == "submissions.exported"
    assert (event.actor, event.actor_system) == (staff, "")
    assert (event.object_type, event.object_code) == ("workshop", workshop.code)
    assert event.workshop_id == workshop.pk
    assert event.request_id == response["X-Request-ID"]
    assert event.details == {
        "filters": {
            "query": {"sha256": hashlib.sha256(b"agency").hexdigest(), "length": 6},
            "states": ["submitted"],
            "risk_area": "",
            "method": "",
            "organisation_type": "",
            "confidentiality": "",
            "ordering": "title",
        },
        "rows": 1,
        "format": "csv",
    }


def test_a_refused_submission_csv_leaves_no_event(client, staff, workshop):
    client.force_login(staff)

    response = client.get(
        reverse("submissions:staff_export", args=[workshop.code]), {"state": "nonsense"}
    )

    assert response.status_code == 400
    assert not AuditEvent.objects.exists()
