from django.db import transaction

from portal.models import User
from portal.services.audit import (
    audit_changes,
    audit_record,
    audit_snapshot,
    audit_stored,
    personal,
)

_PROFILE_FIELDS = ["full_name", "preferred_language", "timezone"]


@transaction.atomic
def user_update_profile(
    *, user: User, full_name: str, preferred_language: str, timezone: str
) -> User:
    before = audit_stored(user, _PROFILE_FIELDS)
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user.timezone = timezone
    user.full_clean(exclude=["password"])
    user.save(update_fields=_PROFILE_FIELDS)
    changes = audit_changes(before, audit_snapshot(user, _PROFILE_FIELDS))
    if "full_name" in changes:
        changes["full_name"] = [personal(value) for value in changes["full_name"]]
    if changes:
        audit_record(action="user.profile_updated", obj=user, actor=user, changes=changes)
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
