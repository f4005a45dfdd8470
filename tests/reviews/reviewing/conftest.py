"""A workshop under review: one eligible submission with a submitted version and its PDF,
a criteria set, the assigned reviewer (`reviewer`), a second reviewer who already submitted,
and a conflicted reviewer assigned to the same submission."""

from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from criteria.models import CriteriaSet, Criterion, CriterionGroup
from reviews.models import Review
from reviews.services import reviewing as services
from submissions.models import SubmissionVersion
from submissions.services import submission_snapshot
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    CriteriaSetFactory,
    ReviewerApplicationFactory,
    SubmissionFileFactory,
    UserFactory,
    WorkshopFactory,
    make_pdf,
)
from tests.factories.reviewing import LEVELS

JUSTIFICATION = "The evaluation reports confidence intervals and re-runs on held-out tasks."


@pytest.fixture
def workshop(db):
    return WorkshopFactory(
        title="Frontier risks call 2027",
        anonymous_review=True,
        review_visibility="always",
    )


def next_version(workshop) -> int:
    # New workshops may come with a default set (criteria app); ours is the newest version.
    last = CriteriaSet.objects.filter(workshop=workshop).aggregate(last=Max("version"))["last"]
    return (last or 0) + 1


@pytest.fixture
def criteria_set(workshop):
    return CriteriaSetFactory(workshop=workshop, version=next_version(workshop))


def criteria_set_of_size(workshop, size: int) -> CriteriaSet:
    criteria_set = CriteriaSetFactory(
        workshop=workshop, version=next_version(workshop), criteria=False
    )
    groups = [
        CriterionGroup.objects.create(criteria_set=criteria_set, code=code, title=title, position=i)
        for i, (code, title) in enumerate([("A", "Relevance"), ("B", "Rigour"), ("C", "Reporting")])
    ]
    for index in range(size):
        Criterion.objects.create(
            criteria_set=criteria_set,
            group=groups[index % 3],
            code=f"C-{index + 1}",
            title=f"Criterion {index + 1}",
            description="What it is.",
            guidance="How to score it.",
            levels=LEVELS,
            allow_na=index % 2 == 0,
            position=index,
        )
    return criteria_set


def add_submitted_version(submission, *, by=None) -> SubmissionVersion:
    number = (submission.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        created_by=by or submission.contact,
        metadata=submission_snapshot(submission=submission),
    )
    version.files.set(submission.files.filter(detached_at__isnull=True))
    return version


@pytest.fixture
def submission(workshop, organisation, evaluator):
    submission = CompleteSubmissionFactory(
        workshop=workshop,
        organisation=organisation,
        contact=evaluator,
        state="eligible",
        title="Wet-lab uplift of Model X",
        conflict_statement="Funded in part by a grant from the provider.",
    )
    submission.files.all().delete()
    SubmissionFileFactory(
        submission=submission,
        content=make_pdf(
            title="Uplift study, Centre for Frontier Model Evaluation", author="Ada Author"
        ),
        original_name="CFME-uplift-report.pdf",
    )
    add_submitted_version(submission)
    return submission


def approve(user, workshop, *, cleared: bool = False):
    return ReviewerApplicationFactory(
        workshop=workshop, user=user, state="approved", cleared_for_confidential=cleared
    )


def assign_for_review(workshop, reviewer, **submission):
    """An eligible submission to `workshop` (factory fields in `submission`), with a submitted
    version and a criteria set, assigned to `reviewer`, approved for the call: the review
    page is ready to open."""
    CriteriaSetFactory(workshop=workshop, version=next_version(workshop))
    submitted = CompleteSubmissionFactory(workshop=workshop, state="eligible", **submission)
    add_submitted_version(submitted)
    approve(reviewer, workshop)
    return AssignmentFactory(submission=submitted, reviewer=reviewer)


@pytest.fixture
def assignment(submission, reviewer, criteria_set):
    approve(reviewer, submission.workshop)
    return AssignmentFactory(
        submission=submission, reviewer=reviewer, created_at=timezone.now() - timedelta(hours=3)
    )


@pytest.fixture
def second_reviewer(db):
    return UserFactory(email="second@example.org", full_name="Selma Second")


def complete_input(criteria_set, **overall) -> services.ReviewInput:
    data = services.ReviewInput(
        summary=overall.get("summary", "A careful study with a clear threat model."),
        strengths=overall.get("strengths", "Pre-registered analysis."),
        main_gaps=overall.get("main_gaps", "Small sample of wet-lab tasks."),
        confidence=overall.get("confidence", 4),
        recommendation=overall.get("recommendation", "yes"),
    )
    for criterion in criteria_set.criteria.all():
        data.scores[criterion.pk] = services.ScoreInput(
            level=3, justification=f"{criterion.code}: {JUSTIFICATION}", tag="aligned"
        )
    return data


def submit_review(assignment, data=None) -> Review:
    review = services.review_get_or_create(assignment=assignment, user=assignment.reviewer)
    services.review_submit(
        review=review,
        user=assignment.reviewer,
        revision=review.revision,
        data=data or complete_input(review.criteria_set),
    )
    review.refresh_from_db()
    return review


@pytest.fixture
def second_review(submission, second_reviewer, criteria_set, assignment):
    approve(second_reviewer, submission.workshop)
    other = AssignmentFactory(submission=submission, reviewer=second_reviewer)
    return submit_review(
        other,
        complete_input(criteria_set, summary="SECOND-REVIEW-SUMMARY: solid but narrow."),
    )


@pytest.fixture
def conflicted_assignment(submission, conflicted_reviewer, criteria_set):
    approve(conflicted_reviewer, submission.workshop)
    return AssignmentFactory(submission=submission, reviewer=conflicted_reviewer)


def form_data(review, *, action="save", revision=None, data: services.ReviewInput | None = None):
    """POST data as the review form sends it."""
    post = {
        "revision": str(revision if revision is not None else review.revision),
        "action": action,
    }
    if data is None:
        return post
    post.update(
        summary=data.summary,
        strengths=data.strengths,
        main_gaps=data.main_gaps,
        confidence="" if data.confidence is None else str(data.confidence),
        recommendation=data.recommendation,
    )
    for criterion_id, item in data.scores.items():
        if item.not_applicable:
            post[services.score_key(criterion_id, "level")] = services.NOT_APPLICABLE
        elif item.level is not None:
            post[services.score_key(criterion_id, "level")] = str(item.level)
        for part in (
            "na_reason",
            "justification",
            "evidence",
            "tag",
            "feedback_clear",
            "feedback_applicable",
            "feedback_suggestion",
        ):
            value = getattr(item, part)
            if value:
                post[services.score_key(criterion_id, part)] = value
    return {k: v for k, v in post.items() if v != ""}
