"""Who may do what with reviewer applications and ties. Visibility itself lives in selectors."""

import rules

from portal.models import Workshop
from portal.rules import is_ai_office_staff

from .models import ReviewerApplication

State = ReviewerApplication.State

# Calls in draft are not public yet; once the summary is out, reviewing is over.
_PHASES_CLOSED_TO_APPLICATIONS = frozenset({Workshop.Phase.DRAFT, Workshop.Phase.SUMMARY_PUBLISHED})


@rules.predicate
def is_applicant(user, application) -> bool:
    if not user.is_authenticated or application is None:
        return False
    return application.user_id == user.pk


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
def is_tie_owner(user, tie) -> bool:
    if not user.is_authenticated or tie is None:
        return False
    return tie.user_id == user.pk


@rules.predicate
def is_current_tie(user, tie) -> bool:
    return tie is not None and tie.ended_at is None


PERMISSIONS = {
    "reviews.apply": rules.is_authenticated & workshop_accepts_applications,
    "reviews.view_application": is_applicant | is_ai_office_staff,
    "reviews.edit_application": is_applicant & is_pending,
    "reviews.update_availability": is_applicant & (is_pending | is_approved),
    "reviews.withdraw_application": is_applicant & (is_pending | is_approved),
    "reviews.download_cv": is_applicant | is_ai_office_staff,
    "reviews.list_applications": is_ai_office_staff,
    "reviews.decide_application": is_ai_office_staff & is_decidable,
    "reviews.end_tie": is_tie_owner & is_current_tie,
}
