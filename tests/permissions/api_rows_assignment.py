"""The API's assignments and automatic assignment runs (api/views/assignments.py).

As the browser: the list is everyone's (staff see every assignment, anyone else their own
"My reviews" rows, often none); bulk changes and runs are staff's (403 to everyone else
who sees the workshop, 404 under a draft one). A run is addressed by its code alone, so
whoever may not manage runs gets 403 for any run code, real or not (the browser's 404
for a run under a draft workshop comes from the workshop in its path, which the API's
address lacks). Publishing a proposal that is no longer open answers staff 409 with the
reason (the browser: 403 from the same permission), a proposal that can no longer be
applied 400 with every reason (the browser: the same reasons on the run's page)."""

from tests.permissions.api_matrix import STAFF, ApiRow, api_expect, each, staff_only


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _draft_workshop(w):
    return {"workshop_code": w.draft_workshop.code}


def _run(name):
    return lambda w: {"run_code": getattr(w, name).code}


def _bulk(reviewer_application, *, dry_run=False):
    def body(w):
        return {
            "dry_run": dry_run,
            "assignments": [
                {
                    "submission": w.submission.code,
                    "reviewer": getattr(w, reviewer_application).code,
                }
            ],
        }

    return body


ROWS = [
    # --- the list -------------------------------------------------------------------------
    ApiRow("api:assignment-list", expect=api_expect(200), scope="assignments:read"),
    ApiRow(
        "api:assignment-list",
        state="filtered",
        query="state=accepted&page_size=10",
        expect=api_expect(200),
        scope="assignments:read",
    ),
    ApiRow(
        "api:assignment-list",
        state="refused filter",
        query="state=nonsense",
        expect=api_expect(400),
        scope="assignments:read",
    ),
    # --- bulk -----------------------------------------------------------------------------
    ApiRow(
        "api:assignment-bulk",
        method="POST",
        kwargs=_workshop,
        body=_bulk("unassigned_application"),
        expect=staff_only(200),
        scope="assignments:write",
    ),
    ApiRow(
        "api:assignment-bulk",
        method="POST",
        state="CSV, dry run",
        kwargs=_workshop,
        query="dry_run=true",
        content_type="text/csv",
        body=lambda w: (
            f"submission,reviewer,action\n{w.submission.code},{w.unassigned_application.code},"
            "assign\n"
        ),
        expect=staff_only(200),
        scope="assignments:write",
    ),
    # The conflicted reviewer is refused: nothing is applied.
    ApiRow(
        "api:assignment-bulk",
        method="POST",
        state="refused row",
        kwargs=_workshop,
        body=_bulk("conflicted_application"),
        expect=staff_only(400),
        scope="assignments:write",
    ),
    ApiRow(
        "api:assignment-bulk",
        method="POST",
        state="draft workshop",
        kwargs=_draft_workshop,
        body=_bulk("unassigned_application", dry_run=True),
        expect=staff_only(200, others=404),
        scope="assignments:write",
    ),
    # --- runs -----------------------------------------------------------------------------
    ApiRow(
        "api:assignment-run-list",
        kwargs=_workshop,
        expect=staff_only(),
        scope="assignments:read",
    ),
    ApiRow(
        "api:assignment-run-list",
        state="draft workshop",
        kwargs=_draft_workshop,
        expect=staff_only(others=404),
        scope="assignments:read",
    ),
    ApiRow(
        "api:assignment-run-list",
        method="POST",
        kwargs=_workshop,
        body=lambda w: {"k": 2, "existing": "keep", "weights": {"text": 0.5}},
        expect=staff_only(202),
        scope="assignments:write",
    ),
    ApiRow(
        "api:assignment-run-list",
        method="POST",
        state="refused settings",
        kwargs=_workshop,
        body=lambda w: {"min_load": 5, "max_load": 2},
        expect=staff_only(400),
        scope="assignments:write",
    ),
    ApiRow(
        "api:assignment-run-list",
        method="POST",
        state="draft workshop",
        kwargs=_draft_workshop,
        body=lambda w: {},
        expect=staff_only(202, others=404),
        scope="assignments:write",
    ),
    ApiRow(
        "api:assignment-run-detail",
        kwargs=_run("run"),
        expect=staff_only(),
        scope="assignments:read",
    ),
    ApiRow(
        "api:assignment-run-detail",
        state="published",
        kwargs=_run("published_run"),
        expect=staff_only(),
        scope="assignments:read",
    ),
    ApiRow(
        "api:assignment-run-detail",
        state="run of a draft workshop",
        kwargs=_run("draft_run"),
        expect=staff_only(),
        scope="assignments:read",
    ),
    ApiRow(
        "api:assignment-run-detail",
        state="unknown run code",
        kwargs=lambda w: {"run_code": "nosuchrun123"},
        expect=staff_only(404),
        scope="assignments:read",
    ),
    # Refused: publishing would drop an assignment whose review was started.
    ApiRow(
        "api:assignment-run-publish",
        method="POST",
        kwargs=_run("run"),
        expect=staff_only(400),
        scope="assignments:write",
    ),
    ApiRow(
        "api:assignment-run-publish",
        method="POST",
        state="published",
        kwargs=_run("published_run"),
        expect=staff_only(409),
        scope="assignments:write",
    ),
    ApiRow(
        "api:assignment-run-publish",
        method="POST",
        state="unknown run code",
        kwargs=lambda w: {"run_code": "nosuchrun123"},
        expect=api_expect(403, **each(STAFF, 404)),
        scope="assignments:write",
    ),
]
