"""Reads of the consolidated assessment: who may open it (visibility decided here), the
lead's page (the individual reviews side by side per criterion, with disagreement) and the
final assessment that the submitters' page and the feedback report show first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.http import Http404

from criteria.localisation import criteria_localise
from criteria.models import CriteriaSet, Criterion
from portal.models import User
from portal.rules import is_ai_office_staff
from reviews.models import (
    Assignment,
    Concurrence,
    ConsolidatedAssessment,
    ConsolidatedScore,
    CriterionScore,
    Review,
)
from reviews.selectors.aggregates.overview import SubmissionCriterionRow, submission_aggregates
from reviews.selectors.conflicts import has_conflict
from reviews.selectors.visibility.access import assignments_for_reviewer, reviewer_labels
from submissions.models import Submission


def _assessments() -> QuerySet[ConsolidatedAssessment]:
    return ConsolidatedAssessment.objects.select_related(
        "submission__workshop", "criteria_set", "lead", "finalised_by"
    )


def consolidation_get_for_user(*, code: str, user: User) -> ConsolidatedAssessment:
    """The assessment, for staff, its lead, and, once circulated, the submission's reviewers
    who may open their assignment (conflicted, declined and uncleared reviewers get 404,
    like everyone else who may not see it)."""
    assessment = _assessments().filter(code=code).first()
    if assessment is None or not user.is_authenticated:
        raise Http404
    if is_ai_office_staff(user):
        return assessment
    submission = assessment.submission
    if assessment.lead_id != user.pk:
        # The other reviewers see it once circulated: a draft is the lead's work in progress.
        if assessment.state == ConsolidatedAssessment.State.DRAFT:
            raise Http404
        if not co_reviewer(user=user, submission=submission):
            raise Http404
    if has_conflict(reviewer=user, submission=submission):
        raise Http404
    return assessment


def co_reviewer(*, user: User, submission: Submission) -> bool:
    """Whether the user holds a live, accepted assignment on the submission."""
    return (
        assignments_for_reviewer(user=user)
        .filter(submission=submission, state=Assignment.State.ACCEPTED)
        .exists()
    )


def consolidation_of_submission(*, submission: Submission) -> ConsolidatedAssessment | None:
    return _assessments().filter(submission=submission).first()


def lead_candidates(*, submission: Submission) -> list[User]:
    """The reviewers who may lead: those who accepted the assignment."""
    return [
        a.reviewer
        for a in Assignment.objects.filter(submission=submission, state=Assignment.State.ACCEPTED)
        .select_related("reviewer")
        .order_by("created_at", "pk")
    ]


def consolidation_criteria_set(*, submission: Submission) -> CriteriaSet | None:
    """The version the submitted reviews were given under (the newest if several), else
    the workshop's newest version."""
    used = (
        Review.objects.filter(assignment__submission=submission, state=Review.State.SUBMITTED)
        .order_by("-criteria_set__version")
        .values_list("criteria_set_id", flat=True)
        .first()
    )
    if used is not None:
        return CriteriaSet.objects.get(pk=used)
    return CriteriaSet.objects.filter(workshop=submission.workshop).order_by("-version").first()


@dataclass
class ConsolidationRow:
    criterion: Criterion
    individual: SubmissionCriterionRow | None  # each reviewer's level, stats, disagreement
    score: ConsolidatedScore | None
    # (reviewer label, justification), in the order of the page's reviewer labels.
    justifications: list[tuple[str, str]] = ()

    @property
    def has_justification(self) -> bool:
        return any(text for _label, text in self.justifications)

    @property
    def level_descriptor(self) -> str:
        if self.score is None or self.score.level is None:
            return ""
        return self.criterion.descriptor(self.score.level)


@dataclass
class ConsolidationPage:
    assessment: ConsolidatedAssessment
    reviewer_labels: list[str]  # in the order of each row's individual cells
    rows: list[ConsolidationRow]
    concurrences: list[Concurrence]


def consolidation_page(*, assessment: ConsolidatedAssessment, named: bool) -> ConsolidationPage:
    """The individual reviews side by side per criterion of the assessment's version, and
    the assessment's own scores. Reviewers are "Reviewer A/B/…" unless `named` (staff).
    Criteria in the reader's language (one more query unless it is English)."""
    submission = assessment.submission
    labels = reviewer_labels(submission=submission)
    versions = submission_aggregates(submission=submission, reviewer_order=list(labels))
    version = next((v for v in versions if v.criteria_set.pk == assessment.criteria_set_id), None)
    individual = {row.criterion.pk: row for row in version.rows} if version else {}
    reviewer_ids = version.reviewer_ids if version else []
    names = {}
    if named and reviewer_ids:
        people = User.objects.filter(pk__in=reviewer_ids)
        names = {u.pk: u.get_full_name() or u.email for u in people}
    scores = {s.criterion_id: s for s in assessment.scores.all()}
    texts = _justifications(submission=submission, criteria_set_id=assessment.criteria_set_id)
    criteria = list(
        Criterion.objects.filter(criteria_set=assessment.criteria_set_id).select_related("group")
    )
    criteria_localise(criteria=criteria)
    concurrences = list(assessment.concurrences.select_related("reviewer").order_by("pk"))
    for concurrence in concurrences:
        concurrence.label = (
            names.get(concurrence.reviewer_id)
            or (concurrence.reviewer.get_full_name() if named else "")
            or labels.get(concurrence.reviewer_id, "")
        )
    shown = [names.get(pk) or labels.get(pk, "") for pk in reviewer_ids]
    return ConsolidationPage(
        assessment=assessment,
        reviewer_labels=shown,
        rows=[
            ConsolidationRow(
                criterion=c,
                individual=individual.get(c.pk),
                score=scores.get(c.pk),
                justifications=[
                    (label, texts.get((c.pk, pk), ""))
                    for label, pk in zip(shown, reviewer_ids, strict=True)
                ],
            )
            for c in criteria
        ],
        concurrences=concurrences,
    )


def _justifications(*, submission: Submission, criteria_set_id: int) -> dict[tuple[int, int], str]:
    """(criterion id, reviewer id) -> the submitted review's justification, one query: the
    lead drafts the synthesis from the reviewers' own words, not from their levels alone."""
    rows = CriterionScore.objects.filter(
        review__assignment__submission=submission,
        review__state=Review.State.SUBMITTED,
        criterion__criteria_set_id=criteria_set_id,
    ).values_list("criterion_id", "review__assignment__reviewer_id", "justification")
    return {(criterion, reviewer): text for criterion, reviewer, text in rows.order_by()}


@dataclass
class FinalScore:
    submission_id: int | None
    criterion: Criterion
    level: int | None
    descriptor: str
    tag: str
    tag_label: str
    synthesis: str


def final_consolidation(
    *, submission: Submission, localise: bool = False
) -> list[FinalScore] | None:
    """The final consolidated assessment's scores, in criterion order (None until final).
    Two queries; `localise` (the submitters' page) gives the criteria the reader's language,
    in one more unless it is English."""
    assessment = ConsolidatedAssessment.objects.filter(
        submission=submission, state=ConsolidatedAssessment.State.FINAL
    ).first()
    if assessment is None:
        return None
    return final_scores_of(assessment, localise=localise)


def final_scores_of(
    assessment: ConsolidatedAssessment, *, localise: bool = False
) -> list[FinalScore]:
    return _final_scores(ConsolidatedScore.objects.filter(assessment=assessment), localise=localise)


def final_consolidations(
    *, submission_ids: list[int], localise: bool = False
) -> dict[int, list[FinalScore]]:
    """submission id -> its final consolidated assessment's scores, for many submissions in
    one query (the feedback report; `localise` as for final_consolidation)."""
    by_submission: dict[int, list[FinalScore]] = {}
    scores = ConsolidatedScore.objects.filter(
        assessment__submission_id__in=submission_ids,
        assessment__state=ConsolidatedAssessment.State.FINAL,
    ).annotate(submission_id=F("assessment__submission_id"))
    for score in _final_scores(scores, localise=localise):
        by_submission.setdefault(score.submission_id, []).append(score)
    return by_submission


def _final_scores(
    scores: QuerySet[ConsolidatedScore], *, localise: bool = False
) -> list[FinalScore]:
    scores = list(
        scores.select_related("criterion__group").order_by(
            "criterion__group__position", "criterion__position", "criterion__pk"
        )
    )
    if localise:
        # Before the descriptors are read: they are the criterion's levels in that language.
        criteria_localise(criteria=[s.criterion for s in scores])
    return [
        FinalScore(
            submission_id=getattr(s, "submission_id", None),
            criterion=s.criterion,
            level=s.level,
            descriptor=s.criterion.descriptor(s.level) if s.level is not None else "",
            tag=s.tag,
            tag_label=s.get_tag_display() if s.tag else "",
            synthesis=s.synthesis,
        )
        for s in scores
    ]
