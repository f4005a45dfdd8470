"""Automatic assignment: the reviewers' bidding page, and the staff's runs, preview, hand
edits, publishing and openreview-matcher files.

The bidding page exists only for the workshop's approved reviewers: everyone else, staff
included, gets 404. Staff pages answer 403 to everyone else who sees the workshop (a run
code included, real or not, so the answer never says whether a run exists), 404 under a
workshop only staff see; staff get 404 for a run code of another workshop, and 403 for
changing a proposal that is no longer open (published)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from assignment.matching.weights import AffinityWeights
from reviews.models import Assignment
from tests.permissions.matrix import REDIRECT, REVIEWERS, Row, each, signed_in, staff_only


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _draft_workshop(w):
    return {"workshop_code": w.draft_workshop.code}


def _run(w):
    return {"workshop_code": w.workshop.code, "run_code": w.run.code}


def _published(w):
    return {"workshop_code": w.workshop.code, "run_code": w.published_run.code}


def _other_workshops_run(w):
    return {"workshop_code": w.workshop.code, "run_code": w.draft_run.code}


def _draft_run(w):
    return {"workshop_code": w.draft_workshop.code, "run_code": w.draft_run.code}


def _settings_form(w):
    weights = {f"w_{name}": value for name, value in AffinityWeights().to_json().items()}
    return {"k": "3", "min_load": "0", "max_load": "", "existing": "keep", **weights}


def _import_form(w):
    return {"reviewer_key": "email", "k": "3", "existing": "keep"}


def _matcher_file(assignments):
    return SimpleUploadedFile(
        "assignments.json", json.dumps(assignments).encode(), content_type="application/json"
    )


def _assignments(w):
    # Every assignment the import keeps (existing="keep" refuses a file that leaves one
    # out; the uncleared reviewer's "AI Office only" pair is one it may not keep), and one
    # more reviewer on the owned submission.
    papers: dict[str, list[dict]] = {}
    for submission_code, email in (
        Assignment.objects.filter(workshop=w.workshop)
        .exclude(state=Assignment.State.DECLINED)
        .exclude(reviewer=w.reviewer_uncleared)
        .values_list("submission__code", "reviewer__email")
    ):
        papers.setdefault(submission_code, []).append({"user": email, "aggregate_score": 0.9})
    papers[w.submission.code].append({"user": w.reviewer_unassigned.email, "aggregate_score": 0.5})
    return {"file": _matcher_file(papers)}


def _unknown_paper(w):
    return {"file": _matcher_file({"NOSUCHPAPER": [{"user": w.reviewer.email}]})}


def _pair(reviewer_attribute):
    def data(w):
        return {"submission": w.submission.code, "reviewer": getattr(w, reviewer_attribute).email}

    return data


def _export(kind, **row):
    # Asking for files queues a job (POST); its status page and download are GETs.
    return Row(
        "assignment:export",
        kwargs=lambda w: {**_workshop(w), "kind": kind},
        **{"get": staff_only(405), "post": staff_only(REDIRECT), **row},
    )


def _instance_export(attribute):
    def kwargs(w):
        return {**_workshop(w), "export_code": getattr(w, attribute).code}

    return kwargs


ROWS = [
    # --- reviewers' bids ------------------------------------------------------------------
    Row(
        "assignment:bid_list",
        kwargs=_workshop,
        get=signed_in(404, **each(REVIEWERS, 200)),
        # A refused bid (the conflicted reviewer's) is said on the page it redirects to.
        post=signed_in(404, **each(REVIEWERS, REDIRECT)),
        data=lambda w: {f"bid-{w.submission.code}": "willing"},
    ),
    Row(
        "assignment:bid_list",
        state="draft workshop, approved reviewer",
        kwargs=lambda w: {"workshop_code": w.redrafted_workshop.code},
        get=signed_in(404),
        post=signed_in(404),
        data=lambda w: {f"bid-{w.submission.code}": "willing"},
    ),
    # --- staff: settings and runs ---------------------------------------------------------
    Row(
        "assignment:runs",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=_settings_form,
    ),
    Row(
        "assignment:runs",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=staff_only(others=404),
        post=staff_only(REDIRECT, others=404),
        data=_settings_form,
    ),
    Row("assignment:run", kwargs=_run, get=staff_only()),
    Row("assignment:run", state="published", kwargs=_published, get=staff_only()),
    Row(
        "assignment:run",
        state="run of another workshop",
        kwargs=_other_workshops_run,
        get=staff_only(404),
    ),
    Row(
        "assignment:run",
        state="draft workshop",
        kwargs=_draft_run,
        get=staff_only(others=404),
    ),
    Row(
        "assignment:run",
        state="unknown run code",
        kwargs=lambda w: {**_workshop(w), "run_code": "nosuchrun123"},
        get=staff_only(404),
    ),
    Row("assignment:run_status", kwargs=_run, get=staff_only()),
    Row(
        "assignment:run_status",
        state="run of another workshop",
        kwargs=_other_workshops_run,
        get=staff_only(404),
    ),
    Row(
        "assignment:run_again",
        kwargs=_run,
        get=staff_only(405),
        post=staff_only(REDIRECT),
    ),
    Row(
        "assignment:run_again",
        state="draft workshop",
        kwargs=_draft_run,
        get=staff_only(405, others=404),
        post=staff_only(REDIRECT, others=404),
    ),
    # --- staff: the proposal --------------------------------------------------------------
    Row(
        "assignment:pair_add",
        kwargs=_run,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=_pair("reviewer"),
    ),
    Row(
        "assignment:pair_add",
        state="published",
        kwargs=_published,
        get=staff_only(403),
        post=staff_only(403),
        data=_pair("reviewer"),
    ),
    Row(
        "assignment:pair_remove",
        kwargs=_run,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=_pair("reviewer_unassigned"),
    ),
    Row(
        "assignment:pair_remove",
        state="published",
        kwargs=_published,
        get=staff_only(403),
        post=staff_only(403),
        data=_pair("reviewer_unassigned"),
    ),
    # Publishing the world's run is refused (it would drop an assignment whose review was
    # started): said on the run's page it redirects to.
    Row(
        "assignment:run_publish",
        kwargs=_run,
        get=staff_only(),
        post=staff_only(REDIRECT),
        data=lambda w: {"confirm": "on"},
    ),
    Row(
        "assignment:run_publish",
        state="published",
        kwargs=_published,
        get=staff_only(403),
        post=staff_only(403),
        data=lambda w: {"confirm": "on"},
    ),
    Row(
        "assignment:run_publish",
        state="run of another workshop",
        kwargs=_other_workshops_run,
        get=staff_only(404),
        post=staff_only(404),
        data=lambda w: {"confirm": "on"},
    ),
    # --- staff: openreview-matcher files --------------------------------------------------
    _export("scores"),
    _export("constraints", state="constraints"),
    _export("max_loads", state="max_loads"),
    _export("all", state="all (ZIP)"),
    # A kind the portal does not write: 404 for staff, 403 still for everyone else.
    _export("secrets", state="unknown kind", post=staff_only(404)),
    _export(
        "scores",
        state="unknown run",
        get=None,
        post=staff_only(404),
        data=lambda w: {"run": "nosuchrun123"},
    ),
    _export(
        "scores",
        state="refused filter",
        get=None,
        post=staff_only(400),
        data=lambda w: {"reviewer_key": "name"},
    ),
    Row(
        "assignment:export",
        state="draft workshop",
        kwargs=lambda w: {**_draft_workshop(w), "kind": "scores"},
        get=staff_only(405, others=404),
        post=staff_only(REDIRECT, others=404),
    ),
    Row(
        "assignment:export_status",
        kwargs=_instance_export("instance_export"),
        get=staff_only(),
        post=staff_only(405),
    ),
    Row(
        "assignment:export_status",
        state="queued",
        kwargs=_instance_export("queued_instance_export"),
        get=staff_only(),
    ),
    Row(
        "assignment:export_status",
        state="unknown export",
        kwargs=lambda w: {**_workshop(w), "export_code": "nosuchexport"},
        get=staff_only(404),
    ),
    Row(
        "assignment:export_download",
        kwargs=_instance_export("instance_export"),
        get=staff_only(),
        post=staff_only(405),
    ),
    Row(
        "assignment:export_download",
        state="not built yet",
        kwargs=_instance_export("queued_instance_export"),
        get=staff_only(404),
    ),
    Row(
        "assignment:import",
        kwargs=_workshop,
        get=staff_only(405),
        post=staff_only(REDIRECT),
        data=_import_form,
        files=_assignments,
    ),
    Row(
        "assignment:import",
        state="refused file",
        kwargs=_workshop,
        get=None,
        post=staff_only(400),
        data=_import_form,
        files=_unknown_paper,
    ),
    Row(
        "assignment:import",
        state="draft workshop",
        kwargs=_draft_workshop,
        get=staff_only(405, others=404),
        post=staff_only(400, others=404),
        data=_import_form,
        files=_unknown_paper,
    ),
]
