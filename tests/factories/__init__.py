from .core import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkshopFactory,
)
from .reviews import ReviewerApplicationFactory, ReviewerExpertiseFactory, ReviewerTieFactory
from .submissions import (
    CompleteSubmissionFactory,
    SubmissionFactory,
    SubmissionFileFactory,
    make_pdf,
)

__all__ = [
    "ReviewerApplicationFactory",
    "ReviewerExpertiseFactory",
    "ReviewerTieFactory",
    "CompleteSubmissionFactory",
    "SubmissionFactory",
    "SubmissionFileFactory",
    "make_pdf",
    "InvitationFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
    "WorkshopFactory",
]
