"""The API's report jobs, their files and the data exports (api/views/reports.py).

As the browser: jobs and exports are staff's (403 to everyone else who sees the workshop,
404 under a draft one). Who sees a job: staff, and the members of its organisation once
staff released a finished feedback report to it (they may download it, not manage it:
403); everyone else gets 404 for it and its file. Nothing to download until the file is
built, for staff too (404)."""

from tests.permissions.api_matrix import MEMBERS, STAFF, ApiRow, api_expect, each, staff_only


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _draft_workshop(w):
    return {"workshop_code": w.draft_workshop.code}


def _job(name):
    return lambda w: {"job_code": getattr(w, name).code}


def _hidden(staff_get=200):
    return api_expect(404, **each(STAFF, staff_get))


def _released(staff_get=200, members_get=403):
    return api_expect(404, **each(MEMBERS, members_get), **each(STAFF, staff_get))


def _export(name, fmt, **row):
    return ApiRow(
        "api:workshop-export",
        kwargs=lambda w: {**_workshop(w), "name": name},
        query=f"format={fmt}",
        scope="reports:read",
        **{"expect": staff_only(), "state": f"{name} {fmt}", **row},
    )


ROWS = [
    # --- jobs -----------------------------------------------------------------------------
    ApiRow("api:report-job-list", kwargs=_workshop, expect=staff_only(), scope="reports:read"),
    ApiRow(
        "api:report-job-list",
        state="draft workshop",
        kwargs=_draft_workshop,
        expect=staff_only(others=404),
        scope="reports:read",
    ),
    ApiRow(
        "api:report-job-list",
        method="POST",
        kwargs=_workshop,
        body=lambda w: {"kind": "public_summary", "language": "en"},
        expect=staff_only(202),
        scope="reports:write",
    ),
    ApiRow(
        "api:report-job-list",
        method="POST",
        state="feedback",
        kwargs=_workshop,
        body=lambda w: {"kind": "feedback"},
        expect=staff_only(202),
        scope="reports:write",
    ),
    ApiRow(
        "api:report-job-list",
        method="POST",
        state="refused kind",
        kwargs=_workshop,
        body=lambda w: {"kind": "everything"},
        expect=staff_only(400),
        scope="reports:write",
    ),
    ApiRow(
        "api:report-job-list",
        method="POST",
        state="draft workshop",
        kwargs=_draft_workshop,
        body=lambda w: {"kind": "public_summary", "language": "en"},
        expect=staff_only(202, others=404),
        scope="reports:write",
    ),
    ApiRow(
        "api:report-job-detail",
        state="public summary",
        kwargs=_job("summary_job"),
        expect=_hidden(),
        scope="reports:read",
    ),
    ApiRow(
        "api:report-job-detail",
        state="released feedback",
        kwargs=_job("feedback_job"),
        expect=_released(),
        scope="reports:read",
    ),
    ApiRow(
        "api:report-job-detail",
        state="unreleased feedback",
        kwargs=_job("unreleased_feedback_job"),
        expect=_hidden(),
        scope="reports:read",
    ),
    ApiRow(
        "api:report-job-detail",
        state="no such job",
        kwargs=lambda w: {"job_code": "nosuchjob"},
        expect=api_expect(404),
        scope="reports:read",
    ),
    # --- files ----------------------------------------------------------------------------
    ApiRow(
        "api:report-job-download",
        state="public summary",
        kwargs=_job("summary_job"),
        expect=_hidden(),
        scope="reports:read",
    ),
    ApiRow(
        "api:report-job-download",
        state="released feedback",
        kwargs=_job("feedback_job"),
        expect=_released(members_get=200),
        scope="reports:read",
    ),
    ApiRow(
        "api:report-job-download",
        state="unreleased feedback",
        kwargs=_job("unreleased_feedback_job"),
        expect=_hidden(),
        scope="reports:read",
    ),
    ApiRow(
        "api:report-job-download",
        state="queued",
        kwargs=_job("queued_job"),
        expect=api_expect(404),
        scope="reports:read",
    ),
    ApiRow(
        "api:report-job-download",
        state="failed",
        kwargs=_job("failed_job"),
        expect=api_expect(404),
        scope="reports:read",
    ),
    # --- data exports ---------------------------------------------------------------------
    _export("scores", "csv"),
    _export("submissions", "xlsx"),
    _export("reviewers", "json"),
    _export("attendees", "csv"),
    _export("secrets", "csv", expect=staff_only(404)),
    _export("scores", "pdf", expect=staff_only(400)),
    ApiRow(
        "api:workshop-export",
        state="draft workshop",
        kwargs=lambda w: {**_draft_workshop(w), "name": "submissions"},
        expect=staff_only(others=404),
        scope="reports:read",
    ),
]
