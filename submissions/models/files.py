from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


def _storage_name(instance: "SubmissionFile", filename: str) -> str:
    # Random names outside any public URL; the original name is kept in the row only.
    return f"submissions/{instance.submission.code}/{new_code(24)}.bin"


class SubmissionFile(models.Model):
    """An uploaded file. Immutable: replacing a file adds a row, so versions keep theirs."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Main document (PDF)")
        SUPPLEMENTARY = "supplementary", _("Supplementary file")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to=_storage_name, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Set when the file leaves the working copy (replaced or removed). Versions that
    # included it keep it.
    detached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission file")
        verbose_name_plural = _("submission files")
        ordering = ["kind", "uploaded_at"]
        indexes = [models.Index(fields=["submission", "detached_at"])]

    def __str__(self) -> str:
        return self.original_name
