from .mail import OutgoingEmail
from .organisations import Invitation, Membership, Organisation
from .users import User
from .workshops import Workshop

__all__ = ["Invitation", "Membership", "Organisation", "OutgoingEmail", "User", "Workshop"]
