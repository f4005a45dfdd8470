"""Writes for reviewing: answering an assignment, drafts, submits and their versions.

Every save names the revision it edited (optimistic locking): a second tab, or an autosave
racing a full-page save, is refused with StaleReviewError instead of silently replacing
what the other one saved. Everything is refused after the assignment's deadline unless
staff extended it for this reviewer (Assignment.deadline_override).

A submitted review stays editable until the deadline, but only by submitting it again: its
live rows (which aggregates and progress read) always equal its latest ReviewVersion, so a
half-finished change is never counted or shown. Between submits the reviewer's changes live
in the page and in the browser's local copy (static/portal/review-autosave.js).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from criteria.models import CriteriaSet, Criterion
from criteria.selectors import criteria_set_current
from criteria.services import criteria_set_freeze
from portal.models import User
from reviews.models import Assignment, CriterionScore, Review, ReviewVersion

SNAPSHOT_SCHEMA = 1
NOT_APPLICABLE = "na"
OVERALL_FIELDS = ("summary", "strengths", "main_gaps", "confidence", "recommendation")


class StaleReviewError(Exception):
    """The review was saved (in another tab, or by an autosave) after this copy was loaded."""

    def __init__(self, current_revision: int):
        super().__init__(f"stale review; current revision {current_revision}")
        self.current_revision = current_revision


class ReviewClosedError(PermissionDenied):
    """The review may be seen but not changed: past the deadline, or not accepted."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def submitted_review_message() -> str:
    return _(
        "This review is submitted: submit it again to save your changes. Until then the "
        "submitted version stays as it is."
    )


def score_key(criterion_id: int, part: str) -> str:
    """The name of one part of one criterion's answer, in forms and in submit errors."""
    return f"c{criterion_id}-{part}"


@dataclass
class ScoreInput:
    level: int | None = None
    not_applicable: bool = False
    na_reason: str = ""
    justification: str = ""
    evidence: str = ""
    tag: str = ""
    feedback_clear: str = ""
    feedback_applicable: str = ""
    feedback_suggestion: str = ""

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, False, "") for f in fields(self))


@dataclass
class ReviewInput:
    """What the reviewer typed: overall fields and one ScoreInput per criterion id."""

    summary: str = ""
    strengths: str = ""
    main_gaps: str = ""
    confidence: int | None = None
    recommendation: str = ""
    scores: dict[int, ScoreInput] = field(default_factory=dict)


# --- reads that belong with the writes ----------------------------------------------------


def review_window_open(*, assignment: Assignment, now: datetime | None = None) -> bool:
    """Until the assignment's deadline (the workshop's, or the reviewer's extension)."""
    return (now or timezone.now()) <= assignment.deadline


def deadline_message(*, assignment: Assignment) -> str:
    deadline = timezone.localtime(assignment.deadline)
    return _(
        "The review deadline passed on %(deadline)s. Your review can no longer be changed; "
        "contact the AI Office if you need an extension."
    ) % {
        "deadline": f"{formats.date_format(deadline, 'DATETIME_FORMAT')} "
        f"{formats.date_format(deadline, 'T')}"
    }


def review_input_from_review(*, review: Review, scores: list[CriterionScore]) -> ReviewInput:
    """The saved review as ReviewInput, to fill a form or compare with what was posted."""
    return ReviewInput(
        summary=review.summary,
        strengths=review.strengths,
        main_gaps=review.main_gaps,
        confidence=review.confidence,
        recommendation=review.recommendation,
        scores={
            score.criterion_id: ScoreInput(
                level=score.level,
                not_applicable=score.not_applicable,
                na_reason=score.na_reason,
                justification=score.justification,
                evidence=score.evidence,
                tag=score.tag,
                feedback_clear=score.feedback_clear,
                feedback_applicable=score.feedback_applicable,
                feedback_suggestion=score.feedback_suggestion,
            )
            for score in scores
        },
    )


def review_snapshot(
    *,
    review: Review,
    criteria_set: CriteriaSet,
    criteria: list[Criterion],
    data: ReviewInput,
    number: int | None = None,
    submitted_at: datetime | None = None,
) -> dict:
    """A review as JSON: the criteria-set version, the overall part and every criterion in
    set order, with the texts of the criterion and level as they were (a version is
    readable without the set)."""
    groups = {c.group_id: c.group for c in criteria}
    scores = []
    for criterion in criteria:
        item = data.scores.get(criterion.pk) or ScoreInput()
        group = groups[criterion.group_id]
        scores.append(
            {
                "criterion": criterion.code,
                "criterion_id": criterion.pk,
                "title": criterion.title,
                "group": group.code,
                "group_title": group.title,
                "level": item.level,
                "descriptor": criterion.descriptor(item.level) if item.level is not None else "",
                "not_applicable": item.not_applicable,
                "na_reason": item.na_reason,
                "justification": item.justification,
                "evidence": item.evidence,
                "tag": item.tag,
                "feedback_clear": item.feedback_clear,
                "feedback_applicable": item.feedback_applicable,
                "feedback_suggestion": item.feedback_suggestion,
            }
        )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "review": review.code,
        "number": number,
        "submitted_at": submitted_at.isoformat() if submitted_at else None,
        "criteria_set": {
            "code": criteria_set.code,
            "title": criteria_set.title,
            "version": criteria_set.version,
        },
        "overall": {name: getattr(data, name) for name in OVERALL_FIELDS},
        "scores": scores,
    }


def review_submit_problems(
    *, criteria: list[Criterion], data: ReviewInput, min_length: int
) -> dict[str, list[str]]:
    """What blocks submitting, by form field, each message naming the criterion."""
    problems: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        problems.setdefault(key, []).append(message)

    for criterion in criteria:
        name = f"{criterion.code} {criterion.title}"
        item = data.scores.get(criterion.pk) or ScoreInput()
        if item.not_applicable:
            if not item.na_reason.strip():
                add(
                    score_key(criterion.pk, "na_reason"),
                    _("%(criterion)s: say why it is not applicable") % {"criterion": name},
                )
            continue
        if item.level is None:
            message = (
                _("%(criterion)s: choose a level or N/A")
                if criterion.allow_na
                else _("%(criterion)s: choose a level")
            )
            add(score_key(criterion.pk, "level"), message % {"criterion": name})
        if criterion.justification_required and len(item.justification.strip()) < min_length:
            add(
                score_key(criterion.pk, "justification"),
                _("%(criterion)s: the justification needs at least %(count)s characters")
                % {"criterion": name, "count": min_length},
            )
    if not data.summary.strip():
        add("summary", _("Overall: write a summary"))
    if data.confidence is None:
        add("confidence", _("Overall: choose your confidence (1 to 5)"))
    if not data.recommendation:
        add("recommendation", _("Overall: choose a recommendation"))
    return problems


# --- writes -------------------------------------------------------------------------------


def _check_reviewer(assignment: Assignment, user: User) -> None:
    # The views reach assignments only through assignment_get_for_reviewer; this guards
    # any other caller from acting in another reviewer's name.
    if assignment.reviewer_id != user.pk:
        raise PermissionDenied


@transaction.atomic
def assignment_accept(*, assignment: Assignment, user: User) -> Assignment:
    _check_reviewer(assignment, user)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.state != Assignment.State.ASSIGNED:
        raise ValidationError(_("You already answered this assignment."))
    locked.state = Assignment.State.ACCEPTED
    locked.responded_at = timezone.now()
    locked.save(update_fields=["state", "responded_at"])
    return locked


@transaction.atomic
def assignment_decline(*, assignment: Assignment, user: User, reason: str) -> Assignment:
    """Decline with a reason; staff see it on their progress board."""
    _check_reviewer(assignment, user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the AI Office why you decline.")})
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.state != Assignment.State.ASSIGNED:
        raise ValidationError(_("You already answered this assignment."))
    locked.state = Assignment.State.DECLINED
    locked.decline_reason = reason
    locked.responded_at = timezone.now()
    locked.save(update_fields=["state", "decline_reason", "responded_at"])
    return locked


def review_get_or_create(
    *, assignment: Assignment, user: User, now: datetime | None = None
) -> Review | None:
    """The assignment's review, created as a draft against the workshop's current criteria
    set the first time the reviewer opens it. None while there is nothing to review
    against (not accepted, no criteria set yet, deadline passed without a review)."""
    _check_reviewer(assignment, user)
    existing = getattr(assignment, "review", None)
    if existing is not None:
        return existing
    if assignment.state != Assignment.State.ACCEPTED:
        return None
    if not review_window_open(assignment=assignment, now=now):
        return None
    criteria_set = criteria_set_current(workshop=assignment.workshop)
    if criteria_set is None:
        return None
    try:
        with transaction.atomic():
            review = Review.objects.create(assignment=assignment, criteria_set=criteria_set)
    except IntegrityError:
        # The same page opened in two tabs at once: the other request created it.
        review = Review.objects.get(assignment=assignment)
    assignment.review = review
    return review


def _lock_for_edit(
    *, review: Review, user: User, revision: int, now: datetime | None
) -> tuple[Review, CriteriaSet, list[Criterion]]:
    locked = (
        Review.objects.select_for_update(of=("self",))
        .select_related("assignment__workshop", "criteria_set")
        .get(pk=review.pk)
    )
    assignment = locked.assignment
    _check_reviewer(assignment, user)
    if assignment.state != Assignment.State.ACCEPTED:
        raise ReviewClosedError(_("Accept the assignment before writing the review."))
    if not review_window_open(assignment=assignment, now=now):
        raise ReviewClosedError(deadline_message(assignment=assignment))
    if locked.revision != revision:
        raise StaleReviewError(locked.revision)
    criteria = list(
        Criterion.objects.filter(criteria_set=locked.criteria_set_id)
        .select_related("group")
        .order_by("group__position", "group__pk", "position", "pk")
    )
    return locked, locked.criteria_set, criteria


def _check_types(criteria: list[Criterion], data: ReviewInput) -> None:
    """What a draft must respect: the form checks these too, this guards other callers."""
    by_id = {c.pk: c for c in criteria}
    for criterion_id, item in data.scores.items():
        criterion = by_id.get(criterion_id)
        if criterion is None:
            raise ValidationError(_("The review names a criterion that is not in its set."))
        if item.level is not None and item.level not in criterion.level_values:
            raise ValidationError({score_key(criterion_id, "level"): _("Choose a listed level.")})
        if item.not_applicable and (item.level is not None or not criterion.allow_na):
            raise ValidationError(
                {score_key(criterion_id, "level"): _("N/A is not allowed for this criterion.")}
            )
    if data.confidence is not None and not 1 <= data.confidence <= 5:
        raise ValidationError({"confidence": _("Confidence is from 1 to 5.")})


def _write(review: Review, criteria: list[Criterion], data: ReviewInput) -> None:
    for name in OVERALL_FIELDS:
        setattr(review, name, getattr(data, name))
    existing = {score.criterion_id: score for score in review.scores.all()}
    to_create, to_update = [], []
    for criterion in criteria:
        item = data.scores.get(criterion.pk) or ScoreInput()
        score = existing.get(criterion.pk)
        if score is None:
            if item.is_empty():
                continue
            score = CriterionScore(review=review, criterion=criterion)
            to_create.append(score)
        else:
            to_update.append(score)
        for part in fields(item):
            setattr(score, part.name, getattr(item, part.name))
    CriterionScore.objects.bulk_create(to_create)
    if to_update:
        CriterionScore.objects.bulk_update(to_update, [f.name for f in fields(ScoreInput)])


@transaction.atomic
def review_save_draft(
    *, review: Review, user: User, revision: int, data: ReviewInput, now: datetime | None = None
) -> Review:
    """Save what was typed, complete or not, while the review is a draft."""
    locked, _criteria_set, criteria = _lock_for_edit(
        review=review, user=user, revision=revision, now=now
    )
    if locked.state == Review.State.SUBMITTED:
        # Aggregates and progress read the live rows of submitted reviews: a draft save
        # would publish a half-finished change.
        raise ValidationError(submitted_review_message())
    _check_types(criteria, data)
    _write(locked, criteria, data)
    locked.revision += 1
    locked.save()
    return locked


@transaction.atomic
def review_submit(
    *, review: Review, user: User, revision: int, data: ReviewInput, now: datetime | None = None
) -> ReviewVersion:
    """Submit (or submit again): every criterion answered, then a new ReviewVersion.

    Raises ValidationError keyed by form field (score_key) listing every problem before
    anything is saved; callers keep the text by saving it as a draft (review_save_draft).
    The first submit against a criteria-set version freezes that version.
    """
    locked, criteria_set, criteria = _lock_for_edit(
        review=review, user=user, revision=revision, now=now
    )
    _check_types(criteria, data)
    problems = review_submit_problems(
        criteria=criteria,
        data=data,
        min_length=locked.assignment.workshop.justification_min_length,
    )
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    _write(locked, criteria, data)
    locked.state = Review.State.SUBMITTED
    locked.submitted_at = now
    locked.revision += 1
    locked.save()
    number = (locked.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ReviewVersion.objects.create(
        review=locked,
        number=number,
        data=review_snapshot(
            review=locked,
            criteria_set=criteria_set,
            criteria=criteria,
            data=data,
            number=number,
            submitted_at=now,
        ),
    )
    if criteria_set.frozen_at is None:
        criteria_set_freeze(criteria_set=criteria_set)
    return version
