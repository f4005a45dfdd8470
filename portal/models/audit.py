from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One thing that happened, recorded by the service that did it, in its transaction.

    Append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (only the retention
    purge, see `portal.services.audit.audit_purge`, may delete rows older than the
    retention period). Each row's `hash` covers its content and the previous row's hash,
    so `manage.py audit_verify` finds a row altered or removed behind the portal's back.

    The actor and the workshop are kept as ids without a database constraint: a row must
    never change, also not when an account is deleted by retention (the log then shows
    "deleted account") or pseudonymised by erasure (the log shows the pseudonym). No name
    or email address is copied into a row.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who acted when no person did: "task:reports.tasks.task_build_report",
    # "command:audit_verify", "system".
    actor_system = models.CharField(max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=40)
    object_code = models.CharField(_("object"), max_length=64, blank=True)
    workshop = models.ForeignKey(
        "portal.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # {"field": [before, after]}, values made JSON-safe and long text reduced to
    # {"sha256": ..., "length": ...} by the service.
    changes = models.JSONField(default=dict, blank=True)
    # What is not a change of a field: a reason, a file name, counts.
    details = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["workshop", "-id"], name="audit_workshop_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
            models.Index(fields=["object_type", "object_code", "-id"], name="audit_object_idx"),
            models.Index(fields=["created_at"], name="audit_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}"
