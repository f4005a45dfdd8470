"""Staff pages of workshop invitations: login for anonymous visitors, 403 for everyone but
AI Office staff."""

import pytest
from django.urls import reverse

from tests.helpers import close_response

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = ["anonymous", "outsider", "evaluator", "reviewer", "staff"]
STAFF_ONLY = [LOGIN, 403, 403, 403, 200]

MATRIX = {
    ("invite_submitters", "get"): STAFF_ONLY,
    # A POST without a selection shows the page again with the error.
    ("invite_submitters", "post"): STAFF_ONLY,
    ("invite_reviewers", "post"): [LOGIN, 403, 403, 403, 302],
    ("attendee_list", "get"): STAFF_ONLY,
    ("attendee_export", "get"): STAFF_ONLY,
}

CASES = [
    pytest.param(view, method, persona, expected, id=f"{view}-{method}-{persona}")
    for (view, method), row in MATRIX.items()
    for persona, expected in zip(PERSONAS, row, strict=True)
]


@pytest.mark.parametrize(("view", "method", "persona", "expected"), CASES)
def test_staff_permission_matrix(client, request, workshop, view, method, persona, expected):
    url = reverse(f"reviews:{view}", args=[workshop.code])
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    if hasattr(response, "streaming_content"):
        close_response(response)
