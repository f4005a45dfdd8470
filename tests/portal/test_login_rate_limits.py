"""Login rate limits count per client address, also behind the reverse proxy.

settings.ACCOUNT_RATE_LIMITS allows 10 failed logins a minute per address. The address
allauth counts is REMOTE_ADDR, or, with ALLAUTH_TRUSTED_PROXY_COUNT (from
PORTAL_TRUSTED_PROXY_COUNT) above 0, the entry that many from the right of
X-Forwarded-For. tests/test_deployment.py checks that production settings and
docker-compose.yml set it; these tests check what it does to signing in.
"""

import pytest
from django.urls import reverse

from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.1"  # the address every request comes from behind the proxy
LIMIT_PER_ADDRESS = 10


def _sign_in(client, email, password, **meta):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **meta)


def _fail_until_limited(client, **meta):
    # Different unknown emails: only the per-address limit counts them all.
    for number in range(LIMIT_PER_ADDRESS):
        response = _sign_in(client, f"nobody{number}@example.org", "wrong", **meta)
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()


def test_direct_client_cannot_escape_the_limit_with_forwarded_for(client, evaluator, settings):
    # The default: no proxy trusted, so X-Forwarded-For is whatever the client wrote.
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    for number in range(LIMIT_PER_ADDRESS):
        _sign_in(
            client,
            f"nobody{number}@example.org",
            "wrong",
            REMOTE_ADDR="198.51.100.23",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )

    response = _sign_in(
        client,
        evaluator.email,
        PASSWORD,
        REMOTE_ADDR="198.51.100.23",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_limited_client_behind_the_proxy_does_not_lock_out_another(client, evaluator, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # nginx's $proxy_add_x_forwarded_for appends the address it saw to what the client sent.
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.66"}
    _fail_until_limited(client, **attacker)
    limited = _sign_in(client, evaluator.email, PASSWORD, **attacker)
    assert "Too many failed login attempts" in limited.content.decode()
    # Forging the left-hand entries changes nothing: the proxy's own entry is counted.
    forged = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "10.1.1.1, 203.0.113.66"}
    assert "Too many failed login attempts" in (
        _sign_in(client, evaluator.email, PASSWORD, **forged).content.decode()
    )

    response = _sign_in(
        client, evaluator.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert client.session["_auth_user_id"] == str(evaluator.pk)
