"""Personal API tokens: what a script sends as `Authorization: Bearer <token>`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


class ApiScope(models.TextChoices):
    """What a token may be used for. A scope narrows what the owner may do through the API;
    it never widens it: every request is still decided by the owner's permissions."""

    SUBMISSIONS_READ = "submissions:read", _("Read submissions and their files")
    SUBMISSIONS_WRITE = "submissions:write", _("Create, edit, submit and withdraw submissions")
    REVIEWS_READ = "reviews:read", _("Read reviews, conflicts, bids and reviewers")
    REVIEWS_WRITE = "reviews:write", _("Write reviews, conflicts and bids")
    ASSIGNMENTS_READ = "assignments:read", _("Read assignments and assignment runs")
    ASSIGNMENTS_WRITE = "assignments:write", _("Apply assignments and run automatic assignment")
    REPORTS_READ = "reports:read", _("Read reports, aggregates and exports")
    REPORTS_WRITE = "reports:write", _("Start report jobs")
    CRITERIA_READ = "criteria:read", _("Read criteria sets")
    CRITERIA_WRITE = "criteria:write", _("Import criteria sets")
    IMPORTS_READ = "imports:read", _("Read imports and their previews")
    IMPORTS_WRITE = "imports:write", _("Import calls from OpenReview and EU Survey")


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest of the secret is stored: the secret is
    shown once, when the token is made, and cannot be recovered afterwards. A token's
    secret is 256 random bits, so a fast digest is enough (no password-style stretching),
    and a lookup by digest is one indexed query per request."""

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    # The start of the token as shown to its owner, to tell tokens apart ("gpai_ab12cd34…").
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
