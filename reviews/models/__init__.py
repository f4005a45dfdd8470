from .applications import (
    MAX_REVIEWS_LIMIT,
    STATEMENT_MAX_LENGTH,
    ReviewerApplication,
    ReviewerExpertise,
    ReviewerTie,
)
from .assignments import Assignment, ConflictRecord, ReminderLog, ReviewerRating
from .reports import CriterionNote, FeedbackRemark, QuoteSelection, ReportJob, WorkshopSummary
from .reviewing import CriterionScore, Review, ReviewVersion, WorkshopInvitation

__all__ = [
    "MAX_REVIEWS_LIMIT",
    "STATEMENT_MAX_LENGTH",
    "Assignment",
    "ConflictRecord",
    "CriterionNote",
    "CriterionScore",
    "FeedbackRemark",
    "QuoteSelection",
    "ReminderLog",
    "ReportJob",
    "Review",
    "ReviewVersion",
    "ReviewerApplication",
    "ReviewerExpertise",
    "ReviewerRating",
    "ReviewerTie",
    "WorkshopInvitation",
    "WorkshopSummary",
]
