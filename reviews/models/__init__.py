from .applications import (
    MAX_REVIEWS_LIMIT,
    STATEMENT_MAX_LENGTH,
    ReviewerApplication,
    ReviewerExpertise,
    ReviewerTie,
)
from .assignments import Assignment, ConflictRecord, ReminderLog, ReviewerRating
from .consolidation import Concurrence, ConsolidatedAssessment, ConsolidatedScore
from .reviewing import CriterionScore, Review, ReviewVersion, WorkshopInvitation

__all__ = [
    "MAX_REVIEWS_LIMIT",
    "STATEMENT_MAX_LENGTH",
    "Assignment",
    "Concurrence",
    "ConflictRecord",
    "ConsolidatedAssessment",
    "ConsolidatedScore",
    "CriterionScore",
    "ReminderLog",
    "Review",
    "ReviewVersion",
    "ReviewerApplication",
    "ReviewerExpertise",
    "ReviewerRating",
    "ReviewerTie",
    "WorkshopInvitation",
]
