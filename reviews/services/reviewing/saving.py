"""Writing a review: the draft created on the first visit, draft saves and submits.

Every save names the revision it edited (portal.concurrency): a second tab, or an autosave
racing a full-page save, is refused with StaleEditError instead of silently replacing what
the other one saved. Everything is refused after the assignment's deadline unless staff
extended it for this reviewer (Assignment.deadline_override).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from criteria.models import CriteriaSet, Criterion
from criteria.selectors import criteria_set_current
from criteria.services import criteria_set_freeze
from portal.concurrency import check_revision
from portal.models import User
from portal.permissions import require_perm
from portal.services.audit import audit_record
from reviews.models import Assignment, CriterionScore, Review, ReviewVersion
from reviews.review_window import (
    ReviewClosedError,
    accept_first_message,
    deadline_message,
    review_window_open,
    submitted_review_message,
)
from reviews.services.reviewing.checks import review_check_types, review_submit_problems
from reviews.services.reviewing.review_input import (
    OVERALL_FIELDS,
    SCORE_FIELDS,
    ReviewInput,
    score_rows,
)
from reviews.services.reviewing.snapshot import review_snapshot
from reviews.services.reviewing.warming import aggregates_warm_after_commit


def _check_reviewer(assignment: Assignment, user: User) -> None:
    # The views reach assignments through assignment_get_for_reviewer; this guards any
    # other caller from acting in another reviewer's name.
    require_perm(user, "reviews.see_assignment", assignment)


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
        raise ReviewClosedError(accept_first_message())
    if not review_window_open(assignment=assignment, now=now):
        raise ReviewClosedError(deadline_message(assignment=assignment))
    check_revision(expected=revision, current=locked.revision)
    criteria = list(
        Criterion.objects.filter(criteria_set=locked.criteria_set_id)
        .select_related("group")
        .order_by("group__position", "group__pk", "position", "pk")
    )
    return locked, locked.criteria_set, criteria


def _write(review: Review, criteria: list[Criterion], data: ReviewInput) -> None:
    for name in OVERALL_FIELDS:
        setattr(review, name, getattr(data, name))
    existing = {score.criterion_id: score for score in review.scores.all()}
    to_create, to_update = score_rows(
        review=review, criteria=criteria, data=data, existing=existing
    )
    CriterionScore.objects.bulk_create(to_create)
    if to_update:
        CriterionScore.objects.bulk_update(to_update, SCORE_FIELDS)


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
    review_check_types(criteria=criteria, data=data)
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
    review_check_types(criteria=criteria, data=data)
    problems = review_submit_problems(
        criteria=criteria,
        data=data,
        min_length=locked.assignment.workshop.justification_min_length,
    )
    if problems:
        raise ValidationError(problems)
    now = now or timezone.now()
    state_before = locked.state
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
    # Not the text: the version holds it, and the log holds no free text. Draft saves
    # (and the autosave every few seconds) are not recorded: only submits count.
    audit_record(
        action="review.submitted",
        obj=locked,
        actor=user,
        workshop=locked.assignment.workshop,
        changes={"state": [state_before, locked.state]},
        details={
            "assignment": locked.assignment.code,
            "version": number,
            "revision": locked.revision,
            "scores": sum(1 for item in data.scores.values() if not item.is_empty()),
            "criteria_set": criteria_set.code,
            "criteria_set_version": criteria_set.version,
        },
    )
    if criteria_set.frozen_at is None:
        criteria_set_freeze(criteria_set=criteria_set, user=user)
    aggregates_warm_after_commit(workshop_id=locked.assignment.workshop_id)
    return version
