"""Writes of the discussion: posting, editing (the earlier text kept), removing (a marker
stays), a reader's subscription to the digest, and the digest itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from discussion import selectors
from discussion.models import Comment, ThreadReader
from discussion.selectors import Thread
from portal.markup import render_markdown
from portal.models import User
from portal.services.audit import audit_record
from portal.services.comments import (
    comment_body_clean,
    comment_mark_removed,
    comment_text_revise,
)
from portal.services.mail import absolute_url, email_queue_from_templates
from reviews.models import Assignment

# At most one digest per hour per submission per reader.
DIGEST_INTERVAL = timedelta(hours=1)
# Comments older than this are not looked for by the digest scan.
DIGEST_LOOKBACK = timedelta(days=14)


@transaction.atomic
def comment_post(*, thread: Thread, user: User, body: str, readers: str) -> Comment:
    if readers not in Comment.Readers.values:
        raise ValidationError({"readers": _("Choose who may read the comment.")})
    body = comment_body_clean(body)
    comment = Comment.objects.create(
        submission=thread.submission,
        author=user,
        readers=readers,
        body=body,
        body_html=render_markdown(body),
        by_staff=thread.staff,
    )
    audit_record(
        action="comment.posted",
        obj=comment,
        actor=user,
        workshop=thread.submission.workshop,
        details={"submission": thread.submission.code, "readers": readers},
    )
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, user: User, body: str, revision: int) -> Comment:
    """Change the text; the earlier one becomes a CommentRevision. A save started from an
    older revision is refused (StaleEditError), as on the review form."""
    body = comment_body_clean(body)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment_text_revise(locked=locked, body=body, revision=revision):
        return locked
    locked.body_html = render_markdown(body)
    locked.save(update_fields=["body", "body_html", "revision", "edited_at"])
    audit_record(
        action="comment.edited",
        obj=locked,
        actor=user,
        workshop=comment.submission.workshop,
        details={"submission": comment.submission.code, "revision": locked.revision},
    )
    return locked


@transaction.atomic
def comment_remove(*, comment: Comment, user: User) -> Comment:
    """Hide the text behind a "removed" marker; staff still read it in the history."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment_mark_removed(locked=locked):
        audit_record(
            action="comment.removed",
            obj=locked,
            actor=user,
            workshop=comment.submission.workshop,
            details={"submission": comment.submission.code},
        )
    return locked


@transaction.atomic
def thread_subscription_set(*, thread: Thread, user: User, subscribed: bool) -> ThreadReader:
    reader, _created = ThreadReader.objects.select_for_update().get_or_create(
        submission=thread.submission, user=user
    )
    if subscribed == (reader.unsubscribed_at is None):
        return reader
    reader.unsubscribed_at = None if subscribed else timezone.now()
    reader.save(update_fields=["unsubscribed_at"])
    audit_record(
        action="thread.resubscribed" if subscribed else "thread.unsubscribed",
        obj=reader,
        actor=user,
        workshop=thread.submission.workshop,
        details={"submission": thread.submission.code},
    )
    return reader


def _digest_one(*, submission, reviewer: User, now: datetime) -> bool:
    """Send `reviewer` the comments of `submission` they have not had yet, unless they
    unsubscribed, had a digest less than an hour ago, or may not read the thread now."""
    assignment = selectors.reviewer_assignment(user=reviewer, submission_code=submission.code)
    if assignment is None:
        return False
    thread = Thread(submission=assignment.submission, assignment=assignment)
    if not thread.open:
        return False
    with transaction.atomic():
        reader, _created = ThreadReader.objects.select_for_update().get_or_create(
            submission=submission, user=reviewer
        )
        if reader.unsubscribed_at is not None:
            return False
        if reader.digest_sent_at is not None and now - reader.digest_sent_at < DIGEST_INTERVAL:
            return False
        new = (
            Comment.objects.filter(
                submission=submission,
                readers=Comment.Readers.REVIEWERS,
                removed_at__isnull=True,
                created_at__lte=now,
            )
            .exclude(author=reviewer)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        if reader.digested_until is not None:
            new = new.filter(created_at__gt=reader.digested_until)
        comments = list(new)
        if not comments:
            return False
        labels = selectors.reviewer_labels(submission=submission)
        names_visible = submission.workshop.reviewer_names_visible
        items = [
            (
                selectors.author_label(
                    comment=comment, thread=thread, labels=labels, names_visible=names_visible
                ),
                comment,
            )
            for comment in comments
        ]
        thread_path = reverse("discussion:thread", kwargs={"code": submission.code})
        email_queue_from_templates(
            to=[reviewer.email],
            template_prefix="discussion/email/digest",
            context={
                "reviewer": reviewer,
                "submission": submission,
                "items": items,
                "url": absolute_url(thread_path),
                "unsubscribe_url": absolute_url(
                    reverse("discussion:subscription", kwargs={"code": submission.code})
                ),
            },
            language=reviewer.preferred_language or None,
        )
        reader.digest_sent_at = now
        reader.digested_until = comments[-1].created_at
        reader.save(update_fields=["digest_sent_at", "digested_until"])
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """Email each reviewer of each discussed submission the comments new to them, at most
    once per DIGEST_INTERVAL per submission. Idempotent: run it every few minutes."""
    now = now or timezone.now()
    sent = 0
    for submission in selectors.digest_candidates(since=now - DIGEST_LOOKBACK):
        reviewers = User.objects.filter(
            pk__in=Assignment.objects.filter(submission=submission)
            .exclude(state=Assignment.State.DECLINED)
            .values("reviewer_id")
        ).order_by("pk")
        for reviewer in reviewers:
            sent += _digest_one(submission=submission, reviewer=reviewer, now=now)
    return sent
