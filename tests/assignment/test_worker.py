"""A run queued from the staff page goes through the real broker to a real worker process,
which solves it: the page's status then says done, and the proposal is there."""

import time

import pytest
from django.urls import reverse

from assignment.models import AssignmentRun
from portal.models import AuditEvent
from reviews.models import Assignment
from tests.assignment.helpers import OPTIMUM, hand_form, names, run_url

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
