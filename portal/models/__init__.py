from .audit import AuditEvent
from .mail import OutgoingEmail
from .organisations import Invitation, Membership, Organisation
from .tokens import ApiScope, ApiToken
from .users import User
from .workshops import Workshop

__all__ = [
    "AuditEvent",
    "ApiScope",
    "ApiToken",
    "Invitation",
    "Membership",
    "Organisation",
    "OutgoingEmail",
    "User",
    "Workshop",
]
