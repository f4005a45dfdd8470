"""A person's export of their own data (right of access and portability, Articles 17 and
22 of Regulation (EU) 2018/1725): a ZIP the Celery worker builds from the inventory
(privacy.inventory), downloadable by its owner only until it expires."""

import logging

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code
from portal.models.jobs import BackgroundJob

logger = logging.getLogger(__name__)


def export_upload_to(instance: "DataExport", filename: str) -> str:
    # A random name: served only by a view that checks the owner, but a guessable path
    # would still tell whose export it is.
    return f"data-exports/{new_code(24)}.zip"


class DataExport(BackgroundJob):
    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    # Set when the file is stored: finished_at + DATA_EXPORT_RETENTION_DAYS.
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    file = models.FileField(upload_to=export_upload_to, blank=True, max_length=200)
    file_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One queued or running export per person: a second click finds the first.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state__in=["queued", "running"]),
                name="unique_active_data_export",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="data_export_progress_max"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="data_export_user_idx")]

    def __str__(self) -> str:
        return f"Data export {self.code} ({self.state})"

    def is_downloadable(self, now=None) -> bool:
        return (
            self.state == self.State.DONE
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > (now or timezone.now())
        )


@receiver(post_delete, sender=DataExport, dispatch_uid="data_export_delete_file")
def _data_export_delete_file(sender, instance: DataExport, **kwargs) -> None:
    """A deleted export takes its file along once the deletion is committed (a rolled-back
    deletion must still find it): expiry, a newer export, an account's deletion."""
    name = instance.file.name
    if not name:
        return
    storage = instance.file.storage

    def delete_file() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete data export file %s", name, exc_info=True)

    transaction.on_commit(delete_file, using=kwargs.get("using"))
