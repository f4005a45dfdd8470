from .core import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkshopFactory,
)
from .reviewing import (
    AssignmentFactory,
    CriteriaSetFactory,
    CriterionScoreFactory,
    ReviewFactory,
    translate_criterion,
)
from .reviews import ReviewerApplicationFactory, ReviewerExpertiseFactory, ReviewerTieFactory
from .submissions import (
    CompleteSubmissionFactory,
    SubmissionFactory,
    SubmissionFileFactory,
    make_pdf,
)

__all__ = [
    "AssignmentFactory",
    "CriteriaSetFactory",
    "CriterionScoreFactory",
    "ReviewFactory",
    "ReviewerApplicationFactory",
    "ReviewerExpertiseFactory",
    "ReviewerTieFactory",
    "CompleteSubmissionFactory",
    "SubmissionFactory",
    "SubmissionFileFactory",
    "make_pdf",
    "translate_criterion",
    "InvitationFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
    "WorkshopFactory",
]
