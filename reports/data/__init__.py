"""What the reports are built from, read in a few set-based queries: `summary` (with
`sections`, one per criterion) for the public summary and the internal edition, `annex`
for the per-evaluation annex and the feedback reports; both from the score rows of
`rows`, over what `scope` says a report covers."""

from reports.data.annex import (
    AnnexCriterionRow,
    AnnexEntry,
    CohortCriterion,
    FeedbackData,
    ReviewerColumn,
    annex_entries,
    feedback_data,
)
from reports.data.rows import Row, SubmissionInfo
from reports.data.scope import (
    feedback_remarks,
    organisations_with_reviews,
    quotable_scores,
    scored_criteria_set,
)
from reports.data.sections import CriterionSection, Feedback, Quote
from reports.data.summary import (
    BASES,
    BASIS_CONSOLIDATED,
    BASIS_INDIVIDUAL,
    Cell,
    HeatmapRow,
    OrganisationTypeRow,
    ReportData,
    report_data,
)

__all__ = [
    "BASES",
    "BASIS_CONSOLIDATED",
    "BASIS_INDIVIDUAL",
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
