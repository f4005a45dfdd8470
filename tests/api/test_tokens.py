"""Personal API tokens: made on the profile page, shown once, stored as a digest, scoped,
expiring, revocable; and what a token can do follows its owner's roles as they are now."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.models import ApiToken
from portal.services.tokens import api_token_authenticate, api_token_create, api_token_revoke
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_profile_page_makes_a_token_shows_it_once_and_stores_only_a_digest(client, evaluator):
    client.force_login(evaluator)
    response = client.post(
        reverse("portal:api_token_create"),
        {"name": "R analysis", "scopes": ["submissions:read", "reviews:read"], "lifetime_days": 30},
    )
    assert response.status_code == 200
    page = response.content.decode()
    secret = re.search(r'value="(gpai_[^"]+)"', page).group(1)
    token = ApiToken.objects.get(user=evaluator)
    assert token.name == "R analysis"
    assert token.scopes == ["reviews:read", "submissions:read"]
    assert token.digest != secret and secret not in token.digest
    assert secret.startswith(token.prefix)
    assert not any(secret in str(v) for v in ApiToken.objects.values_list().get())
    assert (token.expires_at - token.created_at).days == 30
    # The secret is never shown again.
    again = client.get(reverse("portal:profile")).content.decode()
    assert secret not in again
    assert token.prefix in again and "R analysis" in again
    # And it works.
    assert client.get("/api/v1/workshops/", headers=_bearer(secret)).status_code == 200


def test_default_lifetime_is_90_days_and_at_most_a_year(evaluator):
    token, _secret = api_token_create(user=evaluator, name="t", scopes=["reviews:read"])
    assert (token.expires_at - token.created_at) == timedelta(days=90)
    with pytest.raises(ValidationError) as error:
        api_token_create(user=evaluator, name="t", scopes=["reviews:read"], lifetime_days=366)
    assert "lifetime_days" in error.value.message_dict


def test_unknown_or_missing_scopes_are_refused(evaluator):
    with pytest.raises(ValidationError) as error:
        api_token_create(user=evaluator, name="t", scopes=["everything:write"])
    assert error.value.message_dict["scopes"] == ["Unknown scope: everything:write."]
    with pytest.raises(ValidationError):
        api_token_create(user=evaluator, name="t", scopes=[])


def test_staff_need_an_active_second_factor_to_make_a_token(staff_without_mfa, staff):
    with pytest.raises(ValidationError) as error:
        api_token_create(user=staff_without_mfa, name="t", scopes=["reviews:read"])
    assert "two-factor" in error.value.messages[0]
    token, _secret = api_token_create(user=staff, name="t", scopes=["reviews:read"])
    assert token.user == staff


def test_the_profile_form_shows_the_refusal_to_staff_without_mfa(client, staff_without_mfa):
    # The middleware sends staff without MFA to set it up before any page, this one too.
    client.force_login(staff_without_mfa)
    response = client.post(
        reverse("portal:api_token_create"),
        {"name": "x", "scopes": ["reviews:read"], "lifetime_days": 30},
    )
    assert response.status_code == 302
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "owner deactivated"])
def test_unusable_tokens_answer_401_with_a_problem(client, evaluator, state):
    token, secret = api_token_create(user=evaluator, name="t", scopes=["reviews:read"])
    if state == "revoked":
        api_token_revoke(token=token)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif state == "unknown":
        secret = secret[:-4] + "AAAA"
    else:
        evaluator.is_active = False
        evaluator.save()
    response = client.get("/api/v1/workshops/", headers=_bearer(secret))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "The token is unknown, expired or revoked.",
        "code": "invalid_token",
    }


def test_no_credentials_answer_401(client):
    response = client.get("/api/v1/workshops/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_last_use_is_recorded_at_most_once_a_minute(evaluator, django_assert_num_queries):
    token, secret = api_token_create(user=evaluator, name="t", scopes=["reviews:read"])
    assert api_token_authenticate(secret=secret).last_used_at is not None
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    with django_assert_num_queries(1):  # the lookup only, no write
        api_token_authenticate(secret=secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first


def test_only_the_owner_can_revoke(client, evaluator, other_evaluator):
    token, secret = api_token_create(user=evaluator, name="t", scopes=["reviews:read"])
    url = reverse("portal:api_token_revoke", kwargs={"token_code": token.code})
    client.force_login(other_evaluator)
    assert client.post(url).status_code == 404
    client.force_login(evaluator)
    assert client.post(url).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get("/api/v1/workshops/", headers=_bearer(secret)).status_code == 401


def test_a_token_follows_its_owners_roles_as_they_are_now(client, staff):
    """Staff made a token while staff; once no longer staff, the same token no longer sees
    draft workshops (404, as in the browser)."""
    draft = WorkshopFactory(phase_override="draft")
    _token, secret = api_token_create(user=staff, name="t", scopes=["reviews:read"])
    url = f"/api/v1/workshops/{draft.code}/"
    assert client.get(url, headers=_bearer(secret)).status_code == 200
    staff.groups.clear()
    staff.is_superuser = False
    staff.save()
    response = client.get(url, headers=_bearer(secret))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_staff_whose_second_factor_was_removed_are_refused(client, staff):
    _token, secret = api_token_create(user=staff, name="t", scopes=["reviews:read"])
    staff.authenticator_set.all().delete()
    response = client.get("/api/v1/workshops/", headers=_bearer(secret))
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_rate_limit_is_per_token_with_retry_after(client, evaluator, settings):
    settings.API_RATE_LIMIT = "3/minute"
    _t1, first = api_token_create(user=evaluator, name="a", scopes=["reviews:read"])
    _t2, second = api_token_create(user=evaluator, name="b", scopes=["reviews:read"])
    statuses = [
        client.get("/api/v1/workshops/", headers=_bearer(first)).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/workshops/", headers=_bearer(first))
    assert refused["Content-Type"] == "application/problem+json"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429
    assert client.get("/api/v1/workshops/", headers=_bearer(second)).status_code == 200


def test_token_secrets_are_long_and_random(evaluator):
    secrets = {
        api_token_create(user=evaluator, name="t", scopes=["reviews:read"])[1] for _ in range(5)
    }
    assert len(secrets) == 5
    assert all(len(s) >= 50 for s in secrets)
    assert settings.API_RATE_LIMIT


def test_a_member_who_left_the_organisation_loses_its_submissions_token_or_not(
    client, evaluator, organisation
):
    from portal.models import Membership
    from tests.factories import SubmissionFactory

    submission = SubmissionFactory(organisation=organisation, contact=evaluator)
    _token, secret = api_token_create(user=evaluator, name="t", scopes=["submissions:read"])
    url = f"/api/v1/submissions/{submission.code}/"
    assert client.get(url, headers=_bearer(secret)).json()["code"] == submission.code
    assert client.get("/api/v1/submissions/", headers=_bearer(secret)).json()["count"] == 1
    Membership.objects.filter(user=evaluator, organisation=organisation).delete()
    assert client.get(url, headers=_bearer(secret)).status_code == 404
    assert client.get("/api/v1/submissions/", headers=_bearer(secret)).json()["count"] == 0
