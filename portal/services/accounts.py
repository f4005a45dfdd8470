from django.db import transaction

from portal.models import User


@transaction.atomic
def user_update_profile(
    *, user: User, full_name: str, preferred_language: str, timezone: str
) -> User:
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user.timezone = timezone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "preferred_language", "timezone"])
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
