"""Imports: the staff's pages under a workshop (runs and upload) and a run's pages by its
code (preview, choices, apply, discard, restart, status).

The workshop's imports page answers 403 to everyone else who may see the workshop, 404
under a draft one. A run is staff's alone: everyone else gets 404 for its pages, so the
answer never says whether a run exists."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permissions.matrix import REDIRECT, STAFF, Row, each, signed_in, staff_only


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _draft_workshop(w):
    return {"workshop_code": w.draft_workshop.code}


def _run(w):
    return {"run_code": w.import_run.code}


def _hidden(staff_outcome):
    return signed_in(404, **each(STAFF, staff_outcome))


def _upload(w):
    note = {"id": "n1", "forum": "n1", "invitations": ["V/-/Submission"], "content": {}}
    return {
        "source": "openreview",
        "data_file": SimpleUploadedFile("notes.json", json.dumps([note]).encode()),
    }


def _eusurvey_run(w):
    return {"run_code": w.eusurvey_run.code}


ROWS = [
    Row(
        "imports:index",
        kwargs=_workshop,
        get=staff_only(200),
        post=staff_only(REDIRECT),
        files=_upload,
    ),
    Row(
        "imports:index",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=_hidden(200),
        post=_hidden(REDIRECT),
        files=_upload,
    ),
    Row("imports:detail", kwargs=_run, get=_hidden(200)),
    Row("imports:status", kwargs=_run, get=_hidden(200)),
    Row(
        "imports:options",
        kwargs=_run,
        get=_hidden(405),
        post=_hidden(REDIRECT),
        data=lambda w: {"organisation": w.organisation.code},
    ),
    Row("imports:apply", kwargs=_run, get=_hidden(405), post=_hidden(REDIRECT)),
    Row("imports:discard", kwargs=_run, get=_hidden(405), post=_hidden(REDIRECT)),
    # Staff are told why a run still in progress is not started again: a redirect.
    Row("imports:restart", kwargs=_run, get=_hidden(405), post=_hidden(REDIRECT)),
    Row(
        "imports:survey_mapping",
        kwargs=_eusurvey_run,
        get=staff_only(others=404),
        post=staff_only(REDIRECT, others=404),
        data=lambda w: {"alias": "", "column_0": "title"},
    ),
]
