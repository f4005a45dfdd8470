"""The API's conventions: schema, documentation, pagination, errors, dates."""

import re

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

from portal.services.tokens import api_token_create
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def _api_views(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _api_views(pattern, inner)
        elif isinstance(pattern, URLPattern) and namespace == "api":
            yield pattern


def test_the_schema_validates_and_names_every_endpoint_with_its_scope(client):
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi"})
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)  # raises on an invalid OpenAPI 3.1 document
    assert schema["openapi"].startswith("3.1")
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    operations = {
        (path, method): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    for pattern in _api_views():
        view_class = pattern.callback.view_class
        if view_class.__name__ in ("Schema", "Docs"):
            continue
        path = "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for method, access in view_class.access.items():
            operation = operations.get((path, method.lower()))
            assert operation is not None, f"{method} {path} missing from the schema"
            assert operation["x-portal-permission"] == access.perm
            if access.scope:
                assert operation["x-required-scope"] == access.scope
                assert {"bearerAuth": [access.scope]} in operation["security"]


def test_docs_are_served_from_our_own_origin(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    script = re.search(r'<script src="([^"]+)"', page)
    assert script and script.group(1).startswith("/static/")


def test_unknown_api_paths_answer_a_problem_not_a_page(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Not found.",
        "code": "not_found",
    }


def test_lists_are_paginated_with_a_capped_page_size(client, evaluator):
    for _ in range(5):
        WorkshopFactory()
    _token, secret = api_token_create(user=evaluator, name="t", scopes=["reviews:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    body = client.get("/api/v1/workshops/?page_size=2", headers=headers).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"].endswith("/api/v1/workshops/?page=2&page_size=2")
    capped = client.get("/api/v1/workshops/?page_size=100000", headers=headers).json()
    assert len(capped["results"]) == 5
    beyond = client.get("/api/v1/workshops/?page=9", headers=headers)
    assert beyond.status_code == 404
    assert beyond["Content-Type"] == "application/problem+json"


def test_dates_are_iso_8601_in_utc_whoever_asks(client, evaluator):
    evaluator.timezone = "America/New_York"
    evaluator.save()
    workshop = WorkshopFactory()
    client.force_login(evaluator)
    body = client.get(f"/api/v1/workshops/{workshop.code}/").json()
    assert body["submission_closes_at"].endswith("Z")
    assert body["submission_closes_at"][:19] == workshop.submission_closes_at.strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    assert body["code"] == workshop.code and "id" not in body


def test_session_writes_need_the_csrf_token(evaluator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(evaluator)
    response = client.post("/api/v1/workshops/", {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize("count", [2, 12])
def test_workshop_list_queries_do_not_grow_with_rows(
    client, evaluator, count, django_assert_num_queries
):
    for _ in range(count):
        WorkshopFactory()
    client.force_login(evaluator)
    client.get("/api/v1/workshops/")  # warm the session
    # session, user, "is this staff?" (drafts are listed to staff), count, page
    with django_assert_num_queries(5):
        body = client.get("/api/v1/workshops/").json()
    assert body["count"] == count
