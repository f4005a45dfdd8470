"""A small, hand-made review data set: three reviewers, two eligible submissions, scores on
two criteria (one N/A), plus a draft that must never count."""

import pytest
from django.db.models import Max
from django.utils import timezone

from criteria.models import CriteriaSet, Criterion
from reviews.models import CriterionScore, Review, ReviewerApplication, WorkshopInvitation
from reviews.services.ratings import reviewer_rate
from reviews.workshop_invitations.services import invitation_answer, invitation_send
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    CriteriaSetFactory,
    CriterionScoreFactory,
    ReviewerApplicationFactory,
    ReviewFactory,
    UserFactory,
)

NA = "na"


def make_review(
    *,
    submission,
    reviewer,
    criteria_set,
    scores: dict,
    tags: dict | None = None,
    state=Review.State.SUBMITTED,
    confidence=3,
    recommendation=Review.Recommendation.YES,
):
    """A review with one score per criterion code: a level, or NA."""
    assignment = AssignmentFactory(submission=submission, reviewer=reviewer)
    review = ReviewFactory(
        assignment=assignment,
        criteria_set=criteria_set,
        state=state,
        confidence=confidence,
        recommendation=recommendation,
        submitted_at=timezone.now() if state == Review.State.SUBMITTED else None,
    )
    tags = tags or {}
    for code, value in scores.items():
        CriterionScoreFactory(
            review=review,
            criterion=Criterion.objects.get(criteria_set=criteria_set, code=code),
            level=None if value == NA else value,
            not_applicable=value == NA,
            na_reason="Not tested." if value == NA else "",
            tag=tags.get(code, ""),
        )
    return review


def approved_reviewer(workshop, **kwargs):
    user = UserFactory(**kwargs)
    ReviewerApplicationFactory(
        workshop=workshop, user=user, state=ReviewerApplication.State.APPROVED
    )
    return user


def new_criteria_set(workshop, **kwargs):
    """The factory's small set (REL-1, VAL-1, ELI-2) as the workshop's next version: a new
    workshop may already hold a default set as version 1."""
    latest = CriteriaSet.objects.filter(workshop=workshop).aggregate(v=Max("version"))["v"]
    return CriteriaSetFactory(workshop=workshop, version=(latest or 0) + 1, **kwargs)


def populate(workshop, criteria_set, staff, size):
    """`size` submissions each reviewed by three of `size + 2` reviewers, ratings for half
    of them, an invitation per reviewer and per submission's contact."""
    reviewers = [approved_reviewer(workshop) for _ in range(size + 2)]
    submissions = []
    for index in range(size):
        submission = CompleteSubmissionFactory(workshop=workshop, state="eligible")
        submissions.append(submission)
        for offset in range(3):
            make_review(
                submission=submission,
                reviewer=reviewers[index + offset],
                criteria_set=criteria_set,
                scores={"REL-1": (index + offset) % 5, "VAL-1": offset, "ELI-2": NA},
                tags={"REL-1": "aligned", "VAL-1": "gap"},
                recommendation=Review.Recommendation.values[offset],
            )
    for reviewer in reviewers[::2]:
        reviewer_rate(workshop=workshop, reviewer=reviewer, rating=4, note="Good", user=staff)
    invitations = invitation_send(
        workshop=workshop, users=reviewers, kind=WorkshopInvitation.Kind.REVIEWER, user=staff
    )
    for submission in submissions:
        invitations += invitation_send(
            workshop=workshop,
            users=[submission.contact],
            kind=WorkshopInvitation.Kind.SUBMITTER,
            user=staff,
            submission=submission,
        )
    for invitation in invitations[::2]:
        invitation_answer(
            invitation=invitation, accept=True, dietary_needs="Vegan", user=invitation.user
        )
    return submissions, reviewers


@pytest.fixture
def criteria_set(workshop):
    return new_criteria_set(workshop)


@pytest.fixture
def reviewers(workshop):
    return [
        approved_reviewer(workshop, email=f"r{n}@example.org", full_name=f"Reviewer Person {n}")
        for n in (1, 2, 3)
    ]


@pytest.fixture
def submissions(workshop):
    return [
        CompleteSubmissionFactory(workshop=workshop, state="eligible", title="Alpha evaluation"),
        CompleteSubmissionFactory(workshop=workshop, state="eligible", title="Beta evaluation"),
    ]


ALIGNED = CriterionScore.Tag.ALIGNED
GAP = CriterionScore.Tag.GAP
REFINE = CriterionScore.Tag.REFINE

# submission index -> reviewer index -> (scores by criterion code, tags by criterion code)
DATA = {
    0: {
        0: ({"REL-1": 1, "ELI-2": 2}, {"REL-1": ALIGNED, "ELI-2": ALIGNED}),
        1: ({"REL-1": 3, "ELI-2": NA}, {"REL-1": GAP}),
        2: ({"REL-1": 4, "ELI-2": 3}, {"REL-1": GAP, "ELI-2": REFINE}),
    },
    1: {
        0: ({"REL-1": 2, "ELI-2": 0}, {"REL-1": ALIGNED, "ELI-2": GAP}),
        1: ({"REL-1": 2, "ELI-2": 2}, {"REL-1": ALIGNED, "ELI-2": REFINE}),
        2: ({"REL-1": 2, "ELI-2": 4}, {"REL-1": ALIGNED}),
    },
}


@pytest.fixture
def scored(workshop, criteria_set, reviewers, submissions):
    """The data set above, plus a draft by a fourth reviewer that must be ignored."""
    for s_index, by_reviewer in DATA.items():
        for r_index, (scores, tags) in by_reviewer.items():
            make_review(
                submission=submissions[s_index],
                reviewer=reviewers[r_index],
                criteria_set=criteria_set,
                scores=scores,
                tags=tags,
                confidence=r_index + 2,
                recommendation=[
                    Review.Recommendation.YES,
                    Review.Recommendation.MAYBE,
                    Review.Recommendation.YES,
                ][r_index],
            )
    make_review(
        submission=submissions[0],
        reviewer=approved_reviewer(workshop),
        criteria_set=criteria_set,
        scores={"REL-1": 0, "ELI-2": 0},
        state=Review.State.DRAFT,
        confidence=1,
        recommendation=Review.Recommendation.NO,
    )
    return {"criteria_set": criteria_set, "reviewers": reviewers, "submissions": submissions}
