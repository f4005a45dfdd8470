"""Workshop invitations go to the people of the aggregates' small data set: its reviewers
and the contacts of its eligible submissions."""

from tests.reviews.aggregates.conftest import (  # noqa: F401 - fixtures, used by name
    criteria_set,
    reviewers,
    scored,
    submissions,
)
