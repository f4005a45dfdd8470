"""The attendee list downloaded as CSV (names, email addresses, and possibly health data)
leaves one audit event: who, which workshop, the filters and how many people."""

import pytest
from django.urls import reverse

from portal.models import AuditEvent
from reviews.models import WorkshopInvitation
from tests.factories import UserFactory
from tests.helpers import close_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitations(workshop, staff):
    for state in ("accepted", "accepted", "declined"):
        WorkshopInvitation.objects.create(
            workshop=workshop,
            user=UserFactory(),
            kind=WorkshopInvitation.Kind.REVIEWER,
            state=state,
            invited_by=staff,
        )


def test_attendee_csv_download_is_one_event(client, staff, workshop, invitations):
    client.force_login(staff)

    response = client.get(
        reverse("reviews:attendee_export", args=[workshop.code]), {"state": "accepted"}
    )
    content = b"".join(response.streaming_content)
    close_response(response)

    assert content.count(b"\n") == 3
    event = AuditEvent.objects.get()
    assert event.action == "attendees.exported"
    assert (event.actor, event.actor_system) == (staff, "")
    assert (event.object_type, event.object_code) == ("workshop", workshop.code)
    assert event.workshop_id == workshop.pk
    assert event.request_id == response["X-Request-ID"]
    assert event.details == {
        "filters": {"state": "accepted", "kind": ""},
        "rows": 2,
        "format": "csv",
    }


def test_a_refused_attendee_csv_leaves_no_event(client, staff, workshop, invitations):
    client.force_login(staff)

    response = client.get(
        reverse("reviews:attendee_export", args=[workshop.code]), {"state": "maybe"}
    )

    assert response.status_code == 400
    assert not AuditEvent.objects.exists()
