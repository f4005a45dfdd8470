"""The reviewers' discussion of one evaluation: comments with fixed readers, their edit
history, and each reader's subscription to the thread's email digest."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code
from portal.models.comments import CommentRevisionBase


class Comment(models.Model):
    """A comment on a submission's thread. Its readers are fixed when it is posted; an
    edit keeps the earlier text as a CommentRevision; removing it keeps the row (and its
    history, for staff) and shows a "removed" marker instead of the text."""

    class Readers(models.TextChoices):
        REVIEWERS = "reviewers", _("Reviewers of this evaluation and the AI Office")
        AI_OFFICE = "ai_office", _("AI Office only")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="discussion_comments"
    )
    readers = models.CharField(
        _("readers"), max_length=12, choices=Readers.choices, default=Readers.REVIEWERS
    )
    body = models.TextField(_("comment"))
    # The body rendered (portal.markup: sanitised) when written: rendering takes about 3 ms
    # a comment, too much to repeat for every comment on every view of a long thread.
    body_html = models.TextField(default="", editable=False)
    # Posted as AI Office staff (shown as "AI Office" to reviewers), fixed at posting.
    by_staff = models.BooleanField(default=False)
    # Optimistic locking of edits, as on the review form.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["submission", "created_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def workshop_id(self) -> int:
        return self.submission.workshop_id


class CommentRevision(CommentRevisionBase):
    """The text a comment had before an edit (staff read the history)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        ordering = ("comment", "number")
        constraints = [
            models.UniqueConstraint(fields=["comment", "number"], name="comment_revision_unique")
        ]


class ThreadReader(models.Model):
    """One reader's state on one thread: unsubscribed from its digest or not, and up to
    when the digest told them about new comments."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="thread_readers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_readers"
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The last digest sent, and the creation time of the newest comment it covered.
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    digested_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "user"], name="thread_reader_unique")
        ]

    def __str__(self) -> str:
        return self.code
