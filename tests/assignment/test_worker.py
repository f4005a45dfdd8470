"""A run queued from the staff page goes through the real broker to a real worker process,
which solves it: the page's status then says done, and the proposal is there."""

import time

import pytest
from django.urls import reverse

from assignment.interchange import instance_rows
from assignment.matching.options import RunSettings
from assignment.models import AssignmentRun, InstanceExport
from portal import settings as portal_settings
from portal.csv import csv_safe
from portal.models import AuditEvent
from reviews.models import Assignment
from tests.assignment.helpers import OPTIMUM, hand_form, names, run_url
from tests.helpers import close_response

pytestmark = [pytest.mark.worker, pytest.mark.slow]

WAIT_SECONDS = 120


def test_run_queued_from_the_page_is_solved_by_the_worker(
    transactional_db, celery_worker_process, client, staff, hand
):
    client.force_login(staff)

    response = client.post(reverse("assignment:runs", args=[hand.workshop.code]), hand_form())

    run = AssignmentRun.objects.get()
    assert response.url == run_url(run)
    status_url = run_url(run, "run_status")
    deadline = time.monotonic() + WAIT_SECONDS
    status = client.get(status_url).json()
    while not status["finished"] and time.monotonic() < deadline:
        time.sleep(0.25)
        status = client.get(status_url).json()
    if status["state"] != "done":
        pytest.fail(
            f"The run ended {status['state']!r} ({status['error']}). Worker log:\n"
            f"{celery_worker_process.log()[-4000:]}"
        )
    run.refresh_from_db()
    assert (run.state, run.progress) == ("done", 100)
    assert names(hand, run.pairs.all()) == OPTIMUM
    assert Assignment.objects.count() == 0
    # The worker's event names the task, under the id of the request that queued it.
    started = AuditEvent.objects.get(action="assignment_run.started")
    finished = AuditEvent.objects.get(action="assignment_run.finished")
    assert (started.actor, started.request_id) == (staff, response["X-Request-ID"])
    assert (finished.actor_id, finished.actor_system) == (
        None,
        "task:assignment.tasks.task_run_assignment",
    )
    assert finished.request_id == response["X-Request-ID"]
    assert finished.details["requested_by"] == staff.pk


def test_matcher_files_asked_from_the_page_are_built_by_the_worker(
    transactional_db, celery_worker_process, client, staff, hand, settings
):
    # The worker stores the file under the portal's own media folder: read it there.
    settings.MEDIA_ROOT = portal_settings.MEDIA_ROOT
    client.force_login(staff)

    response = client.post(
        reverse("assignment:export", args=[hand.workshop.code, "max_loads"]),
        {"reviewer_key": "email"},
    )

    export = InstanceExport.objects.get()
    assert response.url == reverse(
        "assignment:export_status", args=[hand.workshop.code, export.code]
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while export.is_active and time.monotonic() < deadline:
        time.sleep(0.25)
        export.refresh_from_db()
    if export.state != "done":
        pytest.fail(
            f"The export ended {export.state!r} ({export.error}). Worker log:\n"
            f"{celery_worker_process.log()[-4000:]}"
        )
    download = reverse("assignment:export_download", args=[hand.workshop.code, export.code])
    assert download in client.get(response.url).content.decode()
    got = client.get(download)
    body = b"".join(got.streaming_content).decode()
    close_response(got)
    assert got["Content-Disposition"] == (
        f'attachment; filename="{hand.workshop.code}-max_loads.csv"'
    )
    # The file the page streamed before: the instance's rows, written as CSV.
    expected = instance_rows(
        workshop=hand.workshop, settings=RunSettings(), files=("max_loads",), cell=csv_safe
    )["max_loads"]
    assert body.splitlines() == [f"{name},{load}" for name, load in expected]
    assert len(body.splitlines()) == len(hand.revs)
    export.file.delete(save=False)
