"""Who sees which submission and which review: the one place that applies conflicts of
interest, anonymity and confidentiality for the review process. Views, downloads, exports
and PDFs reuse these functions; templates never decide visibility.

Besides querysets, this package shapes what a reader gets: the submission as a reviewer may
see it (no identity in an anonymous workshop), and a submitted review as another reviewer
or the submitters may see it (labels instead of names, fields meant for the AI Office
removed). Templates render those shapes as they are.

Split by reader: `access` (what a reviewer or submitter may reach at all), `reviewer_list`,
`reviewer_submission`, `shared_reviews` and `bidding`. Import from the package.
"""

from reviews.selectors.visibility.access import (
    REVIEWABLE_STATES,
    assignment_get_for_reviewer,
    assignments_for_reviewer,
    other_reviews_for_reviewer,
    others_open_to_reviewer,
    reviewer_labels,
    reviewer_labels_by_submission,
    reviews_released,
    reviews_released_to_submitter,
)
from reviews.selectors.visibility.bidding import (
    BiddingRow,
    bidding_rows,
    bidding_workshop_get,
    submissions_for_bidding,
)
from reviews.selectors.visibility.review_reads import (
    review_assignment_get_for_user,
    reviews_filter,
    reviews_for_listing,
    reviews_visible_to,
)
from reviews.selectors.visibility.reviewer_list import (
    AssignmentRow,
    AssignmentStatus,
    assignment_rows_for_reviewer,
    assignment_status,
)
from reviews.selectors.visibility.reviewer_submission import (
    ReviewerFile,
    ReviewerSubmission,
    reviewer_file_name,
    submission_file_for_reviewer,
    submission_for_reviewer,
    submission_latest_version,
)
from reviews.selectors.visibility.shared_reviews import (
    Audience,
    DisplayGroup,
    DisplayReview,
    DisplayScore,
    other_reviews_shared_with_reviewer,
    review_for_display,
    reviews_for_display_localise,
    reviews_shared_with_submitter,
)

__all__ = [
    "AssignmentRow",
    "AssignmentStatus",
    "Audience",
    "BiddingRow",
    "DisplayGroup",
    "DisplayReview",
    "DisplayScore",
    "REVIEWABLE_STATES",
    "ReviewerFile",
    "ReviewerSubmission",
    "assignment_get_for_reviewer",
    "assignment_rows_for_reviewer",
    "assignment_status",
    "assignments_for_reviewer",
    "bidding_rows",
    "bidding_workshop_get",
    "other_reviews_for_reviewer",
    "other_reviews_shared_with_reviewer",
    "others_open_to_reviewer",
    "review_for_display",
    "reviews_for_display_localise",
    "reviewer_file_name",
    "reviewer_labels",
    "reviewer_labels_by_submission",
    "reviews_released",
    "reviews_released_to_submitter",
    "reviews_shared_with_submitter",
    "submission_file_for_reviewer",
    "submission_for_reviewer",
    "submission_latest_version",
    "submissions_for_bidding",
    "review_assignment_get_for_user",
    "reviews_filter",
    "reviews_for_listing",
    "reviews_visible_to",
]
