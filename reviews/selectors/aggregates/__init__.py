"""Aggregates of submitted reviews, and the staff's list of reviewers to rate built on them.

Every aggregate is computed in Python from one `values_list` fetch of score rows, so a
page costs the same number of queries for 10 submissions as for 1,000. Only SUBMITTED
reviews count: a draft can still change.

Scores are grouped per criterion row. A criterion row belongs to one criteria-set version,
so "per criterion within a version" is "per criterion row"; when reviews were scored
against several versions of a workshop's set, each version is aggregated on its own and
labelled with its number, never mixed.

Split in four: `scores` (rows and statistics), `overview` (per workshop and per
submission), `workshop_page` (the staff page's cached figures and a page of submissions),
`ratings` (reviewers to rate). Import from the package. Workshop invitations
have their own home, `reviews.workshop_invitations`.
"""

from reviews.selectors.aggregates.overview import (
    CriterionAggregate,
    ReviewerCell,
    SubmissionCriterionRow,
    SubmissionRow,
    SubmissionVersionAggregate,
    VersionAggregate,
    submission_aggregates,
    submissions_by_title,
    submitted_reviews_of_submission,
    workshop_aggregates,
)
from reviews.selectors.aggregates.ratings import RATING_SORTS, reviewers_for_rating
from reviews.selectors.aggregates.scores import (
    DISAGREEMENT_SPREAD,
    TAGS,
    ScoreRow,
    Stats,
    ordinal_alpha,
    score_stats,
)
from reviews.selectors.aggregates.workshop_page import (
    VersionOverview,
    aggregates_warm,
    overview_rows,
    overview_submissions,
    scores_stamp,
    workshop_figures,
    workshop_overview,
)

__all__ = [
    "CriterionAggregate",
    "DISAGREEMENT_SPREAD",
    "RATING_SORTS",
    "ReviewerCell",
    "ScoreRow",
    "Stats",
    "SubmissionCriterionRow",
    "SubmissionRow",
    "SubmissionVersionAggregate",
    "TAGS",
    "VersionOverview",
    "VersionAggregate",
    "aggregates_warm",
    "ordinal_alpha",
    "overview_rows",
    "overview_submissions",
    "reviewers_for_rating",
    "score_stats",
    "scores_stamp",
    "submission_aggregates",
    "submissions_by_title",
    "submitted_reviews_of_submission",
    "workshop_aggregates",
    "workshop_figures",
    "workshop_overview",
]
