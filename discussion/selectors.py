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

from django.db.models import Count, JSONField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from discussion.models import Comment, CommentRevision, ThreadReader
from portal.models import User
from reviews.models import Assignment, Review, ReviewVersion
from reviews.selectors.conflicts import has_conflict
from reviews.selectors.visibility import (
    Audience,
    DisplayGroup,
    DisplayReview,
    DisplayScore,
    assignments_for_reviewer,
    other_reviews_shared_with_reviewer,
    others_open_to_reviewer,
    review_for_display,
    reviewer_labels,
    reviews_for_display_localise,
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
            # Rendered and sanitised by portal.markup when the comment was written.
            body_html="" if comment.removed_at else mark_safe(comment.body_html),  # noqa: S308
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


@dataclass(frozen=True)
class QuotableScore:
    """A criterion's score in a review shown beside the thread: its anchor, and the
    Markdown quote that links to it."""

    anchor: str
    quote: str


@dataclass(frozen=True)
class ThreadReview:
    review: DisplayReview
    # (group, [(score, its quotable form), ...]) in the review's order
    groups: list[tuple[DisplayGroup, list[tuple[DisplayScore, QuotableScore]]]]

    @property
    def quotables(self) -> list[QuotableScore]:
        return [quotable for _group, scores in self.groups for _score, quotable in scores]


def score_anchor(*, label: str, criterion_code: str) -> str:
    return f"score-{slugify(label)}-{slugify(criterion_code)}"


def _quotable(review: DisplayReview) -> ThreadReview:
    groups = []
    for group in review.groups:
        scores = []
        groups.append((group, scores))
        for score in group.scores:
            anchor = score_anchor(label=review.label, criterion_code=score.code)
            lines = [f"> [{review.label}, {score.code}: {score.level_label}](#{anchor})"]
            text = score.na_reason if score.not_applicable else score.justification
            lines.extend(f"> {line}" for line in text.splitlines() if line.strip())
            quotable = QuotableScore(anchor=anchor, quote="\n".join(lines) + "\n\n")
            scores.append((score, quotable))
    return ThreadReview(review=review, groups=groups)


def thread_reviews(*, thread: Thread, user: User) -> list[ThreadReview]:
    """The submitted reviews shown beside the thread, to quote from: for a reviewer, the
    others' as the review page shows them (labels, criteria in the reader's language); for
    staff, every one, by name, localised the same way."""
    if not thread.staff:
        shared = other_reviews_shared_with_reviewer(user=user, assignment=thread.assignment)
        return [_quotable(review) for review in shared]
    latest = ReviewVersion.objects.filter(review=OuterRef("pk")).order_by("-number")
    reviews = (
        Review.objects.filter(
            assignment__submission=thread.submission, state=Review.State.SUBMITTED
        )
        .select_related("assignment__reviewer")
        .annotate(submitted_data=Subquery(latest.values("data")[:1], output_field=JSONField()))
        .order_by("assignment__created_at", "pk")
    )
    shown = [
        review_for_display(
            data=review.submitted_data,
            audience=Audience.OWN,
            label=str(review.assignment.reviewer),
        )
        for review in reviews
        if review.submitted_data is not None
    ]
    return [_quotable(review) for review in reviews_for_display_localise(shown)]


def quote_for(*, reviews: list[ThreadReview], anchor: str) -> str:
    """The Markdown quote of the score with this anchor, or "" (a stale or foreign link)."""
    for item in reviews:
        for quotable in item.quotables:
            if quotable.anchor == anchor:
                return quotable.quote
    return ""
