"""Reviews submitted on the call's earlier platform, recorded as submitted portal reviews.

The browser's submit (`saving.review_submit`) checks who submits, the deadline, and that
every criterion is answered with a long enough justification: rules of the portal's own
review round, which a review written and submitted elsewhere, before, never followed. What
stays as submit makes it is what the rest of the portal relies on: the assignment is
accepted, the review's live rows equal its latest ReviewVersion (the same snapshot), and
the criteria-set version it was scored against is frozen.

Set-based: a few queries for a whole import, not per review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.models import CriteriaSet, Criterion
from criteria.services import criteria_set_freeze
from portal.models import User, Workshop
from portal.services.audit import audit_record
from reviews.models import Assignment, CriterionScore, Review, ReviewVersion
from reviews.services.reviewing.review_input import (
    OVERALL_FIELDS,
    SCORE_FIELDS,
    ReviewInput,
    review_input_from_review,
    score_rows,
)
from reviews.services.reviewing.snapshot import review_snapshot
from reviews.services.reviewing.warming import aggregates_warm_after_commit
from submissions.models import Submission

BATCH = 500


@dataclass
class ImportedReview:
    """One review to record: `data.scores` keyed by criterion ids of the criteria set."""

    submission: Submission
    reviewer: User
    submitted_at: datetime
    data: ReviewInput


def _answered(data: ReviewInput) -> ReviewInput:
    """`data` without empty score rows: an empty row and no row say the same."""
    return ReviewInput(
        **{name: getattr(data, name) for name in OVERALL_FIELDS},
        scores={pk: s for pk, s in data.scores.items() if not s.is_empty()},
    )


def _check(items: list[ImportedReview], criteria: dict[int, Criterion]) -> None:
    pairs = set()
    for item in items:
        pair = (item.submission.pk, item.reviewer.pk)
        if pair in pairs:
            raise ValidationError(_("Two imported reviews by the same reviewer of one submission."))
        pairs.add(pair)
        for criterion_id, score in item.data.scores.items():
            criterion = criteria.get(criterion_id)
            if criterion is None:
                raise ValidationError(_("A score names a criterion outside the criteria set."))
            if score.level is not None and score.level not in criterion.level_values:
                raise ValidationError(
                    _("%(level)s is not a level of %(criterion)s.")
                    % {"level": score.level, "criterion": criterion.code}
                )


def _assignments(
    *, workshop: Workshop, items: list[ImportedReview], created_by: User | None
) -> tuple[dict[tuple[int, int], Assignment], dict[str, int]]:
    """The (submission, reviewer) assignments, made accepted where missing, and how many
    were made and accepted."""
    existing = {
        (a.submission_id, a.reviewer_id): a
        for a in Assignment.objects.filter(
            workshop=workshop,
            submission__in=[i.submission for i in items],
            reviewer__in=[i.reviewer for i in items],
        ).select_for_update()
    }
    made, reopened = [], []
    for item in items:
        pair = (item.submission.pk, item.reviewer.pk)
        assignment = existing.get(pair)
        if assignment is None:
            assignment = Assignment(
                workshop=workshop,
                submission=item.submission,
                reviewer=item.reviewer,
                state=Assignment.State.ACCEPTED,
                source=Assignment.Source.IMPORTED,
                created_by=created_by,
                responded_at=item.submitted_at,
            )
            made.append(assignment)
            existing[pair] = assignment
        elif assignment.state != Assignment.State.ACCEPTED:
            # A submitted review belongs to an accepted assignment (progress counts it so).
            assignment.state = Assignment.State.ACCEPTED
            reopened.append(assignment)
    Assignment.objects.bulk_create(made, batch_size=BATCH)
    Assignment.objects.bulk_update(reopened, ["state"], batch_size=BATCH)
    return existing, {"assignments_created": len(made), "assignments_accepted": len(reopened)}


@transaction.atomic
def reviews_import(
    *,
    workshop: Workshop,
    criteria_set: CriteriaSet,
    items: list[ImportedReview],
    created_by: User | None,
) -> list[tuple[Review, str]]:
    """Record reviews submitted elsewhere as submitted reviews against `criteria_set`.

    Per item, in order: its review and "created", "updated" (a new ReviewVersion) or
    "unchanged" (nothing written: a re-import of the same text adds no version). A review
    imported before against another version of the set moves to this one: the export is
    read against the current criteria, and its versions keep what it was before.
    """
    if not items:
        return []
    criteria = list(
        Criterion.objects.filter(criteria_set=criteria_set)
        .select_related("group")
        .order_by("group__position", "group__pk", "position", "pk")
    )
    _check(items, {c.pk: c for c in criteria})
    assignments, counts = _assignments(workshop=workshop, items=items, created_by=created_by)
    reviews = {
        r.assignment_id: r
        for r in Review.objects.filter(
            assignment__in=[a for a in assignments.values() if a.pk is not None]
        ).select_for_update()
    }
    scores: dict[int, dict[int, CriterionScore]] = {}
    for score in CriterionScore.objects.filter(review__in=list(reviews.values())):
        scores.setdefault(score.review_id, {})[score.criterion_id] = score

    now = timezone.now()
    results: list[tuple[Review, str]] = []
    created, updated, written = [], [], []
    for item in items:
        assignment = assignments[(item.submission.pk, item.reviewer.pk)]
        review = reviews.get(assignment.pk)
        data = _answered(item.data)
        if review is None:
            review = Review(assignment=assignment, criteria_set=criteria_set)
            created.append(review)
            action = "created"
        else:
            current = review_input_from_review(
                review=review, scores=list(scores.get(review.pk, {}).values())
            )
            if (
                review.criteria_set_id == criteria_set.pk
                and review.state == Review.State.SUBMITTED
                and review.submitted_at == item.submitted_at
                and _answered(current) == data
            ):
                results.append((review, "unchanged"))
                continue
            review.revision += 1
            updated.append(review)
            action = "updated"
        for name in OVERALL_FIELDS:
            setattr(review, name, getattr(data, name))
        review.criteria_set = criteria_set
        review.state = Review.State.SUBMITTED
        review.submitted_at = item.submitted_at
        review.updated_at = now
        written.append((review, data))
        results.append((review, action))

    Review.objects.bulk_create(created, batch_size=BATCH)
    Review.objects.bulk_update(
        updated,
        [*OVERALL_FIELDS, "criteria_set", "state", "submitted_at", "revision", "updated_at"],
        batch_size=BATCH,
    )
    _write_scores(written, criteria, scores)
    _add_versions(written, criteria_set, criteria)
    outcomes = [action for _review, action in results]
    audit_record(
        action="reviews.imported",
        obj=workshop,
        actor=created_by,
        details={
            "criteria_set": criteria_set.code,
            "criteria_set_version": criteria_set.version,
            "created": outcomes.count("created"),
            "updated": outcomes.count("updated"),
            "unchanged": outcomes.count("unchanged"),
            **counts,
        },
    )
    if written and criteria_set.frozen_at is None:
        criteria_set_freeze(criteria_set=criteria_set, user=created_by)
    if written:
        aggregates_warm_after_commit(workshop_id=workshop.pk)
    return results


def _write_scores(
    written: list[tuple[Review, ReviewInput]],
    criteria: list[Criterion],
    scores: dict[int, dict[int, CriterionScore]],
) -> None:
    """As the browser's save writes them: rows updated in place (a quote staff selected
    for a report stays attached), rows of another set version dropped."""
    in_set = {c.pk for c in criteria}
    stale, to_create, to_update = [], [], []
    for review, data in written:
        existing = scores.get(review.pk, {})
        stale += [s.pk for pk, s in existing.items() if pk not in in_set]
        created, updated = score_rows(
            review=review, criteria=criteria, data=data, existing=existing
        )
        to_create += created
        to_update += updated
    CriterionScore.objects.filter(pk__in=stale).delete()
    CriterionScore.objects.bulk_create(to_create, batch_size=BATCH)
    CriterionScore.objects.bulk_update(to_update, SCORE_FIELDS, batch_size=BATCH)


def _add_versions(
    written: list[tuple[Review, ReviewInput]], criteria_set: CriteriaSet, criteria: list[Criterion]
) -> None:
    last = dict(
        ReviewVersion.objects.filter(review__in=[r for r, _data in written])
        .values("review")
        .annotate(last=Max("number"))
        .values_list("review", "last")
    )
    versions = []
    for review, data in written:
        number = (last.get(review.pk) or 0) + 1
        versions.append(
            ReviewVersion(
                review=review,
                number=number,
                data=review_snapshot(
                    review=review,
                    criteria_set=criteria_set,
                    criteria=criteria,
                    data=data,
                    number=number,
                    submitted_at=review.submitted_at,
                ),
            )
        )
    ReviewVersion.objects.bulk_create(versions, batch_size=BATCH)
