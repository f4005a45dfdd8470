import pytest
from django.urls import reverse

from reviews.models import ReviewerApplication
from tests.factories import UserFactory
from tests.factories.reviews import ReviewerApplicationFactory, ReviewerExpertiseFactory

pytestmark = pytest.mark.django_db

State = ReviewerApplication.State


def list_url(workshop) -> str:
    return reverse("reviews:staff_application_list", args=[workshop.code])


def test_staff_list_counts_per_state(client, staff, workshop):
    ReviewerApplicationFactory.create_batch(3, workshop=workshop)
    ReviewerApplicationFactory(workshop=workshop, state=State.APPROVED)
    client.force_login(staff)

    response = client.get(list_url(workshop))

    assert response.status_code == 200
    assert response.context["total"] == 4
    assert [(state, count) for state, _label, count in response.context["state_counts"]] == [
        ("pending", 3),
        ("approved", 1),
        ("declined", 0),
        ("withdrawn", 0),
    ]


def test_staff_list_paginates_by_25_and_keeps_filters(client, staff, workshop):
    ReviewerApplicationFactory.create_batch(27, workshop=workshop)
    client.force_login(staff)

    first = client.get(list_url(workshop), {"state": "pending"})
    second = client.get(list_url(workshop), {"state": "pending", "page": "2"})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert "?state=pending&amp;page=2" in first.content.decode()


def test_staff_list_search_and_risk_area_filter(client, staff, workshop):
    match = ReviewerApplicationFactory(
        workshop=workshop, user=UserFactory(full_name="Grace Hopper")
    )
    ReviewerExpertiseFactory(application=match, level=3)
    other = ReviewerApplicationFactory(workshop=workshop, user=UserFactory(full_name="Grace Other"))
    ReviewerExpertiseFactory(application=other, level=1)
    client.force_login(staff)

    response = client.get(list_url(workshop), {"q": "grace", "risk_area": "cbrn", "min_level": "2"})

    assert list(response.context["page"].object_list) == [match]


def test_staff_list_unknown_filter_is_refused_and_left_out(client, staff, workshop):
    ReviewerApplicationFactory.create_batch(2, workshop=workshop)
    client.force_login(staff)
    response = client.get(list_url(workshop), {"state": "bogus"})
    assert response.status_code == 400
    assert response.context["form"].refusals() == [
        "State: Select a valid choice. bogus is not one of the available choices."
    ]
    assert len(response.context["page"].object_list) == 2


def test_staff_list_of_unknown_workshop_is_404(client, staff):
    client.force_login(staff)
    response = client.get(reverse("reviews:staff_application_list", args=["nosuchcall"]))
    assert response.status_code == 404


def test_staff_detail_shows_decision_form_and_ties(client, staff, application):
    client.force_login(staff)
    response = client.get(reverse("reviews:application_detail", args=[application.code]))
    assert response.context["can_decide"] is True
    assert response.context["can_edit"] is False
    content = response.content.decode()
    assert reverse("reviews:staff_application_decide", args=[application.code]) in content
    assert "applicant@example.org" in content
