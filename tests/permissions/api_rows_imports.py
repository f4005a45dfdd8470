"""Imports through the API: AI Office staff only. Under a workshop others may see, the
upload answers 403; a run answers 404 to everyone but staff."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permissions.api_matrix import STAFF, ApiRow, api_expect, each, staff_only


def _run(w):
    return {"run_code": w.import_run.code}


def _hidden(outcome):
    return api_expect(404, **each(STAFF, outcome))


def _upload(w):
    note = {"id": "n1", "forum": "n1", "invitations": ["V/-/Submission"], "content": {}}
    return {
        "source": "openreview",
        "data_file": SimpleUploadedFile("notes.json", json.dumps([note]).encode()),
        "options": json.dumps({"organisation": w.organisation.code, "without_pdf": True}),
    }


ROWS = [
    ApiRow(
        "api:import-create",
        method="POST",
        kwargs=lambda w: {"workshop_code": w.workshop.code},
        files=_upload,
        expect=staff_only(200),
        scope="imports:write",
    ),
    ApiRow(
        "api:import-create",
        state="draft workshop",
        method="POST",
        kwargs=lambda w: {"workshop_code": w.draft_workshop.code},
        files=_upload,
        expect=_hidden(200),
        scope="imports:write",
    ),
    ApiRow("api:import-detail", kwargs=_run, expect=_hidden(200), scope="imports:read"),
    ApiRow(
        "api:import-apply", method="POST", kwargs=_run, expect=_hidden(200), scope="imports:write"
    ),
    ApiRow(
        "api:import-discard",
        method="POST",
        kwargs=_run,
        expect=_hidden(200),
        scope="imports:write",
    ),
]
