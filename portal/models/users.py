import functools
import zoneinfo

import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager, Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.languages import site_languages
from portal.precompiled import precompiled_list


@functools.cache
def timezone_choices() -> list[tuple[str, str]]:
    """The zones of the tz database, read from disk once per process (a time-zone field's
    choices were listed on every request, twice: some 600 files opened each time)."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


def _staff_group_of(user_id: int):
    return Group.objects.filter(user__pk=user_id, name=settings.STAFF_GROUP_NAME).only("pk")[:1]


class User(AbstractUser):
    """A person. Login is by email; there is no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=site_languages,
        default=settings.LANGUAGE_CODE,
    )
    timezone = models.CharField(
        _("display time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("Dates and deadlines are shown to you in this time zone."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def has_perm(self, perm, obj=None) -> bool:
        # Portal permissions are decided by portal.permissions alone, without Django's
        # "an active superuser may do anything" shortcut: a superuser is AI Office staff,
        # not a member of every organisation. The admin's model permissions go the usual way.
        if rules.perm_exists(perm):
            return rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_ai_office_staff(self) -> bool:
        """Staff of the AI Office: superusers, or members of the staff group.

        Memoised per instance because the navigation, middleware and permission checks all
        ask on one request.
        """
        cached = self.__dict__.get("_is_ai_office_staff")
        if cached is None:
            # Asked on every request (the MFA rule, the navigation): compiled once.
            cached = self.is_active and (
                self.is_superuser
                or bool(precompiled_list("ai_office_staff", _staff_group_of, pk=self.pk))
            )
            self.__dict__["_is_ai_office_staff"] = cached
        return cached
