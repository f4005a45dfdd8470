"""Lookups for `portal.permissions.permission_required`: the object a reviews URL names,
fetched through the selectors, so that what the user may not see answers 404 before the
view's permission is checked (403 for what they may see but not do).

A workshop is looked up by `portal.lookups.workshop`, the one workshop lookup.
"""

from django.http import Http404

from portal import lookups as portal_lookups
from reviews import selectors
from reviews.models import Assignment, ReviewerApplication, ReviewerTie, WorkshopInvitation
from reviews.selectors import visibility
from reviews.selectors.consolidation import consolidation_get_for_user
from reviews.workshop_invitations import selectors as invitation_selectors
from submissions import selectors as submission_selectors
from submissions.models import Submission


def application(request, code: str) -> ReviewerApplication:
    """The applicant's own application; staff see every one."""
    return selectors.application_get_for_user(code=code, user=request.user)


def approved_application(request, workshop_code: str, application_code: str):
    """An approved reviewer of the workshop, by their application (staff rate reviewers)."""
    workshop = portal_lookups.workshop(request, workshop_code)
    found = application(request, application_code)
    if found.workshop_id != workshop.pk or found.state != ReviewerApplication.State.APPROVED:
        raise Http404
    return found


def tie(request, code: str) -> ReviewerTie:
    """One of the person's own ties; nobody reaches another person's."""
    return selectors.tie_get_for_user(code=code, user=request.user)


def assignment(request, code: str) -> Assignment:
    """The reviewer's own assignment, unless conflicted, declined or confidential."""
    return visibility.assignment_get_for_reviewer(code=code, user=request.user)


def submission(request, code: str) -> Submission:
    """A submission its organisation's members and staff see (staff pages about one
    submission: its members get 403, everyone else 404)."""
    found = submission_selectors.submissions_visible_to(user=request.user).filter(code=code).first()
    if found is None:
        raise Http404
    return found


def submission_assignment(request, code: str, assignment_code: str) -> Assignment:
    """An assignment of the submission the URL names (a code from elsewhere answers 404)."""
    parent = submission(request, code)
    found = (
        Assignment.objects.select_related("reviewer", "workshop")
        .filter(submission=parent, code=assignment_code)
        .first()
    )
    if found is None:
        raise Http404
    found.submission = parent
    return found


def workshop_submission(request, workshop_code: str, submission_code: str) -> Submission:
    """A submission of the workshop the URL names."""
    workshop = portal_lookups.workshop(request, workshop_code)
    found = submission(request, submission_code)
    if found.workshop_id != workshop.pk:
        raise Http404
    return found


def invitation(request, code: str) -> WorkshopInvitation:
    """The invitee's own invitation to the workshop; nobody else's, staff included."""
    return invitation_selectors.invitation_get_for_invitee(code=code, user=request.user)


def review(request, code: str) -> Assignment:
    """The assignment of a review, by the review's code: the reviewer's own (404 when the
    review page would answer 404), or a submitted review for staff; the review is on it."""
    return visibility.review_assignment_get_for_user(code=code, user=request.user)


def consolidation(request, code: str):
    """A consolidated assessment: staff, its lead and the submission's reviewers who may
    open their assignment; 404 for everyone else (conflicted and declined reviewers too)."""
    return consolidation_get_for_user(code=code, user=request.user)
