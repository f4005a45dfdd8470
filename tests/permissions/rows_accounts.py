"""allauth's pages: sign-in, sign-up, passwords, e-mail addresses, two-factor
authentication, third-party accounts and EU Login (OpenID Connect).

Every page is about the person signed in (or about to be), never about someone else, so
the rows check who may open each at all. Staff without a second factor may open all of
them (they must reach TOTP set-up). Pages that change a password, an address or a second
factor ask to confirm the password first; the personas signed in without that, so they
are sent there (REDIRECT). EU Login is not configured in tests: its URLs answer 404.
"""

from tests.factories.core import PASSWORD
from tests.permissions.matrix import LOGIN, REDIRECT, STAFF, Row, each, expect


def _account_page(outcome, **outcomes):
    """A page for the signed-in person; anonymous visitors are asked to sign in."""
    return expect(outcome, anonymous=LOGIN, **outcomes)


# Pages about a second factor someone has: staff have TOTP, nobody else has one.
def _with_second_factor(staff_outcome, others):
    return _account_page(others, **each(STAFF, staff_outcome))


def _provider(w):
    return {"provider_id": "eulogin"}


ROWS = [
    # --- sign-in, sign-up, sign-out -------------------------------------------------------
    Row(
        "account_login",
        get=expect(REDIRECT, anonymous=200),
        # Wrong credentials: the form says so. Signed-in people are sent on.
        post=expect(REDIRECT, anonymous=200),
        data=lambda w: {"login": "nobody@example.org", "password": "not-the-password"},
    ),
    Row(
        "account_confirm_login_code",
        get=expect(REDIRECT, anonymous=LOGIN),
        post=expect(REDIRECT, anonymous=LOGIN),
        data=lambda w: {"code": "000000"},
    ),
    Row(
        "account_signup",
        get=expect(REDIRECT, anonymous=200),
        post=expect(REDIRECT),
        data=lambda w: {
            "email": "newcomer@example.org",
            "full_name": "Nina Newcomer",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
        },
    ),
    Row(
        "account_logout",
        get=expect(200, anonymous=REDIRECT),
        post=expect(REDIRECT),
    ),
    Row("account_inactive", get=expect(200), post=expect(405)),
    # --- e-mail addresses -----------------------------------------------------------------
    Row(
        "account_email",
        get=_account_page(200),
        # allauth refuses a new address on an account with a second factor (the form says
        # so); others add it and are sent to confirm it.
        post=_account_page(REDIRECT, **each(STAFF, 200)),
        data=lambda w: {"action_add": "", "email": "second-address@example.org"},
    ),
    Row("account_email_verification_sent", get=expect(200), post=expect(405)),
    # An unknown confirmation key confirms nothing, for anyone.
    Row(
        "account_confirm_email",
        kwargs=lambda w: {"key": "no-such-key"},
        get=expect(200),
        post=expect(404),
    ),
    # --- passwords ------------------------------------------------------------------------
    Row(
        "account_change_password",
        get=_account_page(200),
        # A wrong current password: the form says so, nothing changes.
        post=_account_page(200),
        data=lambda w: {
            "oldpassword": "not-the-password",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
        },
    ),
    # Everyone here has a password already: they are sent to change it instead.
    Row(
        "account_set_password",
        get=_account_page(REDIRECT),
        post=_account_page(REDIRECT),
        data=lambda w: {"password1": PASSWORD, "password2": PASSWORD},
    ),
    Row(
        "account_reset_password",
        get=expect(200),
        # Not an address: the form says so (a real one would count against the rate
        # limit per address, shared by every persona of this row).
        post=expect(200),
        data=lambda w: {"email": "not an address"},
    ),
    Row("account_reset_password_done", get=expect(200), post=expect(405)),
    # A forged key shows the "bad link" page and changes nothing.
    Row(
        "account_reset_password_from_key",
        kwargs=lambda w: {"uidb36": "1", "key": "forged-key"},
        get=expect(200),
        post=expect(200),
        data=lambda w: {"password1": PASSWORD, "password2": PASSWORD},
    ),
    Row("account_reset_password_from_key_done", get=expect(200), post=expect(405)),
    # --- confirming it is you -------------------------------------------------------------
    Row(
        "account_reauthenticate",
        get=_account_page(200),
        post=_account_page(200),
        data=lambda w: {"password": "not-the-password"},
    ),
    Row(
        "account_request_reauthentication_code",
        get=_account_page(200),
        post=_account_page(200),
    ),
    Row(
        "account_confirm_reauthentication_code",
        get=_account_page(REDIRECT),
        post=_account_page(REDIRECT),
        data=lambda w: {"code": "000000"},
    ),
    # --- two-factor authentication --------------------------------------------------------
    Row("mfa_index", get=_account_page(200), post=_account_page(405)),
    Row(
        "mfa_activate_totp",
        get=_account_page(REDIRECT),
        post=_account_page(REDIRECT),
        data=lambda w: {"code": "000000"},
    ),
    Row(
        "mfa_deactivate_totp",
        get=_with_second_factor(REDIRECT, others=404),
        post=_with_second_factor(REDIRECT, others=404),
    ),
    # The second step of a sign-in; there is none pending for anyone here.
    Row(
        "mfa_authenticate",
        get=_account_page(REDIRECT),
        post=_account_page(REDIRECT),
        data=lambda w: {"code": "000000"},
    ),
    Row(
        "mfa_reauthenticate",
        get=_with_second_factor(200, others=REDIRECT),
        post=_with_second_factor(200, others=REDIRECT),
        data=lambda w: {"code": "000000"},
    ),
    Row(
        "mfa_generate_recovery_codes",
        get=_account_page(REDIRECT),
        post=_account_page(REDIRECT),
    ),
    Row(
        "mfa_view_recovery_codes",
        get=_with_second_factor(REDIRECT, others=404),
        post=_account_page(405),
    ),
    Row(
        "mfa_download_recovery_codes",
        get=_with_second_factor(REDIRECT, others=404),
        post=_with_second_factor(REDIRECT, others=404),
    ),
    # --- third-party accounts and EU Login --------------------------------------------------
    Row(
        "socialaccount_connections",
        get=_account_page(200),
        # No account chosen to disconnect: the form says so.
        post=_account_page(200),
    ),
    Row("socialaccount_login_cancelled", get=expect(200), post=expect(405)),
    Row("socialaccount_login_error", get=expect(401), post=expect(405)),
    # Only reachable in the middle of a third-party sign-in; there is none here.
    Row("socialaccount_signup", get=expect(LOGIN), post=expect(LOGIN)),
    Row("openid_connect_login", kwargs=_provider, get=expect(404), post=expect(404)),
    Row("openid_connect_callback", kwargs=_provider, get=expect(404)),
    # allauth's old addresses, kept as permanent redirects to the pages above.
    *(
        Row(
            f"<unnamed social/{old}/>",
            path=lambda w, old=old: f"/accounts/social/{old}/",
            get=expect(REDIRECT),
        )
        for old in ("connections", "login/cancelled", "login/error", "signup")
    ),
]
