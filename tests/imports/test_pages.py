"""The staff pages: upload, preview table with refusals, options, apply, discard, status;
404 for everyone else; the list's queries do not grow with the number of runs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports import services
from imports.models import ImportRun
from submissions.models import Submission
from tests.factories import UserFactory
from tests.imports.conftest import notes_upload, pdfs_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _previewed(workshop, staff, options=None):
    run = services.import_run_create(
        workshop=workshop,
        source="openreview",
        data_file=notes_upload(),
        files_archive=pdfs_upload(),
        options=options,
        user=staff,
    )
    return services.import_run_preview(run=run)


def test_upload_previews_and_shows_refusals(staff_client, workshop):
    response = staff_client.post(
        reverse("imports:index", args=[workshop.code]),
        {"source": "openreview", "data_file": notes_upload(), "files_archive": pdfs_upload()},
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[run.code])
    page = staff_client.get(response["Location"]).content.decode()
    assert "Date unreadable: pdate/cdate must be milliseconds since 1970." in page
    assert "The note has no title." in page
    assert "No organisation chosen" in page
    assert "0 to create, 0 to update, 1 skipped, 10 refused." in page


def test_options_then_apply(staff_client, workshop, staff, target_organisation):
    run = _previewed(workshop, staff)
    response = staff_client.post(
        reverse("imports:options", args=[run.code]),
        {"organisation": target_organisation.code},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.counts["create"] == 3
    staff_client.post(reverse("imports:apply", args=[run.code]))
    run.refresh_from_db()
    assert run.state == ImportRun.State.APPLIED
    assert Submission.objects.count() == 2
    page = staff_client.get(reverse("imports:detail", args=[run.code])).content.decode()
    assert "Imported: 3 created, 0 updated, 1 skipped, 7 refused." in page


def test_discard_and_status(staff_client, workshop, staff):
    run = _previewed(workshop, staff)
    status = staff_client.get(reverse("imports:status", args=[run.code])).json()
    assert status["state"] == "done"
    assert status["import_state"] == "previewed"
    staff_client.post(reverse("imports:discard", args=[run.code]))
    run.refresh_from_db()
    assert run.state == ImportRun.State.DISCARDED


@pytest.mark.parametrize("name", ["detail", "status"])
def test_non_staff_get_404(client, workshop, staff, name):
    run = _previewed(workshop, staff)
    client.force_login(UserFactory())
    assert client.get(reverse(f"imports:{name}", args=[run.code])).status_code == 404


def test_workshop_page_links_to_imports(staff_client, workshop):
    page = staff_client.get(reverse("portal:workshop_detail", args=[workshop.code]))
    assert reverse("imports:index", args=[workshop.code]) in page.content.decode()


def _make_runs(workshop, staff, count):
    for index in range(count):
        ImportRun.objects.create(
            workshop=workshop,
            source="openreview",
            data_file=f"imports/x/{index}.json",
            data_file_name=f"{index}.json",
            state=ImportRun.State.PREVIEWED,
            preview={"rows": [], "counts": {"create": index, "update": 0, "skip": 0, "refuse": 1}},
            created_by=staff,
        )


def test_list_queries_do_not_grow(staff_client, workshop, staff):
    url = reverse("imports:index", args=[workshop.code])
    _make_runs(workshop, staff, 2)
    staff_client.get(url)  # warm the session and caches

    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).status_code == 200
    _make_runs(workshop, staff, 30)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(url)
    assert len(many) == len(few)
    assert response.content.decode().count("<tr>") == 33
