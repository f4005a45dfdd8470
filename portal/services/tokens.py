"""Personal API tokens: made, revoked, and recognised when a script presents one."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.ids import new_code
from portal.models import ApiScope, ApiToken, User
from portal.selectors import user_needs_second_factor
from portal.services.audit import audit_record

TOKEN_PREFIX = "gpai_"
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
# last_used_at is written at most this often per token: a script paging through a list
# would otherwise write a row per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scopes: list[str], lifetime_days: int = DEFAULT_LIFETIME_DAYS
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is returned here once and never stored."""
    errors = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Give the token a name, so that you can tell it apart later.")
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if not scopes:
        errors["scopes"] = _("Choose at least one scope.")
    elif unknown:
        errors["scopes"] = _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}
    if not 1 <= lifetime_days <= MAX_LIFETIME_DAYS:
        errors["lifetime_days"] = _("A token lasts between 1 and %(max)d days.") % {
            "max": MAX_LIFETIME_DAYS
        }
    if user_needs_second_factor(user=user):
        errors["__all__"] = _(
            "AI Office staff can only create API tokens once two-factor authentication "
            "is active on their account."
        )
    if errors:
        raise ValidationError(errors)
    code = new_code(8)
    secret = f"{TOKEN_PREFIX}{code}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=f"{TOKEN_PREFIX}{code}",
        digest=token_digest(secret),
        scopes=sorted(set(scopes)),
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    # Never the secret nor its digest: the prefix names the token in the log, as on the
    # profile page.
    audit_record(
        action="api_token.created",
        obj=token,
        actor=user,
        details={
            "name": token.name,
            "prefix": token.prefix,
            "scopes": token.scopes,
            "expires_at": token.expires_at,
        },
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user: User | None = None) -> ApiToken:
    """Revoke a token; `user` is who did (its owner from the profile page)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="api_token.revoked",
            obj=token,
            actor=user,
            details={"name": token.name, "prefix": token.prefix},
        )
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token whose secret this is, its owner loaded; None for anything else
    (unknown, revoked, expired, or the owner's account deactivated)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
