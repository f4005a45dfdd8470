"""What the reports are built from, read in a few set-based queries: `summary` for the
public summary and the internal edition, `annex` for the per-evaluation annex and the
feedback reports."""

from reports.data.annex import (
    AnnexCriterionRow,
    AnnexEntry,
    CohortCriterion,
    FeedbackData,
    ReviewerColumn,
    annex_entries,
    feedback_data,
)
from reports.data.summary import (
    Cell,
    CriterionSection,
    Feedback,
    HeatmapRow,
    OrganisationTypeRow,
    Quote,
    ReportData,
    Row,
    SubmissionInfo,
    feedback_remarks,
    organisations_with_reviews,
    quotable_scores,
    report_data,
    scored_criteria_set,
)

__all__ = [
    "AnnexCriterionRow",
    "AnnexEntry",
    "Cell",
    "CohortCriterion",
    "CriterionSection",
    "Feedback",
    "FeedbackData",
    "HeatmapRow",
    "OrganisationTypeRow",
    "Quote",
    "ReportData",
    "ReviewerColumn",
    "Row",
    "SubmissionInfo",
    "annex_entries",
    "feedback_data",
    "feedback_remarks",
    "organisations_with_reviews",
    "quotable_scores",
    "report_data",
    "scored_criteria_set",
]
