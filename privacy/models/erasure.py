"""Erasure of a person's account by pseudonymisation, on their request or by retention.

The account row stays, under a pseudonym, so that what the person did for a workshop
(submitted reviews and scores, bids, conflicts, assignments) keeps counting exactly as
before; what identifies them is replaced or deleted (privacy/erasure.py says what).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


class ErasureRequest(models.Model):
    """A person's request to have their account erased, and AI Office staff's decision."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DONE = "done", _("Done")

    OPEN_STATES = (State.REQUESTED, State.APPROVED)

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure_requests"
    )
    # The person's own words, cleared once the erasure is done (the log keeps its hash).
    reason = models.TextField(_("reason"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("done"), null=True, blank=True)
    # What the erasure deleted, cleared and kept: counts by kind (privacy.selectors).
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per person: a second one would be decided twice.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state__in=["requested", "approved"]),
                name="unique_open_erasure_request",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["requested", "approved", "refused", "withdrawn", "done"]),
                name="erasure_request_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="erasure_state_idx")]

    def __str__(self) -> str:
        return f"Erasure request {self.code} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class ErasedAccount(models.Model):
    """An account that was pseudonymised: its pseudonym's code, when, and why.

    Its existence makes pseudonymisation idempotent, and keeps retention from warning or
    erasing the account again.
    """

    class Cause(models.TextChoices):
        REQUEST = "request", _("On the person's request")
        RETENTION = "retention", _("Retention period over")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure"
    )
    # In the pseudonym ("Former participant <code>") and its address (erased-<code>@invalid).
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    cause = models.CharField(max_length=10, choices=Cause.choices)
    erased_at = models.DateTimeField(default=timezone.now)
    # Null: the retention task (the system).
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    request = models.OneToOneField(
        ErasureRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erased_account",
    )

    class Meta:
        verbose_name = _("erased account")
        verbose_name_plural = _("erased accounts")

    def __str__(self) -> str:
        return f"Erased account {self.code}"


class RetentionWarning(models.Model):
    """The email telling an inactive person that their account will be pseudonymised
    unless they sign in: sent once per period of inactivity. A sign-in after `warned_at`
    starts a new period, and the warning no longer counts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retention_warning"
    )
    warned_at = models.DateTimeField()
    # The date the email announced: not before warned_at + RETENTION_INACTIVE_WARNING_DAYS.
    erase_after = models.DateTimeField()

    class Meta:
        verbose_name = _("retention warning")
        verbose_name_plural = _("retention warnings")

    def __str__(self) -> str:
        return f"Retention warning to {self.user_id} at {self.warned_at:%Y-%m-%d}"
