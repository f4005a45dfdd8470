import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.models import User
from tests.conftest import totp_now

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-42"


def _link_from_last_mail(pattern: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


def test_signup_sends_verification_and_blocks_login_until_verified(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "New.Person@Example.org",
                "full_name": "Nora New",
                "password1": STRONG,
                "password2": STRONG,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email__iexact="new.person@example.org")
    assert user.full_name == "Nora New"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.person@example.org", "password": STRONG}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    confirm_url = _link_from_last_mail(r"/accounts/confirm-email/[^/\s]+/")
    response = client.get(confirm_url)
    assert response.status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified is True

    response = client.post(
        reverse("account_login"), {"login": "new.person@example.org", "password": STRONG}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).context["user"] == user


def _sign_up(client, capture, email="nora@example.org"):
    with capture(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": email, "full_name": "Nora New", "password1": STRONG, "password2": STRONG},
        )
    assert response["Location"] == reverse("account_email_verification_sent")
    return _link_from_last_mail(r"/accounts/confirm-email/[^/\s]+/")


def test_confirming_in_the_signup_browser_signs_the_newcomer_in(
    client, django_capture_on_commit_callbacks
):
    confirm_url = _sign_up(client, django_capture_on_commit_callbacks)

    response = client.post(confirm_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    user = User.objects.get(email="nora@example.org")
    assert user.emailaddress_set.get().verified is True
    assert client.get(reverse("portal:dashboard")).context["user"] == user


def test_confirming_in_another_browser_verifies_and_asks_to_sign_in(
    client, django_capture_on_commit_callbacks
):
    confirm_url = _sign_up(client, django_capture_on_commit_callbacks)
    other = Client()

    response = other.post(confirm_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert User.objects.get(email="nora@example.org").emailaddress_set.get().verified is True
    assert "_auth_user_id" not in other.session


def test_password_reset_sets_new_password(client, evaluator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": evaluator.email})
    reset_url = _link_from_last_mail(r"/accounts/password/reset/key/[^\s]+/")
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(form_url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.check_password(STRONG)


def test_staff_without_mfa_is_sent_to_totp_setup_from_every_page(client, staff_without_mfa):
    client.force_login(staff_without_mfa)
    for url in [
        reverse("portal:dashboard"),
        reverse("portal:staff_workshop_list"),
        reverse("portal:organisation_list"),
        "/admin/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url


def test_staff_with_mfa_opens_staff_pages(client, staff):
    client.force_login(staff)
    response = client.get(reverse("portal:staff_workshop_list"))
    assert response.status_code == 200
    assert response.templates[0].name == "portal/staff/workshop_list.html"


def test_evaluator_is_refused_staff_pages(client, evaluator):
    client.force_login(evaluator)
    assert client.get(reverse("portal:staff_workshop_list")).status_code == 403
    assert client.get(reverse("portal:staff_workshop_create")).status_code == 403


def test_staff_login_asks_for_totp_code(client, staff):
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(staff.totp_secret)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff.pk


def test_totp_secret_is_encrypted_at_rest(staff):
    stored = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP).data["secret"]
    assert stored != staff.totp_secret
    assert staff.totp_secret not in stored
    from allauth.mfa.adapter import get_adapter

    assert get_adapter().decrypt(stored) == staff.totp_secret


def test_staff_cannot_deactivate_their_totp(client, staff):
    # Deactivating asks to confirm the password first; without it the request would stop
    # at reauthentication before the adapter is ever asked.
    client.force_login(staff)
    client.post(reverse("account_reauthenticate"), {"password": "correct-horse-battery-staple"})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "You cannot deactivate two-factor authentication."
    ]
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_update_changes_language_and_timezone(client, evaluator):
    client.force_login(evaluator)
    response = client.post(
        reverse("portal:profile"),
        {"full_name": "Erik E.", "preferred_language": "da", "timezone": "America/New_York"},
    )
    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert (evaluator.full_name, evaluator.preferred_language, evaluator.timezone) == (
        "Erik E.",
        "da",
        "America/New_York",
    )
    response = client.get(reverse("portal:profile"))
    assert response["Content-Language"] == "da"


def test_language_switcher_remembers_choice_on_profile(client, evaluator):
    client.force_login(evaluator)
    response = client.post(
        reverse("portal:set_language"), {"language": "da", "next": "/dashboard/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    evaluator.refresh_from_db()
    assert evaluator.preferred_language == "da"


def test_language_switcher_refuses_open_redirect(client):
    response = client.post(
        reverse("portal:set_language"), {"language": "da", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_rate_limit_blocks_guessing(client, evaluator, settings):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": evaluator.email, "password": "wrong"})
    # Even the right password is refused once the limit is reached.
    response = client.post(
        reverse("account_login"),
        {"login": evaluator.email, "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
