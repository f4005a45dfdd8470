"""Pages with personal or confidential content are never stored by a cache."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from portal.middleware import PrivateCacheControlMiddleware
from tests.factories import CompleteSubmissionFactory, WorkshopFactory
from tests.factories.core import PASSWORD
from tests.helpers import close_response

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_signed_in_page_is_private_and_not_stored(client, evaluator):
    client.force_login(evaluator)

    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_signing_in_and_out_is_not_stored(client, evaluator):
    signed_in = client.post(
        reverse("account_login"), {"login": evaluator.email, "password": PASSWORD}
    )
    signed_out = client.post(reverse("account_logout"))

    assert signed_in.status_code == 302
    assert {"private", "no-store"} <= directives(signed_in)
    assert signed_out.status_code == 302
    assert {"private", "no-store"} <= directives(signed_out)


def test_download_keeps_its_own_cache_control(client, evaluator, organisation):
    submission = CompleteSubmissionFactory(
        workshop=WorkshopFactory(), organisation=organisation, contact=evaluator
    )
    file = submission.files.get()
    client.force_login(evaluator)

    response = client.get(reverse("submissions:file_download", args=[submission.code, file.code]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    close_response(response)


def test_cache_control_set_by_the_view_is_kept(evaluator):
    request = RequestFactory().get("/jobs/1/status/")
    request.user = evaluator

    def view(request):
        response = HttpResponse("{}")
        response["Cache-Control"] = "no-store"
        return response

    response = PrivateCacheControlMiddleware(view)(request)

    assert response["Cache-Control"] == "no-store"


def test_anonymous_home_page_may_be_kept_by_the_browser(client):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    # Its language switcher sets the CSRF cookie: no shared cache may hand that on, but
    # the visitor's own browser may keep the page.
    assert response["Cache-Control"] == "private"


def test_anonymous_response_without_cookies_gets_no_cache_control():
    request = RequestFactory().get("/privacy/")
    request.user = AnonymousUser()

    response = PrivateCacheControlMiddleware(lambda request: HttpResponse("public"))(request)

    assert not response.has_header("Cache-Control")
