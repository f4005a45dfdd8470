"""Who reads a submission's discussion, and what each reader sees of it.

The thread belongs to the submission's assigned reviewers and to AI Office staff. The
submitters never see it; a reviewer who declined, is conflicted, lost clearance or access
to the workshop does not either (404, as for their assignment). A reviewer reads it once
the workshop's rule for seeing other reviews lets them (`others_open_to_reviewer`: after
submitting their own review, always, or never). Reviewers appear to each other as
"Reviewer A", "Reviewer B", ... unless the workshop shows reviewer names; staff see names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from discussion.models import Comment, CommentRevision, ThreadReader
from portal.markup import render_markdown
from portal.models import User
from reviews.models import Assignment
from reviews.selectors.conflicts import has_conflict
from reviews.selectors.visibility import (
    assignments_for_reviewer,
    others_open_to_reviewer,
    reviewer_labels,
)
from submissions.models import Submission
from submissions.selectors import submissions_visible_to


@dataclass(frozen=True)
class Thread:
    """A submission's thread as one reader reaches it: as staff, or through their own
    assignment."""

    submission: Submission
    assignment: Assignment | None = None
    staff: bool = False

    @property
    def open(self) -> bool:
        """Whether the reader may read (and write in) the thread now."""
        if self.staff:
            return True
        return self.assignment is not None and others_open_to_reviewer(assignment=self.assignment)


def reviewer_assignment(*, user: User, submission_code: str) -> Assignment | None:
    """The reviewer's live assignment to the submission, unless conflicted: the same
    checks as opening the assignment itself."""
    assignment = (
        assignments_for_reviewer(user=user)
        .select_related("submission__workshop")
        .filter(submission__code=submission_code)
        .order_by("pk")
        .first()
    )
    if assignment is None or has_conflict(reviewer=user, submission=assignment.submission):
        return None
    return assignment


def thread_get_for_user(*, code: str, user: User) -> Thread:
    """The thread of submission `code`, or 404 for whoever is neither staff nor one of
    its reviewers (submitters, conflicted and declined reviewers included)."""
    if not user.is_authenticated:
        raise Http404
    if user.is_ai_office_staff:
        submission = (
            submissions_visible_to(user=user).select_related("workshop").filter(code=code).first()
        )
        if submission is None:
            raise Http404
        return Thread(submission=submission, staff=True)
    assignment = reviewer_assignment(user=user, submission_code=code)
    if assignment is None:
        raise Http404
    return Thread(submission=assignment.submission, assignment=assignment)


def comments_visible_in(*, thread: Thread, user: User) -> QuerySet[Comment]:
    """Staff read every comment; a reviewer those for reviewers, and their own."""
    qs = Comment.objects.filter(submission=thread.submission)
    if not thread.staff:
        qs = qs.filter(Q(readers=Comment.Readers.REVIEWERS) | Q(author=user))
    return qs


def comment_get(*, thread: Thread, user: User, code: str) -> Comment:
    comment = (
        comments_visible_in(thread=thread, user=user)
        .select_related("author", "submission__workshop")
        .filter(code=code)
        .first()
    )
    if comment is None:
        raise Http404
    return comment


@dataclass(frozen=True)
class DisplayComment:
    comment: Comment
    author_label: str
    own: bool
    body_html: str
    edits: int


def author_label(
    *, comment: Comment, thread: Thread, labels: dict[int, str], names_visible: bool
) -> str:
    if comment.by_staff:
        return (
            _("%(name)s (AI Office)") % {"name": comment.author} if thread.staff else _("AI Office")
        )
    if thread.staff or names_visible:
        return str(comment.author)
    return labels.get(comment.author_id, _("Reviewer %(letter)s") % {"letter": "?"})


def thread_comments(*, thread: Thread, user: User) -> list[DisplayComment]:
    """The comments a reader sees, oldest first, named as this reader may see their
    authors, in three queries however many there are."""
    comments = list(
        comments_visible_in(thread=thread, user=user)
        .select_related("author")
        .annotate(edits=Count("revisions"))
        .order_by("created_at", "pk")
    )
    labels = reviewer_labels(submission=thread.submission)
    names_visible = thread.submission.workshop.reviewer_names_visible
    return [
        DisplayComment(
            comment=comment,
            author_label=author_label(
                comment=comment, thread=thread, labels=labels, names_visible=names_visible
            ),
            own=comment.author_id == user.pk,
            body_html="" if comment.removed_at else render_markdown(comment.body),
            edits=comment.edits,
        )
        for comment in comments
    ]


def comment_history(*, comment: Comment) -> list[CommentRevision]:
    return list(comment.revisions.order_by("-number"))


def reader_subscribed(*, submission: Submission, user: User) -> bool:
    return not ThreadReader.objects.filter(
        submission=submission, user=user, unsubscribed_at__isnull=False
    ).exists()


def digest_candidates(*, since: datetime) -> QuerySet[Submission]:
    """Submissions with comments for reviewers posted since `since`."""
    return Submission.objects.filter(
        pk__in=Comment.objects.filter(
            created_at__gt=since, readers=Comment.Readers.REVIEWERS, removed_at__isnull=True
        ).values("submission_id")
    ).select_related("workshop")
