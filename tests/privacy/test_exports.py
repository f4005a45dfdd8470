"""A person's data export: what the ZIP holds (every inventory field of theirs, their files,
nobody else's data), its life as a job (one at a time, a lost worker, retries, expiry) and
the audit events it leaves."""

import datetime as dt
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from portal import jobs
from portal.models import AuditEvent
from privacy import selectors
from privacy.exports import worker
from privacy.exports.retention import data_exports_purge
from privacy.inventory import CATEGORIES, SOURCES
from privacy.models import DataExport
from privacy.services.exports import data_export_download, data_export_request
from tests.helpers import close_response
from tests.privacy.conftest import CV, OTHER_REVIEW_TEXT

State = DataExport.State
QUERIES = 7


def _build(user, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=user)
    export.refresh_from_db()
    return export


def _archive(export) -> zipfile.ZipFile:
    with export.file.open("rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def _leaves(value) -> list:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _expected(obj, path):
    """The value data.json should hold for `path` of `obj`, worked out from the row."""
    *steps, name = path.split("__")
    for step in steps:
        obj = getattr(obj, step)
        if obj is None:
            return None
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return sorted(str(item) for item in getattr(obj, name).all())
    if field.is_relation:
        related = getattr(obj, name)
        return None if related is None else str(related)
    value = getattr(obj, field.attname)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices)[value])
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


@pytest.fixture
def built(seeded, django_capture_on_commit_callbacks):
    # The rows are read before the export exists, as the worker reads them: the export
    # being built is itself one of the person's rows.
    addresses = selectors.email_addresses_of(user=seeded.me)
    rows = {
        source.key: list(
            selectors.personal_data_rows(source=source, user=seeded.me, addresses=addresses)
        )
        for source in SOURCES
    }
    export = _build(seeded.me, django_capture_on_commit_callbacks)
    archive = _archive(export)
    return {
        "export": export,
        "archive": archive,
        "data": json.loads(archive.read("data.json")),
        "rows": rows,
        **vars(seeded),
    }


def test_the_export_is_built_with_a_readme_data_and_the_person_files(built):
    export = built["export"]
    assert (export.state, export.progress, export.attempts) == (State.DONE, 100, 1)
    assert export.file_size == export.file.size
    names = built["archive"].namelist()
    assert names[0] == "data.json" and "README.txt" in names
    readme = built["archive"].read("README.txt").decode()
    assert "data.json" in readme and "files/" in readme and "7 days" in readme


@pytest.mark.parametrize("source", SOURCES, ids=[source.key for source in SOURCES])
def test_every_inventory_field_of_the_person_is_in_data_json(built, source):
    """Each Source has rows for the seeded person, each field a value in one of them at
    least, and every value is in its section of data.json."""
    rows = built["rows"][source.key]
    assert rows, f"the seeded person has no {source.model} row for {source.key}"
    section = built["data"][str(CATEGORIES[source.category])][str(source.title)]
    # The export being built and its "requested" event are the person's rows too.
    assert len(section) == len(rows) + (source.key in ("data_exports", "audit_events"))
    present = [json.dumps(leaf) for leaf in _leaves(section)]
    specs = [(source.fields, rows)]
    for nested in source.nested:
        specs.append(
            (nested.fields, [item for row in rows for item in getattr(row, nested.relation).all()])
        )
    for fields, objects in specs:
        assert objects, f"{source.key}: no nested rows"
        for path in fields:
            values = [_expected(obj, path) for obj in objects]
            assert not all(_empty(value) for value in values), f"{source.key}.{path} is empty"
            for value in values:
                for leaf in _leaves(value):
                    assert json.dumps(leaf) in present, f"{source.key}.{path}: {leaf!r}"


def test_keys_are_readable_and_nested_rows_sit_in_their_row(built):
    reviews = built["data"]["Reviewing"]["Reviews you wrote"]
    assert len(reviews) == 1
    review = reviews[0]
    assert review["Summary"] == "Pia's summary of the evaluation."
    assert review["Submission code"] == built["rows"]["reviews"][0].assignment.submission.code
    scores = {score["Criterion"]: score for score in review["Scores"]}
    assert scores["REL-1 Systemic-risk relevance"]["Justification"].startswith("Pia's")
    assert scores["ELI-2 Mitigation robustness"]["Why not applicable"] == "No mitigations."
    assert review["Submitted versions"][0]["Data"] == {"summary": "Pia's first draft"}
    account = built["data"]["Account and sign-in"]["Your account"][0]
    assert account["Email address"] == "pia.person@example.org"
    assert account["Groups"] == ["AI Office staff"]
    workshop = built["data"]["Workshop attendance"]["Invitations to the workshop and your answers"]
    assert workshop[0]["Dietary requirements"] == "Vegetarian."


def test_the_files_are_the_person_own_uploads(built):
    archive = built["archive"]
    files = sorted(name for name in archive.namelist() if name.startswith("files/"))
    submission_file = f"files/submission_files/{built['my_file'].code}-pia report.pdf"
    cv_file = f"files/reviewer_applications/{built['application'].code}-pia-cv.pdf"
    assert files == [cv_file, submission_file]
    assert archive.read(submission_file) == built["my_file_content"]
    assert archive.read(cv_file) == CV
    uploads = built["data"]["Submissions"]["Files you uploaded"]
    assert [upload["File in this archive"] for upload in uploads] == [submission_file]


def test_no_data_of_another_person_is_in_the_export(built):
    other = built["other"]
    archive = built["archive"]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for text in (
        other.email,
        other.full_name,
        OTHER_REVIEW_TEXT,
        "Quentin's justification",
        "For Quentin only",
        "colleague@example.org",  # the invitee of an invitation Pia sent
        "gone@example.org",
    ):
        assert text.encode() not in everything, text
    assert b"%PDF-x" not in everything  # the colleague's file
    assert str(other.pk) not in [
        str(leaf) for leaf in _leaves(built["data"]["Activity log"]) if isinstance(leaf, int)
    ]


def test_the_audit_log_records_request_build_and_download(built, client):
    me, export = built["me"], built["export"]
    requested = AuditEvent.objects.get(action="data_export.requested")
    assert (requested.actor_id, requested.object_code) == (me.pk, export.code)
    built_event = AuditEvent.objects.get(action="data_export.built")
    # The worker's: "task:privacy.tasks.task_build_data_export" in a real worker, the
    # system in an eager test.
    assert built_event.actor_id is None and built_event.actor_system
    assert built_event.details == {"size": export.file_size, "files": 2, "missing": 0}
    client.force_login(me)

    response = client.get(reverse("privacy:data_export_download", args=[export.code]))

    assert response.status_code == 200
    with export.file.open("rb") as stored:
        content = stored.read()
    assert b"".join(response.streaming_content) == content
    close_response(response)
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    downloaded = AuditEvent.objects.get(action="data_export.downloaded")
    assert (downloaded.actor_id, downloaded.object_code) == (me.pk, export.code)
    assert "@" not in json.dumps([requested.details, built_event.details, downloaded.details])


def test_a_new_export_replaces_the_older_ones(built):
    assert not DataExport.objects.filter(pk=built["old_export"].pk).exists()
    assert list(DataExport.objects.filter(user=built["me"])) == [built["export"]]


def test_expiry_is_set_from_the_setting_and_expired_exports_are_refused_then_purged(
    evaluator, settings, client, django_capture_on_commit_callbacks
):
    settings.DATA_EXPORT_RETENTION_DAYS = 2
    export = _build(evaluator, django_capture_on_commit_callbacks)
    assert export.expires_at == export.finished_at + timedelta(days=2)
    path = Path(export.file.path)
    assert path.exists()
    client.force_login(evaluator)
    assert data_exports_purge(now=export.expires_at - timedelta(seconds=1)) == 0
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("privacy:data_export_download", args=[export.code]))
    status = client.get(reverse("privacy:data_export_status", args=[export.code])).json()

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:profile") + "#your-data"
    assert not AuditEvent.objects.filter(action="data_export.downloaded").exists()
    assert status["download_url"] == ""
    assert status["snapshot"].startswith("Expired")
    with django_capture_on_commit_callbacks(execute=True):
        assert data_exports_purge() == 1
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert not path.exists()


def test_the_download_service_refuses_someone_else(evaluator, other_evaluator):
    export = DataExport.objects.create(user=evaluator, state=State.DONE)
    with pytest.raises(Exception, match="not yours"):
        data_export_download(export=export, user=other_evaluator)


@pytest.mark.parametrize("persona", ["other_evaluator", "staff", "superuser"])
def test_nobody_else_sees_or_downloads_an_export(
    request, persona, evaluator, client, django_capture_on_commit_callbacks
):
    export = _build(evaluator, django_capture_on_commit_callbacks)
    client.force_login(request.getfixturevalue(persona))

    for name in ("privacy:data_export_download", "privacy:data_export_status"):
        assert client.get(reverse(name, args=[export.code])).status_code == 404


def test_a_second_click_returns_the_export_that_is_queued(
    evaluator, client, django_capture_on_commit_callbacks
):
    client.force_login(evaluator)
    with mock.patch("privacy.services.exports._enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(reverse("privacy:data_export_request"))
        with django_capture_on_commit_callbacks(execute=True):
            second = client.post(reverse("privacy:data_export_request"))

    assert first.status_code == second.status_code == 302
    assert DataExport.objects.filter(user=evaluator).count() == 1
    assert enqueue.call_count == 1
    assert AuditEvent.objects.filter(action="data_export.requested").count() == 1


def test_a_queued_export_whose_message_was_lost_is_sent_again(
    evaluator, django_capture_on_commit_callbacks
):
    with mock.patch("privacy.services.exports._enqueue"):
        export = data_export_request(user=evaluator)
    DataExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        again = data_export_request(user=evaluator)

    again.refresh_from_db()
    assert again.pk == export.pk
    assert again.state == State.DONE


def test_the_database_refuses_a_second_active_export(evaluator):
    from django.db import IntegrityError, transaction

    DataExport.objects.create(user=evaluator)
    with pytest.raises(IntegrityError), transaction.atomic():
        DataExport.objects.create(user=evaluator, state=State.RUNNING)


def _queued(user) -> DataExport:
    with mock.patch("privacy.services.exports._enqueue"):
        return data_export_request(user=user)


def test_a_lost_worker_export_is_taken_over_by_the_redelivered_message(evaluator):
    """The worker died mid-build (acks_late: its message comes back with the same id): the
    re-delivery takes the export over, builds it once, and the lost attempt can no longer
    write."""
    export = _queued(evaluator)
    lost = jobs.job_claim(
        model=DataExport, job_id=export.pk, delivery="task-1", gave_up=worker._gave_up
    )
    assert lost.attempts == 1
    # Another message (a duplicate) leaves the running export alone.
    assert worker.data_export_build(export_id=export.pk, delivery="task-2") is False

    assert worker.data_export_build(export_id=export.pk, delivery="task-1") is True

    export.refresh_from_db()
    assert (export.state, export.attempts, export.progress) == (State.DONE, 2, 100)
    with pytest.raises(jobs.JobSuperseded):
        worker.data_export_progress(export_id=export.pk, attempt=1, progress=50)
    assert AuditEvent.objects.filter(action="data_export.built").count() == 1


def test_a_stale_export_is_taken_over_by_another_delivery(evaluator):
    export = _queued(evaluator)
    jobs.job_claim(model=DataExport, job_id=export.pk, delivery="task-1", gave_up=worker._gave_up)
    DataExport.objects.filter(pk=export.pk).update(
        heartbeat_at=timezone.now() - jobs.STALE_AFTER - timedelta(seconds=1)
    )

    assert worker.data_export_build(export_id=export.pk, delivery="task-9") is True
    export.refresh_from_db()
    assert (export.state, export.attempts) == (State.DONE, 2)


def test_an_export_that_kills_its_worker_every_time_ends_failed(evaluator):
    export = _queued(evaluator)
    for _attempt in range(jobs.MAX_ATTEMPTS):
        assert jobs.job_claim(
            model=DataExport, job_id=export.pk, delivery="task-1", gave_up=worker._gave_up
        )

    assert worker.data_export_build(export_id=export.pk, delivery="task-1") is False
    export.refresh_from_db()
    assert export.state == State.FAILED
    assert export.error.startswith("Gave up after 3 attempts")


def test_a_transient_error_is_retried_and_the_export_completes(
    evaluator, django_capture_on_commit_callbacks
):
    from privacy.exports import archive

    original = archive.archive_build
    calls = []

    def disk_full_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return original(**kwargs)

    with mock.patch("privacy.exports.worker.archive_build", side_effect=disk_full_once):
        export = _build(evaluator, django_capture_on_commit_callbacks)

    assert (export.state, export.attempts, export.error) == (State.DONE, 2, "")


def test_a_bug_fails_the_export_with_its_reason_and_a_new_request_starts_again(
    evaluator, client, django_capture_on_commit_callbacks
):
    with mock.patch("privacy.exports.worker.archive_build", side_effect=ValueError("broken")):
        export = _build(evaluator, django_capture_on_commit_callbacks)
    assert (export.state, export.error) == (State.FAILED, "ValueError: broken")
    client.force_login(evaluator)
    page = client.get(reverse("portal:profile")).content.decode()
    assert "ValueError: broken" in page

    again = _build(evaluator, django_capture_on_commit_callbacks)
    assert again.pk != export.pk and again.state == State.DONE


def test_a_file_missing_from_storage_is_named_in_the_readme(
    seeded, django_capture_on_commit_callbacks
):
    seeded.my_file.file.storage.delete(seeded.my_file.file.name)

    export = _build(seeded.me, django_capture_on_commit_callbacks)

    archive = _archive(export)
    assert export.state == State.DONE
    assert f"{seeded.my_file.code}-pia report.pdf" in archive.read("README.txt").decode()
    assert AuditEvent.objects.get(action="data_export.built").details["missing"] == 1


def test_status_json_follows_the_export(evaluator, client, django_capture_on_commit_callbacks):
    export = _queued(evaluator)
    client.force_login(evaluator)
    url = reverse("privacy:data_export_status", args=[export.code])

    queued = client.get(url)
    assert queued["Cache-Control"] == "private, no-store"
    assert queued.json()["state"] == "queued" and queued.json()["download_url"] == ""
    worker.data_export_build(export_id=export.pk)
    done = client.get(url).json()
    assert done["state"] == "done" and done["progress"] == 100
    assert done["download_url"] == reverse("privacy:data_export_download", args=[export.code])
    assert done["snapshot"].startswith("Available until")


def test_the_profile_shows_the_your_data_section(
    evaluator, client, django_capture_on_commit_callbacks
):
    client.force_login(evaluator)
    page = client.get(reverse("portal:profile")).content.decode()
    assert 'id="your-data"' in page
    assert reverse("privacy:data_export_request") in page
    assert "data-job=" not in page

    export = _queued(evaluator)
    page = client.get(reverse("portal:profile")).content.decode()
    assert f'data-job="{export.code}"' in page
    assert 'role="progressbar"' in page and "portal/job-progress.js" in page

    worker.data_export_build(export_id=export.pk)
    page = client.get(reverse("portal:profile")).content.decode()
    assert reverse("privacy:data_export_download", args=[export.code]) in page
    assert "Available until" in page


def _exports(user, count):
    now = timezone.now()
    DataExport.objects.bulk_create(
        DataExport(
            user=user,
            state=State.DONE,
            finished_at=now,
            expires_at=now + timedelta(days=1),
            file="data-exports/x.zip",
        )
        for _ in range(count)
    )


@pytest.mark.parametrize("count", [1, 20])
def test_the_profile_page_queries_do_not_grow_with_exports(
    evaluator, client, count, django_assert_num_queries
):
    _exports(evaluator, count)
    client.force_login(evaluator)
    # session, user, staff group, the publication count, tokens, the newest export, the
    # latest erasure request
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("portal:profile"))
    assert response.status_code == 200
    assert response.content.decode().count("data-job=") == 1


def test_rows_read_through_fk_paths_in_bulk(seeded, django_assert_max_num_queries):
    """Reading the Sources costs a bounded number of queries, not one per row."""
    addresses = selectors.email_addresses_of(user=seeded.me)
    with django_assert_max_num_queries(2 * len(SOURCES) + 12):
        for source in SOURCES:
            for row in selectors.personal_data_rows(
                source=source, user=seeded.me, addresses=addresses
            ):
                for path in source.fields:
                    from privacy.exports.document import export_value

                    export_value(row, path)
                for nested in source.nested:
                    list(getattr(row, nested.relation).all())
    assert isinstance(seeded.me, models.Model)


def test_the_task_is_redelivered_when_its_worker_is_lost():
    """As report jobs: acknowledged after it returns, put back when the worker dies; the
    claim above then takes the export over."""
    from privacy.tasks import task_build_data_export

    assert task_build_data_export.acks_late is True
    assert task_build_data_export.reject_on_worker_lost is True


def test_the_readme_is_written_in_the_person_language_and_time_zone(
    evaluator, django_capture_on_commit_callbacks, settings
):
    settings.PRIVACY_CONTACT_EMAIL = "privacy@example.eu"
    evaluator.timezone = "Pacific/Auckland"
    evaluator.save(update_fields=["timezone"])
    with mock.patch("privacy.exports.archive.formats.date_format", return_value="DATE") as fmt:
        export = _build(evaluator, django_capture_on_commit_callbacks)

    readme = _archive(export).read("README.txt").decode()
    assert "Made on DATE for account" in readme
    assert str(fmt.call_args.args[0].tzinfo) == "Pacific/Auckland"
    assert "privacy@example.eu" in readme


def test_an_export_whose_file_storage_lost_answers_404_and_is_not_recorded(
    evaluator, client, django_capture_on_commit_callbacks
):
    export = _build(evaluator, django_capture_on_commit_callbacks)
    export.file.storage.delete(export.file.name)
    client.force_login(evaluator)

    response = client.get(reverse("privacy:data_export_download", args=[export.code]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="data_export.downloaded").exists()
