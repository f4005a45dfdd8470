"""The criteria API: staff only, the browser's import and export services and messages."""

import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria import services
from criteria.models import CriteriaSet
from criteria.selectors import criteria_set_current
from portal.services.tokens import api_token_create
from tests.criteria.conftest import fill_set
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Frontier risks call 2027")


@pytest.fixture
def criteria_set(workshop) -> CriteriaSet:
    return criteria_set_current(workshop=workshop)


def _set_url(name, criteria_set):
    return reverse(f"api:criteria-set-{name}", kwargs={"set_code": criteria_set.code})


def _import_url(workshop):
    return reverse("api:criteria-set-import", kwargs={"workshop_code": workshop.code})


def _problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


def test_list_and_filter_by_workshop(client, staff, workshop, criteria_set):
    other = WorkshopFactory()
    client.force_login(staff)
    body = client.get(reverse("api:criteria-set-list"), {"workshop": workshop.code}).json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "code": criteria_set.code,
        "url": "http://testserver" + _set_url("detail", criteria_set),
        "workshop": workshop.code,
        "version": 1,
        "title": criteria_set.title,
        "description": criteria_set.description,
        "based_on": None,
        "created_at": body["results"][0]["created_at"],
        "frozen": False,
        "frozen_at": None,
    }
    everything = client.get(reverse("api:criteria-set-list")).json()
    assert {row["workshop"] for row in everything["results"]} >= {workshop.code, other.code}


def test_bad_workshop_filter_is_a_problem(client, staff):
    client.force_login(staff)
    body = _problem(client.get(reverse("api:criteria-set-list"), {"workshop": "nope"}), 400)
    assert list(body["errors"]) == ["workshop"]


def test_not_for_evaluators(client, evaluator, criteria_set):
    client.force_login(evaluator)
    assert _problem(client.get(reverse("api:criteria-set-list")), 403)["code"] == (
        "permission_denied"
    )
    assert client.get(_set_url("detail", criteria_set)).status_code == 403


def test_set_of_a_draft_workshop_is_hidden_from_non_staff(client, evaluator):
    hidden = WorkshopFactory(phase_override="draft")
    client.force_login(evaluator)
    response = client.get(_set_url("detail", criteria_set_current(workshop=hidden)))
    assert _problem(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("size", [2, 12])
def test_list_query_count_does_not_grow(client, staff, django_assert_num_queries, size):
    for _ in range(size):
        WorkshopFactory()  # each comes with its default set
    client.force_login(staff)
    # session, user, staff group, second factor, count, page: none per row
    with django_assert_num_queries(6):
        response = client.get(reverse("api:criteria-set-list"))
    assert response.json()["count"] == size


def test_detail_has_groups_criteria_and_levels(client, staff, criteria_set):
    fill_set(criteria_set, criteria=4, per_group=3)
    client.force_login(staff)
    body = client.get(_set_url("detail", criteria_set)).json()
    assert [group["code"] for group in body["groups"]] == ["G0", "G1"]
    assert [c["code"] for c in body["groups"][0]["criteria"]] == ["C-0", "C-1", "C-2"]
    first = body["groups"][0]["criteria"][0]
    stored = criteria_set.criteria.get(code="C-0")
    assert first == {
        "code": "C-0",
        "title": "Criterion 0",
        "description": "What it asks.",
        "guidance": "How to score it.",
        "sources": "[S&S] Appendix 3.",
        "levels": stored.levels,
        "allow_na": True,
        "weight": 1.0,
        "justification_required": True,
    }
    assert body["export_url"] == "http://testserver" + _set_url("export", criteria_set)


def test_versions(client, staff, workshop, criteria_set):
    services.criteria_set_freeze(criteria_set=criteria_set)
    newer = services.criteria_set_new_version(criteria_set=criteria_set, user=staff)
    client.force_login(staff)
    body = client.get(_set_url("versions", criteria_set)).json()
    assert [(row["code"], row["version"]) for row in body["results"]] == [
        (newer.code, 2),
        (criteria_set.code, 1),
    ]
    assert body["results"][0]["based_on"] == criteria_set.code
    assert body["results"][1]["frozen"] is True
    assert body["results"][1]["criterion_count"] == criteria_set.criteria.count()
    assert body["results"][1]["review_count"] == 0


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_export_is_the_browsers_file(client, staff, workshop, criteria_set, format):
    client.force_login(staff)
    response = client.get(_set_url("export", criteria_set), {"format": format})
    assert response.status_code == 200
    expected = services.criteria_set_export(criteria_set=criteria_set, format=format)
    assert response.content.decode() == expected
    assert response["Content-Type"].startswith(f"application/{format}")
    assert response["Content-Disposition"] == (
        f'attachment; filename="criteria-{workshop.code}-v1.{format}"'
    )
    loaded = json.loads(expected) if format == "json" else yaml.safe_load(expected)
    assert loaded["title"] == criteria_set.title


def test_export_defaults_to_json_and_refuses_other_formats(client, staff, criteria_set):
    client.force_login(staff)
    assert client.get(_set_url("export", criteria_set))["Content-Type"].startswith(
        "application/json"
    )
    body = _problem(client.get(_set_url("export", criteria_set), {"format": "xml"}), 400)
    assert body["errors"] == {"format": ["Unknown format “xml”: choose JSON or YAML."]}


def _exported(criteria_set, **changes) -> str:
    content = json.loads(services.criteria_set_export(criteria_set=criteria_set, format="json"))
    content.update(changes)
    return json.dumps(content, indent=2)


def test_import_replaces_the_current_version(client, staff, workshop, criteria_set):
    client.force_login(staff)
    response = client.post(
        _import_url(workshop),
        {"text": _exported(criteria_set, title="Imported title"), "format": "json"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == criteria_set.code
    assert body["title"] == "Imported title"
    assert response["Location"] == body["url"]
    criteria_set.refresh_from_db()
    assert criteria_set.title == "Imported title"


def test_import_a_file_into_a_frozen_version_makes_the_next(client, staff, workshop, criteria_set):
    services.criteria_set_freeze(criteria_set=criteria_set)
    client.force_login(staff)
    upload = SimpleUploadedFile("set.yaml", _exported(criteria_set, title="Next").encode())
    response = client.post(_import_url(workshop), {"file": upload, "format": "auto"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 2 and body["title"] == "Next"
    assert body["based_on"] == criteria_set.code


def test_import_errors_name_their_lines_and_change_nothing(client, staff, workshop, criteria_set):
    text = _exported(criteria_set).replace('"weight": 1,', '"wieght": 1,', 1)
    client.force_login(staff)
    response = client.post(
        _import_url(workshop), {"text": text, "format": "json"}, content_type="application/json"
    )
    (message,) = _problem(response, 400)["errors"]["content"]
    line = text.splitlines().index('          "wieght": 1,') + 1
    assert message.startswith(f"line {line}: criterion ")
    assert "unknown field “wieght”" in message
    criteria_set.refresh_from_db()
    assert criteria_set.version == 1


def test_import_form_errors(client, staff, workshop):
    client.force_login(staff)
    response = client.post(
        _import_url(workshop), {"format": "json"}, content_type="application/json"
    )
    assert _problem(response, 400)["errors"] == {
        "non_field_errors": ["Upload a file or paste the content."]
    }


def test_import_needs_the_write_scope(client, staff, workshop, criteria_set):
    _token, secret = api_token_create(user=staff, name="s", scopes=["criteria:read"])
    response = client.post(
        _import_url(workshop),
        {"text": _exported(criteria_set)},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert _problem(response, 403)["code"] == "insufficient_scope"
