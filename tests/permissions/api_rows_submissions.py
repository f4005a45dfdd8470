"""Submissions through the API: the same outcomes as the browser's pages (rows_submissions)
for the same action. Members of the owning organisation see it, staff see it but never edit
or withdraw it (403), everyone else gets 404.

Where the browser sends someone elsewhere instead of refusing (no organisation yet: to the
page that creates one), the API answers 400 with the reason. A version's frozen content is
readable by whoever may see the submission: the browser's detail page lists the versions;
only the staff's comparison of two versions is theirs alone."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_pdf
from tests.permissions.api_matrix import MEMBERS, STAFF, ApiRow, api_expect, each

READ = "submissions:read"
WRITE = "submissions:write"


def _seen_by(members: int, staff: int = 200, others: int = 404) -> dict[str, int]:
    return api_expect(others, **each(MEMBERS, members), **each(STAFF, staff))


def _other_org_only(outcome: int = 200) -> dict[str, int]:
    """The other organisation's "AI Office only" submission: its admin and staff."""
    return api_expect(404, other_evaluator=outcome, **each(STAFF, outcome))


def _submission(w):
    return {"code": w.submission.code}


def _draft(w):
    return {"code": w.draft.code}


def _if_match(submission):
    return lambda w: {"If-Match": f'"{getattr(w, submission).revision}"'}


def _upload(w):
    return {"kind": "main", "file": SimpleUploadedFile("report.pdf", make_pdf(), "application/pdf")}


def _create(workshop):
    return lambda w: {
        "workshop": getattr(w, workshop).code,
        "organisation": w.organisation.code,
        "title": "New study",
    }


ROWS = [
    ApiRow("api:submission-list", expect=api_expect(200), scope=READ),
    # Another organisation's administrator cannot name this one, and people in no
    # organisation (staff included) are told to join one: 400 with the reason.
    ApiRow(
        "api:submission-list",
        method="POST",
        body=_create("workshop"),
        expect=api_expect(400, **each(MEMBERS, 201)),
        scope=WRITE,
    ),
    ApiRow(
        "api:submission-list",
        method="POST",
        state="draft workshop",
        body=_create("draft_workshop"),
        expect=api_expect(400),
        scope=WRITE,
    ),
    ApiRow("api:submission-detail", kwargs=_submission, expect=_seen_by(200), scope=READ),
    ApiRow(
        "api:submission-detail",
        state="AI Office only, other organisation",
        kwargs=lambda w: {"code": w.confidential.code},
        expect=_other_org_only(),
        scope=READ,
    ),
    ApiRow(
        "api:submission-detail",
        method="PATCH",
        state="draft",
        kwargs=_draft,
        headers=_if_match("draft"),
        body=lambda w: {"title": "Draft study, renamed"},
        expect=_seen_by(200, staff=403),
        scope=WRITE,
    ),
    ApiRow(
        "api:submission-detail",
        method="PATCH",
        state="draft, no If-Match",
        kwargs=_draft,
        body=lambda w: {"title": "Draft study, renamed"},
        expect=_seen_by(428, staff=403),
        scope=WRITE,
    ),
    # Screened: nobody edits it any more.
    ApiRow(
        "api:submission-detail",
        method="PATCH",
        state="eligible",
        kwargs=_submission,
        headers=_if_match("submission"),
        body=lambda w: {"title": "Renamed"},
        expect=_seen_by(403, staff=403),
        scope=WRITE,
    ),
    ApiRow("api:submission-file-list", kwargs=_submission, expect=_seen_by(200), scope=READ),
    ApiRow(
        "api:submission-file-list",
        method="POST",
        state="draft",
        kwargs=_draft,
        files=_upload,
        expect=_seen_by(201, staff=403),
        scope=WRITE,
    ),
    ApiRow(
        "api:submission-file-list",
        method="POST",
        state="eligible",
        kwargs=_submission,
        files=_upload,
        expect=_seen_by(403, staff=403),
        scope=WRITE,
    ),
    ApiRow(
        "api:submission-file-detail",
        kwargs=lambda w: {"code": w.submission.code, "file_code": w.file.code},
        expect=_seen_by(200),
        scope=READ,
    ),
    ApiRow(
        "api:submission-file-detail",
        state="AI Office only, other organisation",
        kwargs=lambda w: {"code": w.confidential.code, "file_code": w.confidential_file.code},
        expect=_other_org_only(),
        scope=READ,
    ),
    ApiRow(
        "api:submission-file-detail",
        method="DELETE",
        state="draft",
        kwargs=lambda w: {"code": w.draft.code, "file_code": w.draft_file.code},
        expect=_seen_by(204, staff=403),
        scope=WRITE,
    ),
    ApiRow(
        "api:submission-file-detail",
        method="DELETE",
        state="eligible",
        kwargs=lambda w: {"code": w.submission.code, "file_code": w.file.code},
        expect=_seen_by(403, staff=403),
        scope=WRITE,
    ),
    ApiRow(
        "api:submission-file-download",
        kwargs=lambda w: {"code": w.submission.code, "file_code": w.file.code},
        expect=_seen_by(200),
        scope=READ,
    ),
    ApiRow(
        "api:submission-file-download",
        state="AI Office only, other organisation",
        kwargs=lambda w: {"code": w.confidential.code, "file_code": w.confidential_file.code},
        expect=_other_org_only(),
        scope=READ,
    ),
    # A file code from another submission answers 404 even to who may see both.
    ApiRow(
        "api:submission-file-download",
        state="file of another submission",
        kwargs=lambda w: {"code": w.submission.code, "file_code": w.confidential_file.code},
        expect=api_expect(404),
        scope=READ,
    ),
    # The draft is incomplete: submitting lists what is missing.
    ApiRow(
        "api:submission-submit",
        method="POST",
        state="draft",
        kwargs=_draft,
        expect=_seen_by(400, staff=403),
        scope=WRITE,
    ),
    ApiRow(
        "api:submission-submit",
        method="POST",
        state="eligible",
        kwargs=_submission,
        expect=_seen_by(403, staff=403),
        scope=WRITE,
    ),
    # The evaluator is the draft's contact; an administrator may withdraw too.
    ApiRow(
        "api:submission-withdraw",
        method="POST",
        state="draft",
        kwargs=_draft,
        expect=_seen_by(200, staff=403),
        scope=WRITE,
    ),
    ApiRow(
        "api:submission-withdraw",
        method="POST",
        state="eligible",
        kwargs=_submission,
        expect=_seen_by(403, staff=403),
        scope=WRITE,
    ),
    ApiRow("api:submission-version-list", kwargs=_submission, expect=_seen_by(200), scope=READ),
    ApiRow(
        "api:submission-version-detail",
        kwargs=lambda w: {"code": w.submission.code, "number": w.version_number},
        expect=_seen_by(200),
        scope=READ,
    ),
    ApiRow(
        "api:submission-version-detail",
        state="no such version",
        kwargs=lambda w: {"code": w.submission.code, "number": w.version_number + 1},
        expect=api_expect(404),
        scope=READ,
    ),
]
