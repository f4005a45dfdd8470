"""Every URL name the resolver knows has its line in the permission matrix, every view of
the portal states its permission, and every persona gets what the matrix says.

The world (world.py) is built once for this module; each request runs in a savepoint that
is rolled back, so a POST that changes something never changes what the next one sees.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.permissions import view_permission
from tests.helpers import close_response
from tests.permissions import api_matrix, matrix
from tests.permissions.matrix import LOGIN, MFA, REDIRECT
from tests.permissions.world import PERSONAS

PROJECT_APPS = (
    "portal",
    "criteria",
    "submissions",
    "reviews",
    "assignment",
    "reports",
    "imports",
    "privacy",
    "api",
    "debate",
    "discussion",
    "expertise",
)
ROWS = matrix.all_rows()


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), pattern.callback


URLS = dict(_url_names())
# The API's rows (api_matrix.py) have their own shape: methods, JSON bodies, token scopes.
ROW_NAMES = {row.name for row in ROWS} | {row.name for row in api_matrix.all_rows()}


@pytest.mark.parametrize("name", sorted(URLS))
def test_every_url_name_has_a_line_in_the_matrix(name):
    assert name in ROW_NAMES, f"{name} has no line in tests/permissions/rows_*.py"


def test_every_line_names_a_url_that_exists():
    assert sorted(ROW_NAMES - set(URLS)) == []


@pytest.mark.parametrize(
    "name",
    sorted(n for n, view in URLS.items() if view.__module__.split(".")[0] in PROJECT_APPS),
)
def test_every_portal_view_states_its_permission(name):
    """Each view states its permission once, at its top (portal.permissions)."""
    assert view_permission(URLS[name]) is not None, f"{name} states no permission"


# --- requests --------------------------------------------------------------------------


@pytest.fixture
def persona_clients(world, settings, db):
    settings.MEDIA_ROOT = world.media_root
    clients = {}
    for persona in PERSONAS:
        client = Client(enforce_csrf_checks=True)
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        clients[persona] = client
    return clients


def _classify(response) -> matrix.Outcome:
    close_response(response)
    if response.status_code in (301, 302, 303, 307):
        location = response["Location"]
        if location.startswith(reverse(settings.LOGIN_URL)):
            return LOGIN
        if location.startswith(reverse("mfa_activate_totp")):
            return MFA
        return REDIRECT
    return response.status_code


def _request(client, method, url, body=None, csrf=True):
    """One request, rolled back afterwards; the client's cookies are kept as they were."""
    cookies = client.cookies
    client.cookies = cookies.__class__(cookies)
    token = None
    if method == "post" and csrf:
        secret = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
        token = _mask_cipher_secret(secret)
    try:
        with transaction.atomic():
            if method == "get":
                response = client.get(url)
            else:
                data = body() if body else {}
                if token:
                    data["csrfmiddlewaretoken"] = token
                response = client.post(url, data)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return _classify(response)


def _url(row, world) -> str:
    url = row.path(world) if row.path else reverse(row.name, kwargs=row.kwargs(world))
    return f"{url}?{row.query}" if row.query else url


def _mismatches(expected, actual) -> dict:
    return {
        persona: {"expected": expected[persona], "actual": actual[persona]}
        for persona in PERSONAS
        if not matrix.matches(expected[persona], actual[persona])
    }


GET_ROWS = [row for row in ROWS if row.get is not None]
POST_ROWS = [row for row in ROWS if row.post is not None]


@pytest.mark.parametrize("row", GET_ROWS, ids=[row.id for row in GET_ROWS])
def test_get_as_every_persona(row, world, persona_clients):
    url = _url(row, world)
    actual = {p: _request(persona_clients[p], "get", url) for p in PERSONAS}
    mismatches = _mismatches(row.get, actual)
    assert not mismatches, f"GET {url}: {mismatches}"


@pytest.mark.parametrize("row", POST_ROWS, ids=[row.id for row in POST_ROWS])
def test_post_as_every_persona_with_and_without_csrf_token(row, world, persona_clients):
    url = _url(row, world)

    def body():
        # Built afresh for each request: an uploaded file can be read once.
        return {**row.data(world), **row.files(world)}

    actual = {p: _request(persona_clients[p], "post", url, body) for p in PERSONAS}
    mismatches = _mismatches(row.post, actual)
    assert not mismatches, f"POST {url}: {mismatches}"
    # Without a token nobody gets through, not even who may.
    refused = {
        p: _request(persona_clients[p], "post", url, body, csrf=False)
        for p in PERSONAS
        if row.post[p] not in (LOGIN, MFA, 403, 404, 405)
    }
    assert {p: status for p, status in refused.items() if status != 403} == {}
