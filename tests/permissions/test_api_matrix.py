"""Every API route, every method, every persona: with the browser's session, with a token
that has every scope, with a token that lacks the route's scope, and without CSRF.

The world (world.py) is built once for this module; every request runs in a savepoint
that is rolled back.
"""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from portal.models import ApiScope, ApiToken
from portal.services.tokens import token_digest
from tests.helpers import close_response
from tests.permissions import api_matrix
from tests.permissions.world import PERSONAS

ROWS = api_matrix.all_rows()
SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


def _api_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _api_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and namespace == "api":
            yield f"api:{pattern.name}", pattern.callback


API_ROUTES = dict(_api_routes())


def _methods(view) -> set[str]:
    access = getattr(getattr(view, "view_class", None), "access", {}) or {}
    return set(access)


@pytest.mark.parametrize("name", sorted(API_ROUTES))
def test_every_api_method_has_a_row(name):
    """Each method an endpoint answers has at least one row."""
    rows = {row.method for row in ROWS if row.name == name}
    missing = _methods(API_ROUTES[name]) - rows
    assert not missing, f"{name}: no row for {sorted(missing)} in api_rows_*.py"


def test_every_api_row_names_a_route_and_method_that_exist():
    unknown = [row.id for row in ROWS if row.method not in _methods(API_ROUTES.get(row.name))]
    assert unknown == []


def _token(user, scopes, **extra) -> str:
    secret = f"gpai_matrix_{user.pk}_{'-'.join(sorted(scopes)) or 'none'}"
    ApiToken.objects.create(
        user=user,
        name="matrix",
        prefix=secret[:16],
        digest=token_digest(secret),
        scopes=sorted(scopes),
        expires_at=timezone.now() + timedelta(days=30),
        **extra,
    )
    return secret


@pytest.fixture(scope="module")
def tokens(world, django_db_blocker):
    """Per persona: a token with every scope, and one per scope that lacks only it.
    Made straight in the database: staff_nomfa could not make one through the service
    (as if their second factor had been removed after the token was made)."""
    every = set(ApiScope.values)
    made = {}
    with django_db_blocker.unblock():
        for persona in SIGNED_IN:
            user = getattr(world, persona)
            made[persona, None] = _token(user, every)
            for scope in every:
                made[persona, scope] = _token(user, every - {scope})
    return made


@pytest.fixture(scope="module")
def role_losers(world, django_db_blocker):
    """Tokens made while their owners had a role they have since lost, and one of a person
    who never had any: a former member of the owning organisation, a former reviewer of
    the call (application since withdrawn) and former AI Office
    staff (second factor still active). Each must get, on every route, exactly what the
    person without any role gets: a token carries no role of its own."""
    from portal.models import Membership
    from reviews.models import ReviewerApplication
    from tests.factories import UserFactory
    from tests.permissions.world import _staff_group, _with_totp

    every = set(ApiScope.values)
    with django_db_blocker.unblock():
        nobody = UserFactory(email="nobody@example.org")
        member = UserFactory(email="former-member@example.org")
        membership = Membership.objects.create(
            organisation=world.organisation, user=member, role=Membership.Role.ADMIN
        )
        reviewer = UserFactory(email="former-reviewer@example.org")
        application = ReviewerApplication.objects.create(
            workshop=world.workshop,
            user=reviewer,
            state=ReviewerApplication.State.APPROVED,
            statement="Former reviewer.",
            languages=["en"],
            max_reviews=3,
        )
        staff = _with_totp(UserFactory(email="former-staff@example.org"))
        staff.groups.add(_staff_group())
        made = {
            "nobody": _token(nobody, every),
            "former member": _token(member, every),
            "former reviewer": _token(reviewer, every),
            "former staff": _token(staff, every),
        }
        # The roles go after the tokens were made.
        membership.delete()
        application.state = ReviewerApplication.State.WITHDRAWN
        application.save(update_fields=["state"])
        staff.groups.clear()
    return made


@pytest.fixture
def clients(world, tokens, settings, db):
    settings.MEDIA_ROOT = world.media_root
    settings.API_RATE_LIMIT = "100000/minute"
    sessions = {}
    for persona in PERSONAS:
        client = Client(enforce_csrf_checks=True)
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        sessions[persona] = client
    return sessions


def _url(row, world) -> str:
    url = reverse(row.name, kwargs=row.kwargs(world))
    return f"{url}?{row.query}" if row.query else url


def _send(client, row, world, *, headers=None, csrf=True) -> int:
    headers = dict(headers or {})
    if row.headers:
        headers.update(row.headers(world))
    cookies = client.cookies
    client.cookies = cookies.__class__(cookies)
    if row.method != "GET" and csrf and "Authorization" not in headers:
        secret = _get_new_csrf_string()
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
        headers["X-CSRFToken"] = _mask_cipher_secret(secret)
    try:
        with transaction.atomic():
            response = _dispatch(client, row, world, headers)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    close_response(response)
    return response.status_code


def _dispatch(client, row, world, headers):
    url = _url(row, world)
    method = getattr(client, row.method.lower())
    if row.method == "GET":
        return method(url, headers=headers)
    if row.files is not None:
        if row.method == "POST":
            return method(url, row.files(world), headers=headers)
        from django.test.client import MULTIPART_CONTENT, encode_multipart

        boundary = "matrixboundary"
        body = encode_multipart(boundary, row.files(world))
        return method(
            url,
            body,
            content_type=f"{MULTIPART_CONTENT[:19]}; boundary={boundary}",
            headers=headers,
        )
    body = row.body(world) if row.body else {}
    if row.content_type == "application/json" and not isinstance(body, str | bytes):
        body = json.dumps(body)
    return method(url, body, content_type=row.content_type, headers=headers)


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _mismatches(expected, actual) -> dict:
    return {
        p: {"expected": expected[p], "actual": actual[p]}
        for p in actual
        if expected[p] != actual[p]
    }


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_api_route_as_every_persona(row, world, tokens, clients):
    url = _url(row, world)
    expected = dict(row.expect)
    if row.public:
        expected.setdefault("anonymous", 200)
    session = {p: _send(clients[p], row, world) for p in PERSONAS}
    assert not _mismatches(expected, session), f"{row.method} {url} (session): " + str(
        _mismatches(expected, session)
    )

    anonymous = Client(enforce_csrf_checks=True)
    with_token = {
        p: _send(anonymous, row, world, headers=_bearer(tokens[p, None])) for p in SIGNED_IN
    }
    assert not _mismatches(expected, with_token), f"{row.method} {url} (token): " + str(
        _mismatches(expected, with_token)
    )

    if row.scope is not None:
        lacking = {
            p: _send(anonymous, row, world, headers=_bearer(tokens[p, row.scope]))
            for p in SIGNED_IN
        }
        assert set(lacking.values()) == {403}, f"{row.method} {url} without {row.scope}: {lacking}"

    if row.method != "GET":
        no_csrf = {p: _send(clients[p], row, world, csrf=False) for p in SIGNED_IN}
        assert set(no_csrf.values()) == {403}, f"{row.method} {url} without CSRF: {no_csrf}"


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_a_token_whose_owner_lost_a_role_gets_what_nobody_gets(row, world, role_losers, clients):
    anonymous = Client(enforce_csrf_checks=True)
    actual = {
        who: _send(anonymous, row, world, headers=_bearer(secret))
        for who, secret in role_losers.items()
    }
    assert set(actual.values()) == {actual["nobody"]}, f"{row.method} {_url(row, world)}: {actual}"
