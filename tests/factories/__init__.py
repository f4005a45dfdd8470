from .core import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkshopFactory,
)

__all__ = [
    "InvitationFactory",
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
    "WorkshopFactory",
]
