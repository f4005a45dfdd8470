"""Submissions: the evaluators' pages and downloads, and the staff's list, export, screening,
extensions, restoring and version differences.

Who sees a submission: the members of its organisation and staff; everyone else gets 404
(reviewers read what they review through the reviews app). Staff may see every submission
but never edit or withdraw it for the submitters (403)."""

from tests.permissions.matrix import (
    REDIRECT,
    STAFF,
    Row,
    each,
    signed_in,
    staff_only,
)

MEMBERS = ("evaluator", "org_admin")
# People who belong to some organisation may start a submission; others are sent to
# create or join one first.
IN_AN_ORGANISATION = (*MEMBERS, "other_evaluator")


def _submission(w):
    return {"code": w.submission.code}


def _draft(w):
    return {"code": w.draft.code}


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _seen_by(members_get, staff_get=200, others=404):
    """Members get `members_get`, staff `staff_get`, everyone else `others`."""
    return signed_in(others, **each(MEMBERS, members_get), **each(STAFF, staff_get))


def _staff_action(staff_get):
    """A staff page about one submission: its members see it (403), others do not (404)."""
    return _seen_by(403, staff_get)


def _edit_form(w):
    return {
        "revision": w.draft.revision,
        "title": "Draft study, renamed",
        "abstract": "",
        "confidentiality": w.draft.confidentiality,
        "language": "en",
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "50",
        "authors-0-name": "Ada Author",
        "authors-0-affiliation": "Lab",
        "kind": "main",
    }


ROWS = [
    # --- evaluators -------------------------------------------------------------------
    Row("submissions:list", get=signed_in(200)),
    Row(
        "submissions:create",
        kwargs=_workshop,
        get=signed_in(REDIRECT, **each(IN_AN_ORGANISATION, 200)),
        # Another organisation's administrator cannot choose this one: the form says so.
        post=signed_in(REDIRECT, other_evaluator=200),
        data=lambda w: {"organisation": w.organisation.pk, "title": "New study"},
    ),
    Row(
        "submissions:create",
        state="draft workshop",
        kwargs=lambda w: {"workshop_code": w.draft_workshop.code},
        get=signed_in(404, **each(STAFF, REDIRECT)),
    ),
    Row("submissions:detail", kwargs=_submission, get=_seen_by(200)),
    Row(
        "submissions:detail",
        state="AI Office only, other organisation",
        kwargs=lambda w: {"code": w.confidential.code},
        get=signed_in(404, other_evaluator=200, **each(STAFF, 200)),
    ),
    Row(
        "submissions:edit",
        state="draft",
        kwargs=_draft,
        get=_seen_by(200, staff_get=403),
        post=_seen_by(REDIRECT, staff_get=403),
        data=_edit_form,
    ),
    # Screened: nobody edits it any more.
    Row(
        "submissions:edit",
        state="eligible",
        kwargs=_submission,
        get=_seen_by(403, staff_get=403),
        post=_seen_by(403, staff_get=403),
        data=_edit_form,
    ),
    Row(
        "submissions:submit",
        state="draft",
        kwargs=_draft,
        get=_seen_by(405, staff_get=403),
        # The draft is incomplete: submitting lists what is missing.
        post=_seen_by(400, staff_get=403),
    ),
    Row(
        "submissions:submit",
        state="eligible",
        kwargs=_submission,
        get=_seen_by(403, staff_get=403),
        post=_seen_by(403, staff_get=403),
    ),
    # The evaluator is the draft's contact; an administrator may withdraw too.
    Row(
        "submissions:withdraw",
        state="draft",
        kwargs=_draft,
        get=_seen_by(200, staff_get=403),
        post=_seen_by(REDIRECT, staff_get=403),
    ),
    Row(
        "submissions:withdraw",
        state="eligible",
        kwargs=_submission,
        get=_seen_by(403, staff_get=403),
        post=_seen_by(403, staff_get=403),
    ),
    Row(
        "submissions:file_download",
        kwargs=lambda w: {"code": w.submission.code, "file_code": w.file.code},
        get=_seen_by(200),
    ),
    Row(
        "submissions:file_download",
        state="AI Office only, other organisation",
        kwargs=lambda w: {"code": w.confidential.code, "file_code": w.confidential_file.code},
        get=signed_in(404, other_evaluator=200, **each(STAFF, 200)),
    ),
    # A file code from another submission answers 404 even to who may see both.
    Row(
        "submissions:file_download",
        state="file of another submission",
        kwargs=lambda w: {"code": w.submission.code, "file_code": w.confidential_file.code},
        get=signed_in(404),
    ),
    # --- staff --------------------------------------------------------------------------
    Row("submissions:staff_list", kwargs=_workshop, get=staff_only()),
    Row(
        "submissions:staff_list",
        state="draft workshop",
        kwargs=lambda w: {"workshop_code": w.draft_workshop.code},
        get=staff_only(others=404),
    ),
    Row("submissions:staff_export", kwargs=_workshop, get=staff_only(), query="q=study"),
    Row(
        "submissions:screen",
        kwargs=_submission,
        get=_staff_action(200),
        post=_staff_action(REDIRECT),
        data=lambda w: {"decision": "eligible", "reason": "", "note": ""},
    ),
    Row(
        "submissions:extend",
        kwargs=_submission,
        get=_staff_action(200),
        post=_staff_action(REDIRECT),
        data=lambda w: {"deadline": "2099-01-31T12:00", "reason": "Illness in the team"},
    ),
    # Only a withdrawn submission is restored; for this one staff hear why not.
    Row(
        "submissions:restore",
        kwargs=_submission,
        get=_staff_action(405),
        post=_staff_action(REDIRECT),
    ),
    Row(
        "submissions:version_diff",
        kwargs=lambda w: {"code": w.submission.code, "number": w.version_number},
        get=_staff_action(200),
    ),
    Row(
        "submissions:version_diff",
        state="no such version",
        kwargs=lambda w: {"code": w.submission.code, "number": w.version_number + 1},
        get=signed_in(404),
    ),
]
