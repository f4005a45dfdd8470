"""Edits and removals of a comment, shared by the reviewers' discussion and the criteria
debate. A comment model has `body`, `revision` (optimistic locking, as on the review form),
`edited_at`, `removed_at` and a history model (portal.models.comments.CommentRevisionBase)
under the related name "revisions". The callers lock the row, save it and audit the change."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.concurrency import check_revision

# The longest comment either kind takes (a few pages): the edit history keeps every earlier
# text, so an unbounded one would grow with each edit.
COMMENT_MAX_LENGTH = 20_000


def comment_body_clean(body: str) -> str:
    """The text a comment is posted or edited with, refused when empty or too long."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"body": _("A comment holds at most %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}}
        )
    return body


def comment_text_revise(*, locked: models.Model, body: str, revision: int) -> bool:
    """Give the locked comment its new `body`, keeping the earlier one as a revision; False
    when the text did not change. A save started from an older revision raises
    StaleEditError; a removed comment cannot be edited."""
    check_revision(expected=revision, current=locked.revision, current_value=locked.body)
    if locked.removed_at is not None:
        raise ValidationError(_("This comment was removed."))
    if body == locked.body:
        return False
    locked.revisions.create(number=locked.revision, body=locked.body, created_at=timezone.now())
    locked.body = body
    locked.revision += 1
    locked.edited_at = timezone.now()
    return True


def comment_mark_removed(*, locked: models.Model) -> bool:
    """Hide the locked comment behind a "removed" marker (the row and its history stay);
    False when it was removed already."""
    if locked.removed_at is not None:
        return False
    locked.removed_at = timezone.now()
    locked.save(update_fields=["removed_at"])
    return True
