from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """An email waiting to be sent, or sent.

    Mail is written here in the same transaction as the change it reports, and a Celery
    task sends it. If the broker is down when the change is saved, the periodic flush task
    sends it once the broker is back: nothing is lost and nothing blocks the user.
    """

    to = models.JSONField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} -> {', '.join(self.to)}"
