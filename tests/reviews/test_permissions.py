"""Who gets what, one line per persona: 404 for what one may not see, 403 for what one may
see but not change, the login page for anonymous visitors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_pdf

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = ["anonymous", "outsider", "applicant", "other_applicant", "staff"]


@pytest.fixture
def with_cv(application):
    application.cv_file.save("cv.pdf", SimpleUploadedFile("cv.pdf", make_pdf()), save=False)
    application.cv_original_name = "cv.pdf"
    application.save()
    return application


def _request(client, request, persona, method, url, data=None):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return getattr(client, method)(url, data or {})


def _assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


MATRIX = {
    # view name, method: expected per persona, in PERSONAS order.
    ("application_apply", "get"): [LOGIN, 200, 302, 302, 200],
    ("application_detail", "get"): [LOGIN, 404, 200, 404, 200],
    ("application_edit", "get"): [LOGIN, 404, 200, 404, 403],
    ("application_edit", "post"): [LOGIN, 404, 200, 404, 403],
    ("application_availability", "get"): [LOGIN, 404, 200, 404, 403],
    ("application_withdraw", "post"): [LOGIN, 404, 302, 404, 403],
    ("application_cv", "get"): [LOGIN, 404, 200, 404, 200],
    ("staff_application_list", "get"): [LOGIN, 403, 403, 403, 200],
    ("staff_application_decide", "post"): [LOGIN, 404, 403, 404, 302],
    ("tie_list", "get"): [LOGIN, 200, 200, 200, 200],
}

CASES = [
    pytest.param(view, method, persona, expected, id=f"{view}-{method}-{persona}")
    for (view, method), row in MATRIX.items()
    for persona, expected in zip(PERSONAS, row, strict=True)
]


@pytest.mark.parametrize(("view", "method", "persona", "expected"), CASES)
def test_permission_matrix(
    client, request, with_cv, other_application, view, method, persona, expected
):
    application = with_cv
    if view == "application_apply" or view == "staff_application_list":
        url = reverse(f"reviews:{view}", args=[application.workshop.code])
    elif view == "tie_list":
        url = reverse("reviews:tie_list")
    else:
        url = reverse(f"reviews:{view}", args=[application.code])
    data = {"decision": "approve"} if view == "staff_application_decide" else None

    response = _request(client, request, persona, method, url, data)
    # A FileResponse holds the stored file open until the response is closed.
    response.close()

    _assert_status(response, expected)


def test_guessed_application_code_is_404(client, applicant):
    client.force_login(applicant)
    url = reverse("reviews:application_detail", args=["doesnotexist"])
    assert client.get(url).status_code == 404


def test_cv_without_upload_is_404_even_for_staff(client, staff, application):
    client.force_login(staff)
    assert client.get(reverse("reviews:application_cv", args=[application.code])).status_code == 404


def test_cv_download_headers(client, applicant, with_cv):
    client.force_login(applicant)
    response = client.get(reverse("reviews:application_cv", args=[with_cv.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="cv.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == make_pdf()


def test_superuser_cannot_edit_someone_elses_application(client, application):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(root, generate_totp_secret())
    client.force_login(root)
    url = reverse("reviews:application_edit", args=[application.code])
    assert client.get(url).status_code == 403
