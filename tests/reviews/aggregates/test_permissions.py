"""Staff pages: login for anonymous visitors, 403 for everyone but AI Office staff; a
submission or a reviewer's application the user may not see answers 404."""

import pytest
from django.urls import reverse

from reviews.models import ReviewerApplication

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = ["anonymous", "outsider", "evaluator", "reviewer", "staff"]
STAFF_ONLY = [LOGIN, 403, 403, 403, 200]

MATRIX = {
    ("aggregate_overview", "get"): STAFF_ONLY,
    # Nobody here is a member of the submitting organisation: they may not see it.
    ("aggregate_submission", "get"): [LOGIN, 404, 404, 404, 200],
    ("reviewer_ratings", "get"): STAFF_ONLY,
    # Another reviewer's application: only its applicant and staff may see it.
    ("reviewer_rate", "post"): [LOGIN, 404, 404, 404, 302],
}

CASES = [
    pytest.param(view, method, persona, expected, id=f"{view}-{method}-{persona}")
    for (view, method), row in MATRIX.items()
    for persona, expected in zip(PERSONAS, row, strict=True)
]


def _url(view, workshop, submissions, reviewers):
    if view == "aggregate_submission":
        return reverse(f"reviews:{view}", args=[workshop.code, submissions[0].code])
    if view == "reviewer_rate":
        application = ReviewerApplication.objects.get(workshop=workshop, user=reviewers[0])
        return reverse(f"reviews:{view}", args=[workshop.code, application.code])
    return reverse(f"reviews:{view}", args=[workshop.code])


@pytest.mark.parametrize(("view", "method", "persona", "expected"), CASES)
def test_permission_matrix(
    client, request, workshop, submissions, reviewers, view, method, persona, expected
):
    url = _url(view, workshop, submissions, reviewers)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(url, {"rating": "3"} if method == "post" else {})

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    if hasattr(response, "streaming_content"):
        from tests.helpers import close_response

        close_response(response)


def test_staff_without_mfa_is_sent_to_set_it_up(client, staff_without_mfa, workshop):
    client.force_login(staff_without_mfa)

    response = client.get(reverse("reviews:aggregate_overview", args=[workshop.code]))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
