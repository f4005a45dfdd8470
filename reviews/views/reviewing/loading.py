"""The review as the page loads it: its criteria in set order, what is saved, and the form
built from them. Shared by the review page and its autosave."""

from __future__ import annotations

from dataclasses import dataclass

from criteria.selectors import criteria_set_with_criteria
from portal.permissions import has_perm
from reviews.forms.reviewing import ReviewForm
from reviews.models import Assignment, Review
from reviews.services import reviewing as services


@dataclass
class Loaded:
    review: Review
    groups: list
    criteria: list
    saved: services.ReviewInput


def load_review(review: Review) -> Loaded:
    criteria_set = criteria_set_with_criteria(criteria_set=review.criteria_set, localise=True)
    review.criteria_set = criteria_set
    groups = list(criteria_set.groups.all())
    criteria = [c for group in groups for c in group.criteria.all()]
    scores = list(review.scores.all())
    saved = services.review_input_from_review(review=review, scores=scores)
    return Loaded(review=review, groups=groups, criteria=criteria, saved=saved)


def review_form(loaded: Loaded, assignment: Assignment, data=None) -> ReviewForm:
    kwargs = {
        "groups": loaded.groups,
        "min_length": assignment.workshop.justification_min_length,
    }
    if data is not None:
        return ReviewForm(data, **kwargs)
    return ReviewForm(
        initial=ReviewForm.initial_from(data=loaded.saved, revision=loaded.review.revision),
        **kwargs,
    )


def editable(user, assignment: Assignment, review: Review | None) -> bool:
    """Whether the page shows the form: a review exists and the reviewer may write it."""
    return review is not None and has_perm(user, "reviews.write_review", assignment)
