"""Accounts in the audit log (portal.audit_signals): signing in and out, second factors,
passwords and email addresses, through the real allauth pages. The person is actor and
object; no email address and no password reaches a row."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.urls import reverse

from portal.models import AuditEvent
from tests.conftest import totp_now
from tests.factories import UserFactory
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-42"


def _only(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


def _assert_about(event: AuditEvent, user) -> None:
    assert (event.actor_id, event.actor_system) == (user.pk, "")
    assert (event.object_type, event.object_code) == ("user", str(user.pk))


def _assert_no_personal_data(event: AuditEvent, *texts: str) -> None:
    stored = json.dumps([event.changes, event.details])
    assert "@" not in stored
    for text in texts:
        assert text not in stored


def _link_from_last_mail(pattern: str) -> str:
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def test_sign_in_and_out_are_recorded_with_how(client, evaluator):
    response = client.post(
        reverse("account_login"), {"login": evaluator.email, "password": PASSWORD}
    )
    assert response.status_code == 302

    signed_in = _only("user.signed_in")
    _assert_about(signed_in, evaluator)
    assert signed_in.details == {"methods": ["password"]}
    assert len(signed_in.request_id) >= 8

    client.post(reverse("account_logout"))
    _assert_about(_only("user.signed_out"), evaluator)


def test_staff_sign_in_names_both_factors(client, staff):
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert not AuditEvent.objects.filter(action="user.signed_in").exists()  # half-way

    client.post(reverse("mfa_authenticate"), {"code": totp_now(staff.totp_secret)})

    assert _only("user.signed_in").details == {"methods": ["password", "mfa"]}


def test_failed_sign_in_keeps_the_address_as_a_hash_and_never_the_password(client, evaluator):
    client.post(reverse("account_login"), {"login": evaluator.email, "password": "wrong-guess-1"})

    event = _only("user.sign_in_failed")
    assert (event.actor_id, event.actor_system) == (None, "system")
    # The account the attempt named is the object: its history shows the attempts.
    assert (event.object_type, event.object_code) == ("user", str(evaluator.pk))
    assert event.details["email"]["length"] == len(evaluator.email)
    _assert_no_personal_data(event, "wrong-guess-1", evaluator.email)


def test_failed_sign_in_for_an_unknown_address_names_no_account(client):
    client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "x" * 12})

    event = _only("user.sign_in_failed")
    assert (event.object_type, event.object_code) == ("user", "")
    _assert_no_personal_data(event, "nobody")


def test_recovery_code_use_is_recorded(client, staff):
    authenticator = Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES)
    code = RecoveryCodes(authenticator).get_unused_codes()[0]
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})

    client.post(reverse("mfa_authenticate"), {"code": code})

    event = _only("user.recovery_code_used")
    _assert_about(event, staff)
    assert event.details == {"reauthenticated": False}
    _assert_no_personal_data(event, code)
    assert _only("user.signed_in").details["methods"] == ["password", "mfa"]


def test_a_wrong_second_factor_code_is_recorded(client, staff):
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})

    client.post(reverse("mfa_authenticate"), {"code": "000000"})

    event = _only("user.mfa_failed")
    _assert_about(event, staff)
    assert event.details == {"type": "totp", "reauthentication": False}


def _reauthenticated(client, user):
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def test_adding_and_removing_a_second_factor(client, evaluator, django_capture_on_commit_callbacks):
    _reauthenticated(client, evaluator)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302

    added = AuditEvent.objects.filter(action="user.mfa_added").order_by("id")
    assert [event.details["type"] for event in added] == ["totp", "recovery_codes"]
    for event in added:
        _assert_about(event, evaluator)
        _assert_no_personal_data(event, secret)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"))
    assert _only("user.mfa_reset").details == {"type": "recovery_codes"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    removed = AuditEvent.objects.filter(action="user.mfa_removed").order_by("id")
    assert [event.details["type"] for event in removed] == ["totp", "recovery_codes"]


def test_password_change_is_recorded_without_the_password(client, evaluator):
    _reauthenticated(client, evaluator)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": STRONG, "password2": STRONG},
    )

    assert response.status_code == 302
    event = _only("user.password_changed")
    _assert_about(event, evaluator)
    assert (event.changes, event.details) == ({}, {})


def test_password_set_for_an_account_without_one(client):
    user = UserFactory(password=None)
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    response = client.post(
        reverse("account_set_password"), {"password1": STRONG, "password2": STRONG}
    )

    assert response.status_code == 302
    _assert_about(_only("user.password_set"), user)


def test_password_reset_is_recorded(client, evaluator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": evaluator.email})
    reset_url = _link_from_last_mail(r"/accounts/password/reset/key/[^\s]+/")
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url

    client.post(form_url, {"password1": STRONG, "password2": STRONG})

    event = _only("user.password_reset")
    _assert_about(event, evaluator)
    assert event.actor_id == evaluator.pk  # who reset it: the holder of the link


def test_changing_the_email_address(client, evaluator, django_capture_on_commit_callbacks):
    client.force_login(evaluator)
    old = evaluator.email

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "erik.new@example.org"}
        )
    assert response.status_code == 302
    added = _only("user.email_added")
    _assert_about(added, evaluator)
    assert added.details["email"]["length"] == len("erik.new@example.org")
    _assert_no_personal_data(added, "erik.new")

    confirm_url = _link_from_last_mail(r"/accounts/confirm-email/[^\s]+/")
    client.post(confirm_url)

    confirmed = _only("user.email_confirmed")
    _assert_about(confirmed, evaluator)
    changed = _only("user.email_changed")
    _assert_about(changed, evaluator)
    before, after = changed.changes["email"]
    assert (before["length"], after["length"]) == (len(old), len("erik.new@example.org"))
    assert before["sha256"] != after["sha256"]
    _assert_no_personal_data(changed, "erik.new", "evaluator")
    # The old address went with the change (allauth sends no "removed" for it).
    assert list(EmailAddress.objects.filter(user=evaluator).values_list("email", flat=True)) == [
        "erik.new@example.org"
    ]


def test_removing_an_address_not_yet_confirmed(
    client, evaluator, django_capture_on_commit_callbacks
):
    client.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "typo@example.org"})

    client.post(reverse("account_email"), {"action_remove": "", "email": "typo@example.org"})

    removed = _only("user.email_removed")
    _assert_about(removed, evaluator)
    assert removed.details["email"]["length"] == len("typo@example.org")
    _assert_no_personal_data(removed, "typo")


def test_signing_up_is_recorded(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new.person@example.org",
                "password1": STRONG,
                "password2": STRONG,
                "full_name": "New Person",
            },
        )

    event = _only("user.signed_up")
    assert event.object_type == "user"
    assert event.actor_id == int(event.object_code)
    _assert_no_personal_data(event, "New Person")
