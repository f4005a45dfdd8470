"""Accounts into the audit log: signing in and out, second factors, passwords and email
addresses.

These changes are made by allauth and Django, not by a portal service, and they report
them only through signals: receiving those is the one place where the log is written
from a signal (everything else is recorded by the service that makes the change). Each
event has the person as actor and object ("user", their id); an email address is kept as
its hash and length only (`personal`), a password never.

Connected by PortalConfig.ready() through `connect`.
"""

from allauth.account import signals as account_signals
from allauth.account.authentication import get_authentication_records
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals

from portal.models import User
from portal.services.audit import audit_record, personal


def _record(action: str, user, **kwargs) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    audit_record(action=action, obj=user, actor=user, **kwargs)


def signed_in(sender, request, user, **kwargs):
    # How: "password", "mfa", "socialaccount" (EU Login), in the order they were passed.
    methods = [record.get("method") for record in get_authentication_records(request, user)]
    _record("user.signed_in", user, details={"methods": [m for m in methods if m]})


def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials`; only the address the
    # attempt named is kept, as a hash. The account it names, if any, is the object, so a
    # person's history shows the attempts on their account.
    email = credentials.get("email") or credentials.get("username") or ""
    account = User.objects.filter(email__iexact=email).first() if email else None
    audit_record(
        action="user.sign_in_failed",
        obj=account,
        object_type_name=None if account else "user",
        code=None if account else "",
        details={"email": personal(email)},
    )


def signed_out(sender, request, user, **kwargs):
    _record("user.signed_out", user)


def signed_up(sender, request, user, **kwargs):
    _record("user.signed_up", user)


def _authenticator_details(authenticator) -> dict:
    return {"type": authenticator.type}


def mfa_added(sender, request, user, authenticator, **kwargs):
    _record("user.mfa_added", user, details=_authenticator_details(authenticator))


def mfa_removed(sender, request, user, authenticator, **kwargs):
    _record("user.mfa_removed", user, details=_authenticator_details(authenticator))


def mfa_reset(sender, request, user, authenticator, **kwargs):
    # allauth sends this when a person makes a new set of recovery codes.
    _record("user.mfa_reset", user, details=_authenticator_details(authenticator))


def mfa_used(sender, request, user, authenticator, **kwargs):
    # A TOTP code is part of every staff sign-in (user.signed_in says so); a recovery code
    # is the rarer event worth its own line: the person's authenticator app may be lost.
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        details = {"reauthenticated": bool(kwargs.get("reauthenticated"))}
        _record("user.recovery_code_used", user, details=details)


def mfa_failed(sender, request, user, authenticator, **kwargs):
    details = {**_authenticator_details(authenticator)}
    details["reauthentication"] = bool(kwargs.get("reauthentication"))
    _record("user.mfa_failed", user, details=details)


def password_changed(sender, request, user, **kwargs):
    _record("user.password_changed", user)


def password_set(sender, request, user, **kwargs):
    _record("user.password_set", user)


def password_reset(sender, request, user, **kwargs):
    _record("user.password_reset", user)


def email_added(sender, request, user, email_address, **kwargs):
    _record("user.email_added", user, details={"email": personal(email_address.email)})


def email_removed(sender, request, user, email_address, **kwargs):
    _record("user.email_removed", user, details={"email": personal(email_address.email)})


def email_confirmed(sender, request, email_address, **kwargs):
    user = email_address.user
    _record("user.email_confirmed", user, details={"email": personal(email_address.email)})


def email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    # The primary address, which is also the one a person signs in with.
    before = from_email_address.email if from_email_address else None
    changes = {"email": [personal(before), personal(to_email_address.email)]}
    _record("user.email_changed", user, changes=changes)


_RECEIVERS = [
    (account_signals.user_logged_in, signed_in),
    (auth_signals.user_login_failed, sign_in_failed),
    (auth_signals.user_logged_out, signed_out),
    (account_signals.user_signed_up, signed_up),
    (mfa_signals.authenticator_added, mfa_added),
    (mfa_signals.authenticator_removed, mfa_removed),
    (mfa_signals.authenticator_reset, mfa_reset),
    (mfa_signals.authenticator_used, mfa_used),
    (mfa_signals.authentication_failed, mfa_failed),
    (account_signals.password_changed, password_changed),
    (account_signals.password_set, password_set),
    (account_signals.password_reset, password_reset),
    (account_signals.email_added, email_added),
    (account_signals.email_removed, email_removed),
    (account_signals.email_confirmed, email_confirmed),
    (account_signals.email_changed, email_changed),
]


def connect() -> None:
    for signal, receiver in _RECEIVERS:
        signal.connect(receiver, dispatch_uid=f"portal.audit.{receiver.__name__}")
