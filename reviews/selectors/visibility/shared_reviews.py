"""Submitted reviews as other reviewers or the submitters may see them: labels instead
of names, fields meant for the AI Office removed."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field

from django.db.models import JSONField, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from criteria.localisation import SOURCE_LANGUAGE, criteria_snapshot_texts
from portal.models import User
from reviews.models import (
    Assignment,
    CriterionScore,
    Review,
    ReviewVersion,
)
from reviews.selectors.visibility.access import (
    other_reviews_for_reviewer,
    reviewer_labels,
    reviews_released_to_submitter,
)
from submissions.models import Submission


class Audience(enum.StrEnum):
    OWN = "own"  # the reviewer's own review, read-only
    REVIEWER = "reviewer"  # another reviewer of the same submission
    SUBMITTER = "submitter"  # the submitting organisation, after release


# Feedback on a criterion is for the AI Office's work on the criteria; tags, confidence and
# the recommendation to invite are for the selection of the workshop, not for submitters.
_HIDDEN_SCORE_KEYS = {
    Audience.OWN: frozenset(),
    Audience.REVIEWER: frozenset({"feedback_clear", "feedback_applicable", "feedback_suggestion"}),
    Audience.SUBMITTER: frozenset(
        {"tag", "feedback_clear", "feedback_applicable", "feedback_suggestion"}
    ),
}
_HIDDEN_OVERALL_KEYS = {
    Audience.OWN: frozenset(),
    Audience.REVIEWER: frozenset(),
    Audience.SUBMITTER: frozenset({"confidence", "recommendation"}),
}


@dataclass(frozen=True)
class DisplayScore:
    code: str
    title: str
    level_label: str
    not_applicable: bool
    na_reason: str = ""
    justification: str = ""
    evidence: str = ""
    tag_label: str = ""
    feedback: list[tuple[str, str]] = field(default_factory=list)
    criterion_id: int | None = None
    level: int | None = None
    # Set by reviews_for_display_localise: the title and level are shown in English.
    translation_missing: bool = False


@dataclass(frozen=True)
class DisplayGroup:
    code: str
    title: str
    scores: list[DisplayScore]
    translation_missing: bool = False


@dataclass(frozen=True)
class DisplayReview:
    label: str
    groups: list[DisplayGroup]
    summary: str = ""
    strengths: str = ""
    main_gaps: str = ""
    confidence: int | None = None
    recommendation_label: str = ""
    criteria_set_label: str = ""


def review_for_display(*, data: dict, audience: Audience, label: str = "") -> DisplayReview:
    """A review snapshot (reviews.services.reviewing.review_snapshot) cut to what the
    audience may read, with labels in the active language."""
    hidden = _HIDDEN_SCORE_KEYS[audience]
    yes_no = dict(CriterionScore.YesNo.choices)
    groups: list[DisplayGroup] = []
    for item in data.get("scores", []):
        if not groups or groups[-1].code != item.get("group"):
            groups.append(
                DisplayGroup(
                    code=item.get("group", ""), title=item.get("group_title", ""), scores=[]
                )
            )
        if item.get("not_applicable"):
            level_label = _("Not applicable")
        elif item.get("level") is None:
            level_label = _("Not scored")
        else:
            level_label = _level_label(item["level"], item.get("descriptor", ""))
        feedback = []
        if "feedback_clear" not in hidden:
            feedback = [
                (_("Is the criterion clear?"), str(yes_no.get(item.get("feedback_clear"), ""))),
                (
                    _("Is it applicable to this evaluation?"),
                    str(yes_no.get(item.get("feedback_applicable"), "")),
                ),
                (_("Suggested change to the criterion"), item.get("feedback_suggestion", "")),
            ]
            feedback = [(name, value) for name, value in feedback if value]
        tag = item.get("tag", "") if "tag" not in hidden else ""
        groups[-1].scores.append(
            DisplayScore(
                code=item.get("criterion", ""),
                title=item.get("title", ""),
                level_label=level_label,
                not_applicable=bool(item.get("not_applicable")),
                na_reason=item.get("na_reason", ""),
                justification=item.get("justification", ""),
                evidence=item.get("evidence", ""),
                tag_label=str(dict(CriterionScore.Tag.choices).get(tag, "")) if tag else "",
                feedback=feedback,
                criterion_id=item.get("criterion_id"),
                level=None if item.get("not_applicable") else item.get("level"),
            )
        )
    overall = data.get("overall", {})
    hidden_overall = _HIDDEN_OVERALL_KEYS[audience]
    recommendation = "" if "recommendation" in hidden_overall else overall.get("recommendation")
    criteria_set = data.get("criteria_set") or {}
    return DisplayReview(
        label=label,
        groups=groups,
        summary=overall.get("summary", ""),
        strengths=overall.get("strengths", ""),
        main_gaps=overall.get("main_gaps", ""),
        confidence=None if "confidence" in hidden_overall else overall.get("confidence"),
        recommendation_label=(
            str(dict(Review.Recommendation.choices).get(recommendation, ""))
            if recommendation
            else ""
        ),
        criteria_set_label=(
            f"{criteria_set.get('title', '')} v{criteria_set.get('version', '')}"
            if criteria_set
            else ""
        ),
    )


def _level_label(level: int, descriptor: str) -> str:
    return f"{level} — {descriptor}".rstrip(" —")


def reviews_for_display_localise(reviews: list[DisplayReview]) -> list[DisplayReview]:
    """The reviews with their criteria and groups in the reader's language: a snapshot keeps
    the English texts of its day, and the current translation replaces them (the version is
    frozen once reviewed, so its English is still the translation's source). Untranslated
    ones stay in English, marked. Two queries for any number of reviews, none in English."""
    texts = criteria_snapshot_texts(
        criterion_ids=[s.criterion_id for r in reviews for g in r.groups for s in g.scores]
    )
    if texts is None or texts.language == SOURCE_LANGUAGE:
        return reviews
    return [
        dataclasses.replace(review, groups=[_localised_group(g, texts) for g in review.groups])
        for review in reviews
    ]


def _localised_group(group: DisplayGroup, texts) -> DisplayGroup:
    scores = [_localised_score(score, texts) for score in group.scores]
    titles = texts.group_titles
    title = next((titles[s.criterion_id] for s in scores if s.criterion_id in titles), None)
    return dataclasses.replace(
        group,
        title=title if title is not None else group.title,
        scores=scores,
        translation_missing=title is None,
    )


def _localised_score(score: DisplayScore, texts) -> DisplayScore:
    row = texts.criteria.get(score.criterion_id)
    if row is None:
        return dataclasses.replace(score, translation_missing=True)
    level_label = score.level_label
    if score.level is not None:
        level_label = _level_label(score.level, row.descriptor(int(score.level)))
    return dataclasses.replace(score, title=row.title, level_label=level_label)


def _with_submitted_data(qs: QuerySet) -> QuerySet:
    """Annotate `submitted_data`: the latest submitted snapshot. Others read that, never
    the live rows, which hold whatever the reviewer is editing before submitting again."""
    latest = ReviewVersion.objects.filter(review=OuterRef("pk")).order_by("-number")
    return qs.prefetch_related(None).annotate(
        submitted_data=Subquery(latest.values("data")[:1], output_field=JSONField())
    )


def other_reviews_shared_with_reviewer(
    *, user: User, assignment: Assignment
) -> list[DisplayReview]:
    """Other reviewers' submitted reviews per other_reviews_for_reviewer, as "Reviewer B"
    unless the workshop shows reviewer names to reviewers; criteria in the reader's
    language (reviews_for_display_localise)."""
    reviews = _with_submitted_data(other_reviews_for_reviewer(user=user, assignment=assignment))
    reviews = list(reviews.order_by("assignment__created_at", "pk"))
    if not reviews:
        return []
    labels = reviewer_labels(submission=assignment.submission)
    names_visible = assignment.workshop.reviewer_names_visible
    shared = []
    for review in reviews:
        if review.submitted_data is None:
            continue
        reviewer = review.assignment.reviewer
        label = (
            str(reviewer)
            if names_visible
            else labels.get(reviewer.pk, _("Reviewer %(letter)s") % {"letter": "?"})
        )
        shared.append(
            review_for_display(data=review.submitted_data, audience=Audience.REVIEWER, label=label)
        )
    return reviews_for_display_localise(shared)


def reviews_shared_with_submitter(*, user: User, submission: Submission) -> list[DisplayReview]:
    """The released reviews of a submission as its submitters read them: "Reviewer A",
    never a name, without tags, criterion feedback, confidence or recommendation; criteria
    in the reader's language (reviews_for_display_localise)."""
    reviews = list(
        _with_submitted_data(
            reviews_released_to_submitter(user=user, submission=submission)
        ).select_related("assignment")
    )
    if not reviews:
        return []
    labels = reviewer_labels(submission=submission)
    return reviews_for_display_localise(
        [
            review_for_display(
                data=review.submitted_data,
                audience=Audience.SUBMITTER,
                label=labels.get(review.assignment.reviewer_id, ""),
            )
            for review in reviews
            if review.submitted_data is not None
        ]
    )
