"""openreview-matcher files through the staff pages: exports (formula-safe) and the import
of an assignments.json as a new run."""

import csv
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assignment.models import AssignmentRun, InstanceExport
from reviews.models import Assignment
from tests.assignment.helpers import OPTIMUM, done_run, names, run_assignments_json, run_url
from tests.audit_support import audit_event_queries
from tests.factories import ReviewerTieFactory
from tests.helpers import close_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def export_url(workshop, kind):
    return reverse("assignment:export", args=[workshop.code, kind])


@pytest.fixture
def fetch(staff_client, django_capture_on_commit_callbacks):
    """Ask for an export (POST), let the worker build it (eagerly, once the request
    commits), then download it from its status page's link."""

    def fetch(workshop, kind, **params):
        with django_capture_on_commit_callbacks(execute=True):
            asked = staff_client.post(export_url(workshop, kind), params)
        assert asked.status_code == 302
        export = InstanceExport.objects.get(code=asked.url.rstrip("/").rsplit("/", 1)[-1])
        assert export.state == InstanceExport.State.DONE, export.error
        status = staff_client.get(asked.url)
        download = reverse("assignment:export_download", args=[workshop.code, export.code])
        assert download in status.content.decode()
        return staff_client.get(download)

    return fetch


def body(response) -> bytes:
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    close_response(response)
    return content


def rows(response):
    return list(csv.reader(io.StringIO(body(response).decode())))


def test_export_of_a_run_uses_its_settings(fetch, staff, hand):
    s1 = hand.subs["S1"]
    ReviewerTieFactory(user=hand.revs["B"], organisation=s1.organisation)
    run = done_run(hand, staff, max_load=7)

    scores = fetch(hand.workshop, "scores", run=run.code)
    constraints = fetch(hand.workshop, "constraints", run=run.code)
    loads = fetch(hand.workshop, "max_loads", run=run.code)

    assert scores["Content-Type"] == "text/csv; charset=utf-8"
    assert scores["Content-Disposition"] == (
        f'attachment; filename="{hand.workshop.code}-scores.csv"'
    )
    assert [s1.code, "a@example.org", "1.000"] in rows(scores)
    assert rows(constraints) == [[s1.code, "b@example.org", "-1"]]
    assert rows(loads) == [[f"{n}@example.org", "7"] for n in "abcd"]


def test_export_with_defaults_and_application_codes(fetch, hand):
    response = fetch(hand.workshop, "max_loads", reviewer_key="code")

    codes = set(hand.workshop.reviewer_applications.values_list("code", flat=True))
    got = rows(response)
    assert {row[0] for row in got} == codes
    assert sorted(row[1] for row in got) == ["1", "2", "2", "2"]


def test_export_cells_are_formula_safe_but_numbers_stay_numbers(fetch, hand):
    from assignment.services.bids import bid_set

    hand.reviewer("=cmd|calc", expertise={"cbrn": 1})
    bid_set(reviewer=hand.revs["=cmd|calc"], submission=hand.subs["S2"], value="not_willing")

    scores = rows(fetch(hand.workshop, "scores"))
    loads = rows(fetch(hand.workshop, "max_loads"))

    assert ["'=cmd|calc@example.org", "5"] in loads
    mine = [row for row in scores if row[1] == "'=cmd|calc@example.org"]
    assert [hand.subs["S2"].code, "'=cmd|calc@example.org", "-2.000"] in mine
    assert not any(row[1].startswith("=") for row in scores)


def test_export_all_three_as_zip(fetch, hand):
    response = fetch(hand.workshop, "all")

    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert sorted(archive.namelist()) == ["constraints.csv", "max_loads.csv", "scores.csv"]
    assert response["Content-Type"] == "application/zip"


def test_unknown_export_kind_or_run_is_404(staff_client, hand):
    assert staff_client.post(export_url(hand.workshop, "secrets")).status_code == 404
    response = staff_client.post(export_url(hand.workshop, "scores"), {"run": "nope"})
    assert response.status_code == 404
    assert not InstanceExport.objects.exists()


def test_an_export_is_a_job_not_a_page(staff_client, hand):
    """Asking computes nothing: the row is queued for the worker (no broker here, so it
    stays queued), and its page says so without a download."""
    asked = staff_client.post(export_url(hand.workshop, "scores"))

    export = InstanceExport.objects.get()
    assert export.state == InstanceExport.State.QUEUED
    assert not export.file
    page = staff_client.get(asked.url)
    assert "export_download" not in page.content.decode()
    download = reverse("assignment:export_download", args=[hand.workshop.code, export.code])
    assert download not in page.content.decode()
    assert staff_client.get(download).status_code == 404


def upload(data, name="assignments.json"):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, raw, content_type="application/json")


def import_url(workshop):
    return reverse("assignment:import", args=[workshop.code])


def test_import_round_trip_becomes_a_run_to_preview(staff_client, staff, hand):
    solved = done_run(hand, staff)
    matcher_output = run_assignments_json(run=solved)

    page = staff_client.get(run_url(solved))
    response = staff_client.post(
        import_url(hand.workshop),
        {
            "file": upload(matcher_output),
            "reviewer_key": "email",
            "k": page.context["import_form"]["k"].value(),
            "existing": page.context["import_form"]["existing"].value(),
            "run": solved.code,
        },
    )

    imported = AssignmentRun.objects.exclude(pk=solved.pk).get()
    assert response.url == run_url(imported)
    assert imported.state == "done"
    assert names(hand, imported.pairs.all()) == OPTIMUM
    assert set(imported.pairs.values_list("origin", flat=True)) == {"imported"}
    preview = staff_client.get(run_url(imported))
    assert preview.context["summary"].solver == "Imported from openreview-matcher"
    # Scored with the exported run's weights: the same objective as the run.
    assert preview.context["summary"].objective == 4.0
    assert imported.settings["weights"] == solved.settings["weights"]
    assert preview.context["diff"].counts == {"added": 6, "removed": 0, "kept": 0}
    assert Assignment.objects.count() == 0


def test_import_with_guarded_ids_from_our_csv(staff_client, staff, hand):
    odd = hand.reviewer("-odd", expertise={"cbrn": 3})
    data = {hand.subs["S1"].code: [{"user": "'-odd@example.org", "aggregate_score": 1}]}

    staff_client.post(
        import_url(hand.workshop),
        {"file": upload(data), "reviewer_key": "email", "k": 2, "existing": "keep"},
    )

    run = AssignmentRun.objects.get()
    assert [(p.submission, p.reviewer) for p in run.pairs.all()] == [(hand.subs["S1"], odd)]


def test_import_errors_are_listed_and_nothing_is_stored(staff_client, hand):
    s1 = hand.subs["S1"]
    ReviewerTieFactory(user=hand.revs["B"], organisation=s1.organisation)
    data = {
        s1.code: [{"user": "b@example.org"}, {"user": "ghost@example.org"}],
        "nopaper": [{"user": "a@example.org"}],
    }

    response = staff_client.post(
        import_url(hand.workshop),
        {"file": upload(data), "reviewer_key": "email", "k": 2, "existing": "keep"},
    )

    assert response.status_code == 400
    assert response.context["import_errors"] == [
        "Unknown reviewer “ghost@example.org”: not an approved reviewer of this call.",
        "Unknown paper “nopaper”: not an eligible submission of this call.",
        f"b@example.org may not review “{s1.code}”: conflict of interest, a declined "
        "assignment, or an “AI Office only” submission they are not cleared for.",
    ]
    assert "Nothing was imported:" in response.content.decode()
    assert AssignmentRun.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "The file is not valid JSON."),
        (b"[1, 2]", "Expected an object mapping each paper to a list of reviewers."),
    ],
)
def test_import_of_a_broken_file(staff_client, hand, raw, message):
    response = staff_client.post(
        import_url(hand.workshop),
        {"file": upload(raw), "reviewer_key": "email", "k": 2, "existing": "keep"},
    )

    assert response.status_code == 400
    assert response.context["import_errors"] == [message]
    assert AssignmentRun.objects.count() == 0


def test_import_of_a_non_utf8_file(staff_client, hand):
    response = staff_client.post(
        import_url(hand.workshop),
        {"file": upload(b"\xff\xfe\x00"), "reviewer_key": "email", "k": 2, "existing": "keep"},
    )

    assert response.status_code == 400
    assert response.context["import_form"].errors["file"] == ["The file is not UTF-8 text."]


def test_import_without_a_run_scores_with_the_default_weights(staff_client, staff, hand):
    matcher_output = run_assignments_json(run=done_run(hand, staff))

    staff_client.post(
        import_url(hand.workshop),
        {"file": upload(matcher_output), "reviewer_key": "email", "k": 2, "existing": "keep"},
    )

    imported = AssignmentRun.objects.get(settings__imported=True)
    assert imported.settings["weights"]["level_1"] == 0.4


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("kind", ["scores", "constraints", "max_loads", "all"])
def test_export_queries_constant_and_none_while_downloading(
    staff_client,
    workshop,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    size,
    kind,
):
    """Asking for an export is a fixed number of queries, and so is building it (the
    instance is loaded in a fixed number whatever its size); the download reads the row."""
    from tests.assignment.helpers import Instance  # noqa: PLC0415 -- test-local

    instance = Instance(workshop)
    for index in range(size):
        instance.submission(f"S{index}", areas=["cbrn"], org="Shared lab")
        # R0 works at the submitting lab: a conflict with every submission.
        orgs = ["Shared lab"] if index == 0 else []
        instance.reviewer(f"R{index}", expertise={"cbrn": 1 + index % 3}, orgs=orgs)

    # asking (ASK_QUERIES) and its audit event
    with (
        django_assert_num_queries(ASK_QUERIES + audit_event_queries()),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        asked = staff_client.post(export_url(workshop, kind))
    # the worker (BUILD_QUERIES) and its audit event
    with django_assert_num_queries(BUILD_QUERIES + audit_event_queries()):
        for callback in callbacks:
            callback()
    export = InstanceExport.objects.get()
    download = reverse("assignment:export_download", args=[workshop.code, export.code])
    response = staff_client.get(download)
    if kind == "all":
        archive = zipfile.ZipFile(io.BytesIO(body(response)))
        got = {
            name: list(csv.reader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
        }
    else:
        got = {EXPORT_FILES[kind]: rows(response)}
    assert asked.status_code == 302

    if kind in ("all", "max_loads"):
        assert sorted(got["max_loads.csv"]) == sorted(
            [f"r{index}@example.org", "5"] for index in range(size)
        )
    if kind in ("all", "constraints"):
        assert sorted(got["constraints.csv"]) == sorted(
            [sub.code, "r0@example.org", "-1"] for sub in instance.subs.values()
        )
    if kind in ("all", "scores"):
        # Every other reviewer shares the submissions' risk area: each has candidates.
        assert {row[1] for row in got["scores.csv"]} == {
            f"r{index}@example.org" for index in range(1, size)
        }


EXPORT_FILES = {
    "scores": "scores.csv",
    "constraints": "constraints.csv",
    "max_loads": "max_loads.csv",
}
# request (4), workshop, the run check, the active export of the same files, the new export
# (with its savepoint); then the
# audit event (audit_event_queries).
ASK_QUERIES = 9
# The worker: the claim; the instance (the vocabularies, submissions and their areas and
# methods, reviewers with their documents and expertise, memberships, bids, conflicts,
# assignments); the final write and the older exports of the same files it replaces; then
# the audit event (audit_event_queries).
BUILD_QUERIES = 24


def test_the_same_files_built_again_replace_the_older_ones(fetch, hand):
    close_response(fetch(hand.workshop, "max_loads"))
    first = InstanceExport.objects.get()
    old_name = first.file.name
    storage = first.file.storage

    close_response(fetch(hand.workshop, "max_loads"))
    close_response(fetch(hand.workshop, "scores"))

    kept = InstanceExport.objects.order_by("pk")
    assert [export.kind for export in kept] == ["max_loads", "scores"]
    assert kept[0].pk != first.pk
    assert not storage.exists(old_name)
