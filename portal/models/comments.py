"""What the portal's comments share (the reviewers' discussion, the criteria debate): the
earlier text of an edited comment. Each app keeps its own concrete history model, with the
foreign key to its comment; portal.services.comments edits and removes them alike."""

from django.db import models
from django.utils import timezone


class CommentRevisionBase(models.Model):
    """The text a comment had before an edit. The concrete model adds `comment` (the
    foreign key, related name "revisions") and its Meta."""

    number = models.PositiveIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.comment.code} r{self.number}"
