"""Reviews: reviewer applications and ties, reviewing (the review page, its autosave, file
downloads, answering an assignment), the submitters' page of released reviews, the staff's
progress, reviewers of a submission, conflicts, aggregates and ratings, and workshop
invitations with their RSVP.

Who sees what:
- an application: its applicant and staff (others 404); only the applicant changes it,
  only staff decide it (403 for whoever sees it but may not);
- an assignment: its reviewer only, and not when conflicted, declined or "AI Office only"
  without clearance (404 for everyone else, staff included: staff are not reviewers);
- a submission's pages for staff: 403 for its organisation's members, who see the
  submission, 404 for everyone else; a workshop's staff pages: 403 for everyone signed in,
  404 under a draft workshop;
- a workshop invitation's answer: its invitee only (it may hold health data), staff
  included in the 404.

Automatic assignment (matching_*, bid_list) and reports (report_*) are the assignment and
reports apps' rows.
"""

from datetime import timedelta

from django.utils import timezone

from submissions.models import RiskArea
from tests.permissions.matrix import (
    MFA,
    REDIRECT,
    REVIEWERS,
    STAFF,
    Row,
    each,
    expect,
    signed_in,
    staff_only,
)

MEMBERS = ("evaluator", "org_admin")


def _seen_by(*personas, outcome=200, others=404, staff=None):
    """`personas` get `outcome`, staff `staff` (if given), everyone else signed in `others`."""
    per_persona = each(personas, outcome)
    if staff is not None:
        per_persona.update(each(STAFF, staff))
    return signed_in(others, **per_persona)


def _submission_staff_page(outcome):
    """A staff page about one submission: its members see the submission (403)."""
    return _seen_by(*MEMBERS, outcome=403, staff=outcome)


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _draft_workshop(w):
    return {"workshop_code": w.draft_workshop.code}


def _draft_workshop_row(name):
    """A staff page of a draft workshop: nobody else may know the call exists."""
    return Row(name, state="draft workshop", kwargs=_draft_workshop, get=_seen_by(staff=200))


def _code(attribute):
    return lambda w: {"code": getattr(w, attribute).code}


def _application_form(w):
    area = RiskArea.objects.order_by("position").first()
    return {
        "statement": "Ten years of red-teaming language models.",
        "affiliation": "Independent",
        "cv_link": "https://example.org/cv",
        "languages": ["en"],
        "max_reviews": "3",
        f"area_{area.code}": "3",
    }


def _review_form(w):
    return {"revision": w.review.revision, "action": "save", "summary": "Typed by the reviewer"}


def _submitted_review_form(w):
    return {"revision": w.submitted_review.revision, "action": "save", "summary": "Too late"}


def _unanswered_review_form(w):
    return {"revision": "1", "action": "save", "summary": "Before accepting"}


def _assignment_file(assignment, file):
    return lambda w: {"code": getattr(w, assignment).code, "file_code": getattr(w, file).code}


def _submission_assignment(assignment):
    return lambda w: {"code": w.submission.code, "assignment_code": getattr(w, assignment).code}


def _later_deadline(w):
    return {"deadline": (timezone.localtime() + timedelta(days=90)).strftime("%Y-%m-%dT%H:%M")}


APPLICATIONS = [
    Row(
        "reviews:application_apply",
        state="open call",
        kwargs=_workshop,
        # People with an application are sent to it; other_evaluator withdrew theirs.
        get=signed_in(200, no_org=REDIRECT, **each(REVIEWERS, REDIRECT)),
        post=signed_in(REDIRECT),
        data=_application_form,
    ),
    Row(
        "reviews:application_apply",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=_seen_by(staff=403),
    ),
    Row(
        "reviews:application_detail",
        kwargs=_code("application"),
        get=_seen_by("reviewer", staff=200),
    ),
    Row(
        "reviews:application_edit",
        state="approved",
        kwargs=_code("application"),
        get=_seen_by("reviewer", outcome=403, staff=403),
        post=_seen_by("reviewer", outcome=403, staff=403),
        data=_application_form,
    ),
    Row(
        "reviews:application_edit",
        state="pending",
        kwargs=_code("pending_application"),
        get=_seen_by("no_org", staff=403),
        post=_seen_by("no_org", outcome=REDIRECT, staff=403),
        data=_application_form,
    ),
    Row(
        "reviews:application_availability",
        state="approved",
        kwargs=_code("application"),
        get=_seen_by("reviewer", staff=403),
        post=_seen_by("reviewer", outcome=REDIRECT, staff=403),
        data=lambda w: {"languages": ["en", "fr"], "max_reviews": "2"},
    ),
    Row(
        "reviews:application_availability",
        state="withdrawn",
        kwargs=_code("withdrawn_application"),
        get=_seen_by("other_evaluator", outcome=403, staff=403),
    ),
    Row(
        "reviews:application_withdraw",
        state="approved",
        kwargs=_code("application"),
        get=_seen_by("reviewer", outcome=405, staff=403),
        post=_seen_by("reviewer", outcome=REDIRECT, staff=403),
    ),
    Row(
        "reviews:application_withdraw",
        state="withdrawn",
        kwargs=_code("withdrawn_application"),
        get=None,
        post=_seen_by("other_evaluator", outcome=403, staff=403),
    ),
    Row(
        "reviews:application_cv",
        state="uploaded",
        kwargs=_code("pending_application"),
        get=_seen_by("no_org", staff=200),
    ),
    Row(
        "reviews:application_cv", state="none uploaded", kwargs=_code("application"), get=_seen_by()
    ),
    Row("reviews:staff_application_list", kwargs=_workshop, get=staff_only()),
    _draft_workshop_row("reviews:staff_application_list"),
    Row(
        "reviews:staff_application_decide",
        state="pending",
        kwargs=_code("pending_application"),
        get=_seen_by("no_org", outcome=403, staff=405),
        post=_seen_by("no_org", outcome=403, staff=REDIRECT),
        data=lambda w: {"decision": "approve"},
    ),
    Row(
        "reviews:staff_application_decide",
        state="withdrawn",
        kwargs=_code("withdrawn_application"),
        get=None,
        post=_seen_by("other_evaluator", outcome=403, staff=403),
        data=lambda w: {"decision": "approve"},
    ),
    Row(
        "reviews:tie_list",
        get=signed_in(200),
        post=signed_in(REDIRECT),
        data=lambda w: {"organisation": w.other_organisation.code, "tie_type": "funding"},
    ),
    Row(
        "reviews:tie_end",
        state="current",
        kwargs=_code("tie"),
        get=_seen_by("reviewer_conflicted", outcome=405),
        post=_seen_by("reviewer_conflicted", outcome=REDIRECT),
    ),
    Row(
        "reviews:tie_end",
        state="ended",
        kwargs=_code("ended_tie"),
        get=None,
        post=_seen_by("reviewer_conflicted", outcome=403),
    ),
]

REVIEWING = [
    Row("reviews:review_list", get=signed_in(200)),
    Row(
        "reviews:review_detail",
        state="draft",
        kwargs=_code("assignment"),
        get=_seen_by("reviewer"),
        post=_seen_by("reviewer", outcome=REDIRECT),
        data=_review_form,
    ),
    Row(
        "reviews:review_detail",
        state="not accepted yet",
        kwargs=_code("unanswered_assignment"),
        get=_seen_by("reviewer"),
        post=_seen_by("reviewer", outcome=403),
        data=_unanswered_review_form,
    ),
    Row(
        "reviews:review_detail",
        state="submitted, deadline passed",
        kwargs=_code("submitted_assignment"),
        get=_seen_by("reviewer"),
        post=_seen_by("reviewer", outcome=403),
        data=_submitted_review_form,
    ),
    Row(
        "reviews:review_detail",
        state="AI Office only, not cleared",
        kwargs=_code("uncleared_assignment"),
        get=_seen_by(),
    ),
    Row(
        "reviews:review_detail",
        state="declined",
        kwargs=_code("declined_assignment"),
        get=_seen_by(),
    ),
    # JSON: a signed-out autosave answers 401 (the script says so), not a login redirect.
    Row(
        "reviews:review_autosave",
        state="draft",
        kwargs=_code("assignment"),
        get=_seen_by("reviewer", outcome=405) | {"anonymous": 401},
        post=_seen_by("reviewer") | {"anonymous": 401},
        data=_review_form,
    ),
    Row(
        "reviews:review_autosave",
        state="not accepted yet",
        kwargs=_code("unanswered_assignment"),
        get=None,
        post=_seen_by("reviewer", outcome=403) | {"anonymous": 401},
        data=_unanswered_review_form,
    ),
    Row(
        "reviews:review_autosave",
        state="submitted, deadline passed",
        kwargs=_code("submitted_assignment"),
        get=None,
        post=_seen_by("reviewer", outcome=403) | {"anonymous": 401},
        data=_submitted_review_form,
    ),
    Row(
        "reviews:assignment_accept",
        state="not accepted yet",
        kwargs=_code("unanswered_assignment"),
        get=_seen_by("reviewer", outcome=405),
        post=_seen_by("reviewer", outcome=REDIRECT),
    ),
    Row(
        "reviews:assignment_accept",
        state="accepted",
        kwargs=_code("assignment"),
        get=None,
        post=_seen_by("reviewer", outcome=403),
    ),
    Row(
        "reviews:assignment_decline",
        state="not accepted yet",
        kwargs=_code("unanswered_assignment"),
        get=_seen_by("reviewer"),
        post=_seen_by("reviewer", outcome=REDIRECT),
        data=lambda w: {"reason": "I advised the provider last year."},
    ),
    Row(
        "reviews:assignment_decline",
        state="accepted",
        kwargs=_code("assignment"),
        get=_seen_by("reviewer", outcome=403),
        post=_seen_by("reviewer", outcome=403),
        data=lambda w: {"reason": "Changed my mind."},
    ),
    Row(
        "reviews:review_file",
        state="latest version",
        kwargs=_assignment_file("assignment", "file"),
        get=_seen_by("reviewer"),
    ),
    Row(
        "reviews:review_file",
        state="another submission's file",
        kwargs=_assignment_file("assignment", "confidential_file"),
        get=_seen_by(),
    ),
    Row(
        "reviews:review_file",
        state="AI Office only, not cleared",
        kwargs=_assignment_file("uncleared_assignment", "confidential_file"),
        get=_seen_by(),
    ),
    # The submitters' page: staff see the submission but this page is its submitters'.
    Row(
        "reviews:submission_reviews",
        state="not released",
        kwargs=_code("submission"),
        get=_seen_by(*MEMBERS, staff=403),
    ),
    Row(
        "reviews:submission_reviews",
        state="released",
        kwargs=_code("released_submission"),
        get=_seen_by(*MEMBERS, staff=403),
    ),
]

STAFF_PAGES = [
    Row("reviews:staff_progress", kwargs=_workshop, get=staff_only()),
    Row(
        "reviews:staff_progress",
        state="reviewers tab",
        kwargs=_workshop,
        query="tab=reviewers",
        get=staff_only(),
    ),
    _draft_workshop_row("reviews:staff_progress"),
    Row(
        "reviews:staff_remind_late",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
    ),
    Row(
        "reviews:staff_submission_reviewers",
        kwargs=_code("submission"),
        get=_submission_staff_page(200),
    ),
    Row(
        "reviews:staff_assignment_add",
        kwargs=_code("submission"),
        get=_submission_staff_page(405),
        post=_submission_staff_page(REDIRECT),
        data=lambda w: {"reviewer": w.unassigned_application.code},
    ),
    Row(
        "reviews:staff_conflict_decide",
        kwargs=_code("submission"),
        get=_submission_staff_page(405),
        post=_submission_staff_page(REDIRECT),
        data=lambda w: {
            "reviewer": w.unassigned_application.code,
            "action": "record",
            "reason": "Co-author of the study.",
        },
    ),
    Row(
        "reviews:staff_conflict_revoke",
        kwargs=_code("submission"),
        get=_submission_staff_page(405),
        post=_submission_staff_page(REDIRECT),
        data=lambda w: {"reviewer": w.conflicted_application.code, "action": "recorded"},
    ),
    Row(
        "reviews:staff_assignment_remove",
        kwargs=_submission_assignment("assignment"),
        get=_submission_staff_page(405),
        post=_submission_staff_page(REDIRECT),
    ),
    Row(
        "reviews:staff_assignment_remove",
        state="another submission's assignment",
        kwargs=_submission_assignment("uncleared_assignment"),
        get=None,
        post=_seen_by(),
    ),
    Row(
        "reviews:staff_assignment_extend",
        kwargs=_submission_assignment("assignment"),
        get=_submission_staff_page(200),
        post=_submission_staff_page(REDIRECT),
        data=_later_deadline,
    ),
    Row(
        "reviews:staff_review_reopen",
        state="submitted review",
        kwargs=lambda w: {
            "code": w.reopenable_assignment.submission.code,
            "assignment_code": w.reopenable_assignment.code,
        },
        get=_submission_staff_page(200),
        post=_submission_staff_page(REDIRECT),
        data=lambda w: {"reason": "Justify the score of the first criterion."},
    ),
    Row(
        "reviews:staff_review_reopen",
        state="draft review",
        kwargs=_submission_assignment("assignment"),
        get=_submission_staff_page(200),
        # Refused by the service: only a submitted review can be reopened.
        post=_submission_staff_page(400),
        data=lambda w: {"reason": "Justify the score of the first criterion."},
    ),
    Row("reviews:aggregate_overview", kwargs=_workshop, get=staff_only()),
    _draft_workshop_row("reviews:aggregate_overview"),
    Row(
        "reviews:aggregate_submission",
        kwargs=lambda w: {"workshop_code": w.workshop.code, "submission_code": w.submission.code},
        get=_submission_staff_page(200),
    ),
    Row(
        "reviews:aggregate_submission",
        state="another workshop's submission",
        kwargs=lambda w: {
            "workshop_code": w.workshop.code,
            "submission_code": w.released_submission.code,
        },
        get=_seen_by(),
    ),
    Row("reviews:reviewer_ratings", kwargs=_workshop, get=staff_only()),
    Row(
        "reviews:reviewer_rate",
        state="approved",
        kwargs=lambda w: {"workshop_code": w.workshop.code, "application_code": w.application.code},
        # The reviewer sees their own application, not their rating.
        get=_seen_by("reviewer", outcome=403, staff=405),
        post=_seen_by("reviewer", outcome=403, staff=REDIRECT),
        data=lambda w: {"rating": "4", "note": "Thorough and on time."},
    ),
    Row(
        "reviews:reviewer_rate",
        state="pending",
        kwargs=lambda w: {
            "workshop_code": w.workshop.code,
            "application_code": w.pending_application.code,
        },
        get=None,
        post=_seen_by(),
        data=lambda w: {"rating": "4"},
    ),
]

WORKSHOP_INVITATIONS = [
    Row("reviews:attendee_list", kwargs=_workshop, get=staff_only()),
    _draft_workshop_row("reviews:attendee_list"),
    Row("reviews:attendee_export", kwargs=_workshop, get=staff_only()),
    Row(
        "reviews:attendee_export",
        state="filtered",
        kwargs=_workshop,
        query="state=invited&kind=submitter",
        get=staff_only(),
    ),
    Row(
        "reviews:invite_submitters",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=lambda w: {"selected": [w.submission.code]},
    ),
    Row(
        "reviews:invite_reviewers",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=lambda w: {"selected": [w.application.code]},
    ),
    # The emailed link: shows only the workshop and a way to sign in, then sends the
    # invitee on to their answer; anyone else signed in gets 404, whatever the method.
    Row(
        "reviews:invitation_rsvp",
        kwargs=lambda w: {"token": w.rsvp_token},
        get=expect(404, anonymous=200, evaluator=REDIRECT, staff_nomfa=MFA),
    ),
    Row(
        "reviews:invitation_rsvp",
        state="tampered token",
        kwargs=lambda w: {"token": w.rsvp_token[:-2] + "xx"},
        get=expect(404, staff_nomfa=MFA),
    ),
    Row(
        "reviews:invitation_answer",
        state="open",
        kwargs=_code("workshop_invitation"),
        get=_seen_by("evaluator"),
        post=_seen_by("evaluator", outcome=REDIRECT),
        data=lambda w: {"answer": "accept", "dietary_needs": "Vegan"},
    ),
    Row(
        "reviews:invitation_answer",
        state="event day passed",
        kwargs=_code("expired_invitation"),
        get=_seen_by("evaluator", outcome=410),
        post=_seen_by("evaluator", outcome=410),
        data=lambda w: {"answer": "accept"},
    ),
]

ROWS = [*APPLICATIONS, *REVIEWING, *STAFF_PAGES, *WORKSHOP_INVITATIONS]
