"""Who may do what in automatic assignment. Visibility itself lives in selectors and lookups
(assignment.lookups): the bidding page of a workshop exists only for its approved
reviewers, runs only for AI Office staff."""

import rules

from assignment.models import AssignmentRun
from portal.rules import is_ai_office_staff
from reviews.rules import is_applicant, is_approved


@rules.predicate
def is_open_proposal(user, run) -> bool:
    """A finished run not yet published: its proposal may still change or be published."""
    return (
        isinstance(run, AssignmentRun)
        and run.state == AssignmentRun.State.DONE
        and run.published_at is None
    )


PERMISSIONS = {
    # On the reviewer's approved application to the workshop (what reviews decides): bids
    # are theirs, on what reviews.selectors.visibility lets them see.
    "assignment.bid": is_applicant & is_approved,
    # Staff: settings and runs, their progress and preview, running one again, and the
    # openreview-matcher files out and in.
    "assignment.manage_runs": is_ai_office_staff,
    # Hand edits and publishing, while the run's proposal is still open.
    "assignment.edit_proposal": is_ai_office_staff & is_open_proposal,
    "assignment.publish_run": is_ai_office_staff & is_open_proposal,
}
