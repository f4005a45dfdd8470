"""Error pages: the portal's layout, what happened, where to go next, in the visitor's
language; the 500 page without the database; /api/ keeps its problem documents."""

import pytest
from django.db import connections
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from portal.views import errors

pytestmark = pytest.mark.django_db

LAYOUT = ('class="navbar-brand"', 'id="main"', "Privacy notice")


def _assert_page(response, status, heading, *, language="en"):
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        assert f"<h1>{gettext(heading)}</h1>" in html
        for text in ("GPAI evaluation portal", "Where to go next", "Privacy notice"):
            assert gettext(text) in html
    for marker in LAYOUT[:2]:
        assert marker in html
    return html


def test_404_in_the_layout_with_a_way_on(client):
    html = _assert_page(client.get("/no-such-page/"), 404, "Page not found")
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("portal:home")}"' in html


def test_404_for_an_object_you_may_not_see_says_not_found(client, evaluator):
    client.force_login(evaluator)
    html = _assert_page(client.get("/submissions/nosuchcode/"), 404, "Page not found")
    assert f'href="{reverse("portal:dashboard")}"' in html
    assert reverse("account_login") not in html


def test_404_in_danish(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="da")
    html = _assert_page(response, 404, "Page not found", language="da")
    assert "Gå til hovedindhold" in html  # the layout's own Danish


def test_403_says_you_may_not_do_this_not_that_it_is_missing(client, evaluator):
    client.force_login(evaluator)
    referer = "http://testserver" + reverse("portal:dashboard")
    response = client.get(reverse("portal:staff_workshop_list"), HTTP_REFERER=referer)
    html = _assert_page(response, 403, "You don't have permission to do this")
    assert "not found" not in html.lower()
    assert f'href="{referer}"' in html  # back
    assert f'href="{reverse("portal:dashboard")}"' in html


def test_403_in_the_signed_in_persons_language(client, evaluator):
    evaluator.preferred_language = "da"
    evaluator.save(update_fields=["preferred_language"])
    client.force_login(evaluator)
    response = client.get(reverse("portal:staff_workshop_list"))
    _assert_page(response, 403, "You don't have permission to do this", language="da")


def test_back_link_never_leads_off_the_site(client, evaluator):
    client.force_login(evaluator)
    response = client.get(
        reverse("portal:staff_workshop_list"), HTTP_REFERER="https://evil.example/phish"
    )
    assert "evil.example" not in response.content.decode()


def test_csrf_failure_explains_and_sends_back(evaluator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(evaluator)
    response = client.post(reverse("portal:set_language"), {"language": "da"})
    html = _assert_page(response, 403, "The form could not be sent")
    assert "reload the page" in html
    assert "CSRF" not in html  # Django's reason is for the log


def test_csrf_failure_in_danish():
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="da")
    response = client.post(reverse("account_login"), {"login": "a@example.org"})
    _assert_page(response, 403, "The form could not be sent", language="da")


def test_400_for_a_host_we_do_not_serve(client):
    response = client.get("/", HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/")
    html = _assert_page(response, 400, "The portal could not understand this request")
    assert 'href="http://evil.example/' not in html


def test_500_through_the_stack(settings):
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="da")
    response = client.get("/test-boom/")
    _assert_page(response, 500, "Something went wrong on our side", language="da")


class _Unreachable:
    """A request.user that fails the way a lost database would, if anything touched it."""

    def __getattr__(self, name):
        raise AssertionError(f"the 500 page touched request.user.{name}")


def test_500_needs_no_database(django_assert_num_queries, monkeypatch):
    request = RequestFactory().get("/anything/", HTTP_REFERER="http://testserver/dashboard/")
    request.user = _Unreachable()
    request.session = _Unreachable()

    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page opened a database cursor")

    for alias in connections:
        monkeypatch.setattr(connections[alias], "cursor", refuse)
    with django_assert_num_queries(0), translation.override("da"):
        response = errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="da">' in html and 'class="navbar-brand"' in html
    with translation.override("da"):
        assert gettext("Something went wrong on our side") in html
    assert 'href="http://testserver/dashboard/"' in html  # back
    assert 'name="csrfmiddlewaretoken"' in html  # the language switcher still works
    # Signed in or not is unknown without the database: no "Sign in" to a signed-in user.
    assert reverse("account_login") not in html
    assert reverse("account_signup") not in html
    assert reverse("account_logout") not in html
    assert f'href="{reverse("portal:dashboard")}"' in html


def test_api_paths_keep_their_problem_documents(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_an_api_path_that_fails_answers_a_problem_not_the_500_page(settings):
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/test-boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "server_error"
