"""Hostile or broken requests to the API: every one answers a 4xx problem document
(application/problem+json), never a server error or an HTML page."""

import json

import pytest
from django.urls import reverse

from portal.services.tokens import api_token_create
from tests.api.test_reviews import approve, start_review
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    CriteriaSetFactory,
    SubmissionFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _problem(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    assert response["Content-Type"] == PROBLEM
    return response.json()


@pytest.fixture
def workshop(db):
    return WorkshopFactory(anonymous_review=True)


@pytest.fixture
def review(workshop, organisation, evaluator, reviewer):
    CriteriaSetFactory(workshop=workshop)
    submission = CompleteSubmissionFactory(
        workshop=workshop, organisation=organisation, contact=evaluator, state="eligible"
    )
    approve(reviewer, workshop)
    return start_review(AssignmentFactory(submission=submission, reviewer=reviewer))


@pytest.fixture
def draft(evaluator, organisation):
    return SubmissionFactory(
        workshop=WorkshopFactory(), organisation=organisation, contact=evaluator
    )


def _bearer(user, *scopes):
    _token, secret = api_token_create(user=user, name="script", scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


# --- bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[1, 2]", "not an array"),
        ("5", "not a number"),
        ('"text"', "not a string"),
        ("null", "not null"),
    ],
)
def test_a_json_body_that_is_not_an_object_is_a_400(client, staff, workshop, body, expected):
    # The criteria import hands the body to a form, which called .get() on a list: 500.
    client.force_login(staff)
    url = reverse("api:criteria-set-import", args=[workshop.code])
    response = client.post(url, body, content_type="application/json")
    assert expected.replace("not ", "") in _problem(response, 400)["detail"]


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000])
def test_deeply_nested_json_is_a_400(client, evaluator, body):
    # json raises RecursionError (not ValueError) here, which DRF let through as a 500.
    client.force_login(evaluator)
    response = client.post(reverse("api:submission-list"), body, content_type="application/json")
    assert "nested too deeply" in _problem(response, 400)["detail"]


def test_a_json_body_over_the_memory_limit_is_a_413_problem(client, evaluator, settings):
    # Django refuses it while parsing (RequestDataTooBig): it answered an HTML 400 page.
    client.force_login(evaluator)
    body = json.dumps({"title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = client.post(reverse("api:submission-list"), body, content_type="application/json")
    body = _problem(response, 413)
    assert body["code"] == "too_large" and "5 MB" in body["detail"]


def test_too_many_form_fields_is_a_400_problem(client, evaluator, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(evaluator)
    body = "&".join(f"f{i}=1" for i in range(50))
    response = client.post(
        reverse("api:submission-list"), body, content_type="application/x-www-form-urlencoded"
    )
    _problem(response, 400, 415)


# --- If-Match ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "if_match",
    ["garbage", "*", '"1", "2"', 'W/"1"', '"²"', '"99999999999999999999999999"', '"-1"', '""'],
)
def test_if_match_garbage_on_a_submission_is_a_problem(client, evaluator, draft, if_match):
    client.force_login(evaluator)
    response = client.patch(
        reverse("api:submission-detail", args=[draft.code]),
        {"title": "New"},
        content_type="application/json",
        headers={"If-Match": if_match},
    )
    if if_match == 'W/"1"':
        assert response.status_code == 200
    else:
        _problem(response, 400, 412, 428)


@pytest.mark.parametrize(
    "if_match",
    ["garbage", "*", '"1", "2"', '"²"', '"99999999999999999999999999"', '"-1"', '"1_0"'],
)
def test_if_match_garbage_on_a_review_is_a_problem(client, reviewer, review, if_match):
    client.force_login(reviewer)
    response = client.patch(
        reverse("api:review-detail", args=[review.code]),
        {"summary": "x"},
        content_type="application/json",
        headers={"If-Match": if_match},
    )
    _problem(response, 400, 412, 428)


# --- Authorization -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer " + "x" * 100_000,
        "Bearer \u00ff\u00fe",
        "Bearer a\x00b",
        "Basic dXNlcjpwYXNz",
        "bearer",
        "Token abc",
    ],
)
def test_broken_authorization_headers_are_401_problems(client, header):
    response = client.get(reverse("api:submission-list"), headers={"Authorization": header})
    _problem(response, 401)


def test_a_valid_token_with_a_second_authorization_header_still_answers(client, evaluator):
    # A WSGI server folds two headers into one "a, b" value: the token is then not valid.
    secret = _bearer(evaluator, "submissions:read")["Authorization"]
    response = client.get(
        reverse("api:submission-list"), headers={"Authorization": f"{secret}, Basic eDp5"}
    )
    _problem(response, 401)


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ("[" * 50_000 + "]" * 50_000, "json"),
        ('{"a":' * 3000 + "1" + "}" * 3000, "json"),
        ("[" * 50_000 + "]" * 50_000, "yaml"),
        ("- " * 5000 + "x", "yaml"),
    ],
)
def test_a_deeply_nested_criteria_file_is_refused_with_a_message(
    client, staff, workshop, text, format
):
    # Both the JSON (pure-Python scanner) and the YAML parser recurse per level: 500.
    client.force_login(staff)
    response = client.post(
        reverse("api:criteria-set-import", args=[workshop.code]),
        {"text": text, "format": format},
        content_type="application/json",
    )
    body = _problem(response, 400)
    assert "nested too deeply" in " ".join(body["errors"]["content"])


def test_deeply_nested_import_options_are_refused(client, staff, workshop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    response = client.post(
        reverse("api:import-create", args=[workshop.code]),
        {
            "source": "openreview",
            "data_file": SimpleUploadedFile("notes.json", b"[]"),
            "options": "[" * 50_000 + "]" * 50_000,
        },
    )
    assert _problem(response, 400)["errors"] == {"options": ["Not valid JSON: nested too deeply."]}


def test_a_deeply_nested_assignment_file_is_refused_with_a_message():
    from assignment.interchange import _parse

    assert _parse("[" * 50_000) == ([], ["The file is not valid JSON."])
