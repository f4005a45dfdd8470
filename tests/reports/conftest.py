"""A small workshop whose report figures are known by hand.

Criteria (the factory's set): REL-1, VAL-1, ELI-2 (N/A allowed). Reviewers R1-R3.

Evaluations (all by research institutions unless said otherwise):
  S1 "Attributed uplift study"   Open Lab            consent attributed   risk cbrn
  S2 "Anonymised red-team study" Secret Provider Inc consent anonymised   cbrn, cyber
  S3 "Uncited agentic study"     Quiet Institute     consent not_cited    cbrn, cyber
  S4 "Confidential study"        Hidden Agency (public body), AI Office only, attributed, cbrn

REL-1 levels: S1 2,3,3  S2 3,3,2  S3 1,4,3  -> 9 levels, sum 24, mean 2.67, median 3
              S4 0,0,0  (counted only when staff include AI-Office-only evaluations:
                         12 levels, sum 24, mean 2.00)
REL-1 tags:   S1 aligned aligned gap; S2 gap aligned refine; S3 gap - aligned
              -> aligned 4, gap 3, refine 1 of 8 tagged
VAL-1 levels: S1 1,1,2  S2 2,2,2  -> two evaluations only: suppressed below 3
ELI-2:        S1 2,N/A,3  S2 N/A,N/A,N/A  S3 4,4,3
"""

import pytest
from django.utils import timezone

from criteria.models import Criterion
from portal.models import Membership, Organisation
from reviews.models import CriterionScore, Review, ReviewerApplication
from submissions.models import RiskArea, Submission
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    CriteriaSetFactory,
    CriterionScoreFactory,
    MembershipFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    ReviewFactory,
    UserFactory,
    WorkshopFactory,
)

NA = "na"
ALIGNED = CriterionScore.Tag.ALIGNED
GAP = CriterionScore.Tag.GAP
REFINE = CriterionScore.Tag.REFINE

REVIEWER_NAMES = ["Rhea Reviewerson", "Ravi Scorewell", "Rosa Markington"]
ORGANISATIONS = {
    "S1": ("Open Lab", Organisation.Type.RESEARCH),
    "S2": ("Secret Provider Inc", Organisation.Type.RESEARCH),
    "S3": ("Quiet Institute", Organisation.Type.RESEARCH),
    "S4": ("Hidden Agency", Organisation.Type.PUBLIC_BODY),
}
SUBMISSIONS = {
    # key: title, consent, confidentiality, risk areas
    "S1": ("Attributed uplift study", "attributed", "reviewers", ["cbrn"]),
    "S2": ("Anonymised red-team study", "anonymised", "reviewers", ["cbrn", "cyber_offence"]),
    "S3": ("Uncited agentic study", "not_cited", "reviewers", ["cbrn", "cyber_offence"]),
    "S4": ("Confidential study", "attributed", "ai_office_only", ["cbrn"]),
}
# submission -> reviewer index -> criterion -> (level, tag)
SCORES = {
    "S1": [
        {"REL-1": (2, ALIGNED), "VAL-1": (1, ""), "ELI-2": (2, "")},
        {"REL-1": (3, ALIGNED), "VAL-1": (1, ""), "ELI-2": (NA, "")},
        {"REL-1": (3, GAP), "VAL-1": (2, ""), "ELI-2": (3, "")},
    ],
    "S2": [
        {"REL-1": (3, GAP), "VAL-1": (2, ""), "ELI-2": (NA, "")},
        {"REL-1": (3, ALIGNED), "VAL-1": (2, ""), "ELI-2": (NA, "")},
        {"REL-1": (2, REFINE), "VAL-1": (2, ""), "ELI-2": (NA, "")},
    ],
    "S3": [
        {"REL-1": (1, GAP), "ELI-2": (4, "")},
        {"REL-1": (4, ""), "ELI-2": (4, "")},
        {"REL-1": (3, ALIGNED), "ELI-2": (3, "")},
    ],
    "S4": [
        {"REL-1": (0, GAP)},
        {"REL-1": (0, GAP)},
        {"REL-1": (0, GAP)},
    ],
}


def justification(key: str, reviewer: int, code: str) -> str:
    return f"Justification {key}-{reviewer + 1}-{code}: the evaluation documents its method."


@pytest.fixture
def report_workshop(db):
    return WorkshopFactory(title="Frontier evaluations workshop 2027")


@pytest.fixture
def report_set(report_workshop):
    from django.db.models import Max

    from criteria.models import CriteriaSet

    latest = CriteriaSet.objects.filter(workshop=report_workshop).aggregate(v=Max("version"))["v"]
    return CriteriaSetFactory(workshop=report_workshop, version=(latest or 0) + 1)


@pytest.fixture
def report_reviewers(report_workshop):
    users = []
    for n, name in enumerate(REVIEWER_NAMES, start=1):
        user = UserFactory(email=f"report-reviewer{n}@example.org", full_name=name)
        ReviewerApplicationFactory(
            workshop=report_workshop, user=user, state=ReviewerApplication.State.APPROVED
        )
        users.append(user)
    return users


@pytest.fixture
def report_submissions(report_workshop):
    result = {}
    for key, (title, consent, confidentiality, areas) in SUBMISSIONS.items():
        name, org_type = ORGANISATIONS[key]
        organisation = OrganisationFactory(name=name, type=org_type)
        submission = CompleteSubmissionFactory(
            workshop=report_workshop,
            organisation=organisation,
            state=Submission.State.ELIGIBLE,
            title=title,
            summary_consent=consent,
            confidentiality=confidentiality,
        )
        submission.risk_areas.set(RiskArea.objects.filter(code__in=areas))
        result[key] = submission
    return result


@pytest.fixture
def scored_workshop(report_workshop, report_set, report_reviewers, report_submissions):
    """The data set of this module's docstring. Returns a dict of what it made."""
    criteria = {c.code: c for c in Criterion.objects.filter(criteria_set=report_set)}
    scores = {}
    for key, per_reviewer in SCORES.items():
        for index, by_code in enumerate(per_reviewer):
            assignment = AssignmentFactory(
                submission=report_submissions[key], reviewer=report_reviewers[index]
            )
            review = ReviewFactory(
                assignment=assignment,
                criteria_set=report_set,
                state=Review.State.SUBMITTED,
                confidence=3,
                submitted_at=timezone.now(),
            )
            for code, (level, tag) in by_code.items():
                scores[(key, index, code)] = CriterionScoreFactory(
                    review=review,
                    criterion=criteria[code],
                    level=None if level == NA else level,
                    not_applicable=level == NA,
                    na_reason="Not tested." if level == NA else "",
                    tag=tag,
                    justification=justification(key, index, code),
                    feedback_clear="yes" if code == "REL-1" else "",
                    feedback_applicable=("no" if index == 0 else "yes") if code == "REL-1" else "",
                    feedback_suggestion=(
                        "Name the risk tiers explicitly." if (code, index) == ("REL-1", 1) else ""
                    ),
                )
    # A draft never counts.
    draft_reviewer = UserFactory(full_name="Drafty McDraft")
    draft = ReviewFactory(
        assignment=AssignmentFactory(submission=report_submissions["S1"], reviewer=draft_reviewer),
        criteria_set=report_set,
        state=Review.State.DRAFT,
    )
    CriterionScoreFactory(review=draft, criterion=criteria["REL-1"], level=0, tag=GAP)
    return {
        "workshop": report_workshop,
        "criteria_set": report_set,
        "reviewers": report_reviewers,
        "submissions": report_submissions,
        "scores": scores,
    }


@pytest.fixture
def member_of(report_submissions):
    """A member of the organisation that submitted S1."""
    user = UserFactory(email="s1-member@example.org", full_name="Stella Member")
    MembershipFactory(
        organisation=report_submissions["S1"].organisation,
        user=user,
        role=Membership.Role.MEMBER,
    )
    return user
