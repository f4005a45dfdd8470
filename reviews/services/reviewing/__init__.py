"""Writes for reviewing: answering an assignment, drafts, submits and their versions.

Every save names the revision it edited (optimistic locking, portal.concurrency): a second
tab, or an autosave racing a full-page save, is refused with StaleEditError instead of
silently replacing what the other one saved. Everything is refused after the assignment's
deadline unless staff extended it for this reviewer (Assignment.deadline_override).

A submitted review stays editable until the deadline, but only by submitting it again: its
live rows (which aggregates and progress read) always equal its latest ReviewVersion, so a
half-finished change is never counted or shown. Between submits the reviewer's changes live
in the page and in the browser's local copy (static/portal/review-autosave.js).

Split by what the code is about: `review_input` (what was typed), `checks` (what a save and
a submit need), `snapshot` (a version as JSON), `answering` (accept or decline), `saving`,
`reopening` (staff send a submitted review back as a draft) and `importing` (reviews
submitted on the call's earlier platform); when a review may change is
`reviews.review_window`, which the permission rules read too. Import from the package.
"""

from reviews.review_window import (
    ReviewClosedError,
    accept_first_message,
    deadline_message,
    review_window_open,
    submitted_review_message,
)
from reviews.services.reviewing.answering import assignment_accept, assignment_decline
from reviews.services.reviewing.checks import review_check_types, review_submit_problems
from reviews.services.reviewing.importing import ImportedReview, reviews_import
from reviews.services.reviewing.reopening import review_reopen
from reviews.services.reviewing.review_input import (
    NOT_APPLICABLE,
    OVERALL_FIELDS,
    ReviewInput,
    ScoreInput,
    review_input_from_review,
    score_key,
)
from reviews.services.reviewing.saving import (
    review_get_or_create,
    review_save_draft,
    review_submit,
)
from reviews.services.reviewing.snapshot import SNAPSHOT_SCHEMA, review_snapshot

__all__ = [
    "ImportedReview",
    "NOT_APPLICABLE",
    "OVERALL_FIELDS",
    "SNAPSHOT_SCHEMA",
    "ReviewClosedError",
    "ReviewInput",
    "ScoreInput",
    "accept_first_message",
    "assignment_accept",
    "assignment_decline",
    "deadline_message",
    "review_check_types",
    "review_get_or_create",
    "review_input_from_review",
    "review_reopen",
    "review_save_draft",
    "review_snapshot",
    "review_submit",
    "review_submit_problems",
    "review_window_open",
    "reviews_import",
    "score_key",
    "submitted_review_message",
]
