import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from portal.models import Workshop
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    request.user = context["user"]
    return Template("{% load reviewer_tags %}" + source).render(
        Context({"request": request, **context})
    )


def test_workshop_box_offers_to_apply(outsider, workshop):
    html = render("{% reviewer_application_box workshop %}", user=outsider, workshop=workshop)
    assert f"/workshops/{workshop.code}/review-application/" in html
    assert "reviewer-applications" not in html


def test_workshop_box_shows_own_application(application):
    html = render(
        "{% reviewer_application_box workshop %}",
        user=application.user,
        workshop=application.workshop,
    )
    assert f"/review-applications/{application.code}/" in html
    assert "Pending" in html


def test_workshop_box_links_staff_to_the_list(staff, workshop):
    html = render("{% reviewer_application_box workshop %}", user=staff, workshop=workshop)
    assert f"/staff/workshops/{workshop.code}/reviewer-applications/" in html


def test_workshop_box_closed_call(outsider):
    workshop = WorkshopFactory(phase_override=Workshop.Phase.SUMMARY_PUBLISHED)
    html = render("{% reviewer_application_box workshop %}", user=outsider, workshop=workshop)
    assert "review-application/" not in html


def test_workshop_box_anonymous(workshop):
    html = render(
        "{% reviewer_application_box workshop %}", user=AnonymousUser(), workshop=workshop
    )
    assert "to apply to review" in html
    assert f'href="/accounts/login/?next=/workshops/{workshop.code}/"' in html


def test_dashboard_lists_own_applications(application, other_application):
    html = render("{% reviewer_dashboard %}", user=application.user)
    assert f"/review-applications/{application.code}/" in html
    assert f"/review-applications/{other_application.code}/" not in html
    assert "/conflicts-of-interest/" in html


def test_dashboard_links_a_non_reviewer_to_the_open_calls_application(client, outsider):
    open_call = WorkshopFactory(title="Autumn call")
    WorkshopFactory(title="Finished call", phase_override=Workshop.Phase.SUMMARY_PUBLISHED)
    client.force_login(outsider)

    html = client.get(reverse("portal:dashboard")).content.decode()

    assert "You are not a reviewer for any workshop yet." in html
    assert f'href="/workshops/{open_call.code}/review-application/"' in html
    assert html.count("/review-application/") == 1
    assert "No call takes reviewer applications" not in html


def test_dashboard_says_when_no_call_takes_applications(client, outsider):
    WorkshopFactory(phase_override=Workshop.Phase.SUMMARY_PUBLISHED)
    client.force_login(outsider)

    html = client.get(reverse("portal:dashboard")).content.decode()

    assert "/review-application/" not in html
    assert "No call takes reviewer applications at the moment" in html


def test_dashboard_does_not_offer_a_call_already_applied_to(client, application):
    client.force_login(application.user)

    html = client.get(reverse("portal:dashboard")).content.decode()

    assert f"/review-applications/{application.code}/" in html
    assert f"/workshops/{application.workshop.code}/review-application/" not in html
