"""Reads for the reviews app. Visibility and conflicts each live in one module."""

from .applications import *  # noqa: F403
from .conflicts import (  # noqa: F401
    computed_conflict_reasons,
    conflict_reasons,
    conflicted_pairs,
    has_conflict,
)
from .visibility import (  # noqa: F401
    assignment_get_for_reviewer,
    assignments_for_reviewer,
    other_reviews_for_reviewer,
    reviewer_labels,
    reviews_released_to_submitter,
)
