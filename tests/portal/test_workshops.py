import zoneinfo
from datetime import datetime

import pytest
from django.urls import reverse

from portal.models import Workshop
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
UTC = zoneinfo.ZoneInfo("UTC")


def _workshop(**kwargs) -> Workshop:
    return Workshop(
        title="W",
        submission_opens_at=datetime(2027, 3, 1, 9, 0, tzinfo=BRUSSELS),
        # The night the clocks go forward in Brussels (CET -> CEST).
        submission_closes_at=datetime(2027, 3, 28, 23, 59, tzinfo=BRUSSELS),
        review_deadline=datetime(2027, 10, 31, 12, 0, tzinfo=BRUSSELS),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        (datetime(2027, 3, 1, 7, 59, 59, tzinfo=UTC), "draft"),  # 08:59:59 CET
        (datetime(2027, 3, 1, 8, 0, 0, tzinfo=UTC), "open"),  # 09:00 CET exactly
        (datetime(2027, 3, 28, 21, 58, 59, tzinfo=UTC), "open"),  # 23:58:59 CEST
        (datetime(2027, 3, 28, 21, 59, 0, tzinfo=UTC), "reviewing"),  # 23:59 CEST, closed
        (datetime(2027, 10, 31, 10, 59, 59, tzinfo=UTC), "reviewing"),  # 11:59:59 CET
        (datetime(2027, 10, 31, 11, 0, 0, tzinfo=UTC), "workshop"),  # 12:00 CET (after DST end)
    ],
)
def test_phase_derived_from_dates_at_boundaries(now, phase):
    assert _workshop().phase(now) == phase


def test_phase_summary_published_wins_over_dates():
    workshop = _workshop(summary_published_at=datetime(2027, 11, 5, tzinfo=UTC))
    assert workshop.phase(datetime(2027, 11, 5, 0, 0, 1, tzinfo=UTC)) == "summary_published"
    assert workshop.phase(datetime(2027, 11, 4, tzinfo=UTC)) == "workshop"


def test_staff_override_wins():
    workshop = _workshop(phase_override=Workshop.Phase.REVIEWING)
    assert workshop.phase(datetime(2027, 3, 2, tzinfo=UTC)) == "reviewing"


def _form_data(**overrides):
    data = {
        "title": "Second call",
        "description": "",
        "venue": "Brussels",
        "event_date": "2027-06-01",
        "timezone": "Europe/Brussels",
        "submission_opens_at": "2027-03-01T09:00",
        "submission_closes_at": "2027-03-28T23:59",
        "review_deadline": "2027-04-30T23:59",
        "phase_override": "",
        "anonymous_review": "on",
        "review_visibility": "after_own",
        "justification_min_length": "20",
        "reminder_days": "7,2",
    }
    data.update(overrides)
    return data


def test_staff_create_workshop_times_are_in_workshop_zone(client, staff):
    # The staff member views the portal in New York time; the deadline is still Brussels.
    staff.timezone = "America/New_York"
    staff.save()
    client.force_login(staff)
    response = client.post(reverse("portal:staff_workshop_create"), _form_data())
    assert response.status_code == 302
    workshop = Workshop.objects.get(title="Second call")
    assert workshop.submission_closes_at == datetime(2027, 3, 28, 21, 59, tzinfo=UTC)
    assert workshop.submission_opens_at == datetime(2027, 3, 1, 8, 0, tzinfo=UTC)

    response = client.get(reverse("portal:staff_workshop_edit", args=[workshop.code]))
    assert response.context["form"].initial["submission_closes_at"] == "2027-03-28T23:59"
    response = client.get(reverse("portal:workshop_detail", args=[workshop.code]))
    # 23:59 CEST on 28 March is 17:59 EDT in New York.
    assert "28 March 2027, 17:59 EDT" in response.content.decode()


def test_time_skipped_by_dst_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("portal:staff_workshop_create"),
        _form_data(submission_closes_at="2027-03-28T02:30"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["submission_closes_at"] == [
        "2027-03-28 02:30 does not exist in Europe/Brussels: the clocks change at that moment. "
        "Choose a time outside the daylight-saving change."
    ]
    assert not Workshop.objects.exists()


def test_close_before_open_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("portal:staff_workshop_create"),
        _form_data(submission_closes_at="2027-02-01T09:00"),
    )
    assert response.context["form"].errors["submission_closes_at"] == [
        "Submissions must close after they open."
    ]


def test_staff_edit_workshop(client, staff):
    workshop = WorkshopFactory(title="Old title")
    client.force_login(staff)
    response = client.post(
        reverse("portal:staff_workshop_edit", args=[workshop.code]),
        _form_data(title="New title", phase_override="workshop"),
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.title, workshop.phase()) == ("New title", "workshop")


def test_draft_workshop_hidden_from_non_staff(client, evaluator):
    workshop = WorkshopFactory(phase_override=Workshop.Phase.DRAFT)
    client.force_login(evaluator)
    assert client.get(reverse("portal:workshop_detail", args=[workshop.code])).status_code == 404


def test_non_staff_cannot_edit_workshop(client, evaluator):
    workshop = WorkshopFactory()
    client.force_login(evaluator)
    response = client.post(
        reverse("portal:staff_workshop_edit", args=[workshop.code]), _form_data()
    )
    assert response.status_code == 403


def test_staff_release_and_hide_reviews(client, staff):
    workshop = WorkshopFactory()
    client.force_login(staff)
    url = reverse("portal:staff_workshop_release_reviews", args=[workshop.code])
    assert client.post(url, {"release": "yes"}).status_code == 302
    workshop.refresh_from_db()
    assert workshop.reviews_released_at is not None
    client.post(url, {"release": "no"})
    workshop.refresh_from_db()
    assert workshop.reviews_released_at is None


def test_evaluator_cannot_release_reviews(client, evaluator):
    workshop = WorkshopFactory()
    client.force_login(evaluator)
    url = reverse("portal:staff_workshop_release_reviews", args=[workshop.code])
    assert client.post(url, {"release": "yes"}).status_code == 403
    workshop.refresh_from_db()
    assert workshop.reviews_released_at is None
