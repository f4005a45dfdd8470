"""Who may do what in the review process: reviewer applications and ties, reviewing, and
the AI Office's work on assignments, progress, aggregates, ratings and workshop invitations.

Visibility itself lives in the selectors (conflicts of interest, anonymity and
confidentiality among them): a view's lookup answers 404 for what the user may not see,
then the permission here answers 403 for what they may see but not do.

Registered by ReviewsConfig.ready() through `portal.permissions.register`. Names say "see",
not "view", where Django would use "view_<model>" for the admin's model permission.
"""

import rules

from portal.models import Workshop
from portal.rules import is_ai_office_staff
from reviews.models import Assignment, ReviewerApplication
from reviews.review_window import review_window_open as _window_open
from submissions.rules import is_member_of_submitting_org

State = ReviewerApplication.State

# Calls in draft are not public yet; once the summary is out, reviewing is over.
_PHASES_CLOSED_TO_APPLICATIONS = frozenset({Workshop.Phase.DRAFT, Workshop.Phase.SUMMARY_PUBLISHED})


# --- whose object it is -----------------------------------------------------------------------


def _is_own(user_field: str, *, name: str) -> rules.Predicate:
    """Whether the object (an application, a tie, an assignment, an invitation) is the
    user's own: `user_field` names the foreign key to its person."""

    def predicate(user, obj) -> bool:
        if not user.is_authenticated or obj is None:
            return False
        return getattr(obj, user_field) == user.pk

    return rules.Predicate(predicate, name=name)


is_applicant = _is_own("user_id", name="is_applicant")
is_tie_owner = _is_own("user_id", name="is_tie_owner")
is_assigned_reviewer = _is_own("reviewer_id", name="is_assigned_reviewer")
is_invitee = _is_own("user_id", name="is_invitee")


# --- reviewer applications and ties ----------------------------------------------------------


@rules.predicate
def is_pending(user, application) -> bool:
    return application is not None and application.state == State.PENDING


@rules.predicate
def is_approved(user, application) -> bool:
    return application is not None and application.state == State.APPROVED


@rules.predicate
def is_decidable(user, application) -> bool:
    # A withdrawn application is the applicant's word; staff cannot turn it back into one.
    return application is not None and application.state != State.WITHDRAWN


@rules.predicate
def workshop_accepts_applications(user, workshop) -> bool:
    return workshop is not None and workshop.phase() not in _PHASES_CLOSED_TO_APPLICATIONS


@rules.predicate
def is_current_tie(user, tie) -> bool:
    return tie is not None and tie.ended_at is None


# --- reviewing ---------------------------------------------------------------------------


@rules.predicate
def is_awaiting_answer(user, assignment) -> bool:
    return assignment is not None and assignment.state == Assignment.State.ASSIGNED


@rules.predicate
def is_accepted(user, assignment) -> bool:
    return assignment is not None and assignment.state == Assignment.State.ACCEPTED


@rules.predicate
def review_window_open(user, assignment) -> bool:
    return assignment is not None and _window_open(assignment=assignment)


# --- the consolidated assessment (the lookup decides who sees it) ---------------------------


@rules.predicate
def is_consolidation_lead(user, assessment) -> bool:
    return assessment is not None and user.is_authenticated and assessment.lead_id == user.pk


def _consolidation_in(*states: str, name: str) -> rules.Predicate:
    return rules.Predicate(
        lambda user, assessment: assessment is not None and assessment.state in states, name=name
    )


consolidation_is_draft = _consolidation_in("draft", name="consolidation_is_draft")
consolidation_is_circulated = _consolidation_in("circulated", name="consolidation_is_circulated")


PERMISSIONS = {
    # Reviewer applications: anyone signed in may apply while the call takes applications;
    # the applicant and staff see it; only the applicant changes it, only staff decide.
    "reviews.apply": rules.is_authenticated & workshop_accepts_applications,
    "reviews.see_application": is_applicant | is_ai_office_staff,
    "reviews.edit_application": is_applicant & is_pending,
    "reviews.update_availability": is_applicant & (is_pending | is_approved),
    "reviews.withdraw_application": is_applicant & (is_pending | is_approved),
    "reviews.download_cv": is_applicant | is_ai_office_staff,
    # Staff see every application of every call (selectors), list and decide them.
    "reviews.view_all_applications": is_ai_office_staff,
    "reviews.decide_application": is_ai_office_staff & is_decidable,
    # Declared ties: each person their own, nobody another's.
    "reviews.declare_ties": rules.is_authenticated,
    "reviews.end_tie": is_tie_owner & is_current_tie,
    # Reviewing: the reviewer's own list, answering, the review page, its files, and the
    # review itself while accepted and before the deadline.
    "reviews.see_own_assignments": rules.is_authenticated,
    "reviews.see_assignment": is_assigned_reviewer,
    "reviews.answer_assignment": is_assigned_reviewer & is_awaiting_answer,
    "reviews.write_review": is_assigned_reviewer & is_accepted & review_window_open,
    # The submitters' page of their reviews (shown once staff release them).
    "reviews.read_reviews_of_submission": is_member_of_submitting_org,
    # The AI Office's work on a call.
    "reviews.view_progress": is_ai_office_staff,
    "reviews.send_reminders": is_ai_office_staff,
    "reviews.assign_reviewers": is_ai_office_staff,
    "reviews.extend_review_deadline": is_ai_office_staff,
    # Send a submitted review back to its reviewer as a draft, with a reason.
    "reviews.reopen_review": is_ai_office_staff,
    "reviews.decide_conflicts": is_ai_office_staff,
    "reviews.view_aggregates": is_ai_office_staff,
    "reviews.rate_reviewers": is_ai_office_staff,
    "reviews.invite_to_workshop": is_ai_office_staff,
    "reviews.view_attendees": is_ai_office_staff,
    # Workshop invitations: the emailed link shows nothing personal to anyone (its token
    # decides what it opens); the answer, which may hold health data, is the invitee's only.
    "reviews.open_invitation_link": rules.always_allow,
    "reviews.answer_invitation": is_invitee,
    # The consolidated assessment: staff name its lead; the lead drafts and circulates it;
    # the other reviewers answer while it is circulated; staff finalise it.
    "reviews.name_consolidation_lead": is_ai_office_staff,
    "reviews.see_consolidation": rules.is_authenticated,
    "reviews.edit_consolidation": is_consolidation_lead & consolidation_is_draft,
    "reviews.circulate_consolidation": is_consolidation_lead & consolidation_is_draft,
    "reviews.concur_consolidation": ~is_consolidation_lead
    & ~is_ai_office_staff
    & consolidation_is_circulated,
    "reviews.finalise_consolidation": is_ai_office_staff & consolidation_is_circulated,
}
