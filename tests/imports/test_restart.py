"""A preview or apply whose job was lost (the broker was down when it was queued, or the
worker died and the message went with it) is not left "in progress" for ever: after
IMPORT_JOB_STALLED_MINUTES without a sign of life staff are told and may start it again."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from imports import services
from imports.jobs import heartbeat_key
from imports.models import ImportRun
from imports.selectors import import_run_is_stalled
from portal.models import AuditEvent
from submissions.models import Submission

from .conftest import notes_upload, pdfs_upload

pytestmark = pytest.mark.django_db

State = ImportRun.State


@pytest.fixture
def lost_preview(
    workshop, staff, target_organisation, settings, django_capture_on_commit_callbacks
):
    """A large run whose preview job was never delivered."""
    settings.IMPORT_SYNC_MAX_BYTES = 10
    settings.IMPORT_JOB_STALLED_MINUTES = 10
    run = services.import_run_create(
        workshop=workshop,
        source="openreview",
        data_file=notes_upload(),
        files_archive=pdfs_upload(),
        options={"organisation": target_organisation.code},
        user=staff,
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.import_run_preview(run=run)
    assert len(queued) == 1  # the job, lost: never run
    run.refresh_from_db()
    assert run.state == State.PREVIEWING
    return run


def _age(run, minutes):
    """As if the run had been started `minutes` ago and nothing had happened since."""
    ImportRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes), heartbeat_at=None
    )
    cache.delete(heartbeat_key(run.code))
    run.refresh_from_db()


def test_a_run_in_progress_is_not_started_again(client, staff, lost_preview):
    client.force_login(staff)
    detail = client.get(reverse("imports:detail", args=[lost_preview.code]))
    assert "Start it again" not in detail.content.decode()
    response = client.post(reverse("imports:restart", args=[lost_preview.code]), follow=True)
    assert (
        "This import is still in progress. It can be started again once it has shown no "
        "progress for 10 minutes." in response.content.decode()
    )
    assert not AuditEvent.objects.filter(action="import.restarted").exists()


def test_a_recent_heartbeat_keeps_a_long_run_alive(lost_preview):
    _age(lost_preview, 60)
    assert import_run_is_stalled(lost_preview)
    cache.set(heartbeat_key(lost_preview.code), timezone.now() - timedelta(minutes=2))
    assert not import_run_is_stalled(lost_preview)


def test_a_lost_preview_and_a_lost_apply_are_started_again(
    client, staff, lost_preview, django_capture_on_commit_callbacks
):
    _age(lost_preview, 11)
    client.force_login(staff)
    detail_url = reverse("imports:detail", args=[lost_preview.code])
    html = client.get(detail_url).content.decode()
    assert "No job has worked on this import for more than 10 minutes" in html
    assert reverse("imports:restart", args=[lost_preview.code]) in html
    status = client.get(reverse("imports:status", args=[lost_preview.code])).json()
    assert status["stalled"] is True

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:restart", args=[lost_preview.code]))
    assert response.status_code == 302
    lost_preview.refresh_from_db()
    assert lost_preview.state == State.PREVIEWED
    assert lost_preview.counts["create"] == 3
    event = AuditEvent.objects.get(action="import.restarted")
    assert event.actor == staff and event.details["state"] == State.PREVIEWING

    # The apply's job is lost too; started again, it writes everything, once.
    with django_capture_on_commit_callbacks(execute=False):
        services.import_run_apply(run=lost_preview, user=staff)
    lost_preview.refresh_from_db()
    assert lost_preview.state == State.APPLYING
    assert Submission.objects.count() == 0
    _age(lost_preview, 11)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:restart", args=[lost_preview.code]))
    lost_preview.refresh_from_db()
    assert lost_preview.state == State.APPLIED
    assert Submission.objects.count() == 2  # as applied in one go (test_openreview)
    assert "No job has worked" not in client.get(detail_url).content.decode()


def test_a_finished_run_is_never_stalled(lost_preview):
    _age(lost_preview, 60)
    ImportRun.objects.filter(pk=lost_preview.pk).update(state=State.PREVIEWED)
    lost_preview.refresh_from_db()
    assert not import_run_is_stalled(lost_preview)
