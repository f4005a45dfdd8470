"""The reports leave their audit events: jobs requested, built and failed (by the worker,
as the system), retried, released, withdrawn, deleted and purged; staff's texts, remarks
and quotes edited; every download of a report's file or a data table. A refused change
leaves none."""

import hashlib
from datetime import UTC, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from portal.audit.context import system_actor
from portal.concurrency import StaleEditError
from portal.models import AuditEvent
from portal.services.tokens import api_token_create
from reports.jobs import worker
from reports.jobs.retention import report_jobs_purge
from reports.jobs.types import BuildResult
from reports.models import ReportJob
from reports.services import quotes, report_jobs, texts
from tests.factories import OrganisationFactory, WorkshopFactory
from tests.helpers import close_response
from tests.reports.conftest import justification

pytestmark = pytest.mark.django_db

Kind = ReportJob.Kind
State = ReportJob.State
TASK = "task:reports.tasks.task_build_report"
PDF = b"%PDF-1.7 audit test"


def digest(text: str) -> dict:
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}


def only(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Audit of reports")


@pytest.fixture(autouse=True)
def _no_broker():
    with mock.patch("reports.services.report_jobs._enqueue"):
        yield


def _request(workshop, staff, **params):
    return report_jobs.report_job_request(
        workshop=workshop, kind=Kind.PUBLIC_SUMMARY, params=params, user=staff
    )


def _done_job(workshop, staff, *, kind=Kind.FEEDBACK, organisation=None, age_days=0):
    organisation = organisation or (OrganisationFactory() if kind == Kind.FEEDBACK else None)
    when = timezone.now() - timedelta(days=age_days)
    job = ReportJob(
        workshop=workshop,
        kind=kind,
        organisation=organisation,
        params={"organisation": organisation.code} if organisation else {},
        # The same report (kind, organisation) for jobs of different ages.
        params_hash=hashlib.sha256(f"{kind}-{organisation}".encode()).hexdigest(),
        state=State.DONE,
        progress=100,
        file_name="report.pdf",
        content_type="application/pdf",
        file_size=len(PDF),
        created_by=staff,
        finished_at=when,
    )
    job.file.save("report.pdf", ContentFile(PDF), save=False)
    job.save()
    ReportJob.objects.filter(pk=job.pk).update(created_at=when)
    return job


# --- jobs -----------------------------------------------------------------------------------


def test_report_requested_once_for_the_same_report(workshop, staff):
    job = _request(workshop, staff, language="en")
    again = _request(workshop, staff, language="en")

    assert again.pk == job.pk
    event = only("report.requested")
    assert (event.actor, event.actor_system) == (staff, "")
    assert (event.object_type, event.object_code) == ("reportjob", job.code)
    assert event.workshop_id == workshop.pk
    assert event.details == {
        "kind": "public_summary",
        "params": {"include_ai_office_only": False, "criteria_set_version": None, "language": "en"},
    }


def test_a_refused_request_leaves_no_event(workshop, staff):
    with pytest.raises(ValidationError):
        _request(workshop, staff, language="xx")

    assert not AuditEvent.objects.exists()


def test_feedback_for_all_is_one_event_listing_the_jobs(scored_workshop, staff):
    workshop = scored_workshop["workshop"]

    jobs = report_jobs.report_jobs_request_feedback(workshop=workshop, params={}, user=staff)

    event = only("report.requested")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("workshop", workshop.code)
    assert event.details == {
        "kind": "feedback",
        "params": {"criteria_set_version": None, "language": "en"},
        "jobs": [[job.code, job.organisation.code] for job in jobs],
    }
    assert len(jobs) > 1


def _claimed(workshop, staff):
    job = _request(workshop, staff)
    return worker.report_job_claim(job_id=job.pk, delivery="task-1")


def test_report_built_by_the_worker(workshop, staff):
    job = _request(workshop, staff)
    result = BuildResult(
        content=PDF,
        file_name="summary.pdf",
        content_type="application/pdf",
        snapshot={"evaluations": 3, "reviewers": 2, "reviews": 5, "criteria_set_title": "Set"},
        page_count=4,
    )

    with (
        mock.patch("reports.builders.build_report", return_value=result),
        system_actor(TASK),
    ):
        assert worker.report_job_run(job_id=job.pk, delivery="task-1")

    event = only("report.built")
    assert (event.actor_id, event.actor_system) == (None, TASK)
    assert (event.object_type, event.object_code) == ("reportjob", job.code)
    assert event.workshop_id == workshop.pk
    assert event.details == {
        "kind": "public_summary",
        "file_size": len(PDF),
        "page_count": 4,
        "content_type": "application/pdf",
        "attempt": 1,
        "requested_by": staff.pk,
        "snapshot": {"evaluations": 3, "reviewers": 2, "reviews": 5},
    }


def test_an_attempt_that_lost_its_claim_records_no_build(workshop, staff):
    job = _claimed(workshop, staff)
    result = BuildResult(
        content=PDF, file_name="a.pdf", content_type="application/pdf", snapshot={}
    )

    assert worker.report_job_finish(job_id=job.pk, attempt=2, result=result) is False

    assert not AuditEvent.objects.filter(action="report.built").exists()


def test_report_failed_by_the_worker_names_the_error_class_only(workshop, staff):
    job = _request(workshop, staff)

    with (
        mock.patch("reports.builders.build_report", side_effect=ValueError("bad@example.org")),
        system_actor(TASK),
    ):
        assert not worker.report_job_run(job_id=job.pk, delivery="task-1")

    event = only("report.failed")
    assert (event.actor_id, event.actor_system) == (None, TASK)
    assert event.object_code == job.code
    assert event.details == {
        "kind": "public_summary",
        "error_class": "ValueError",
        "attempts": 1,
        "gave_up": False,
        "requested_by": staff.pk,
    }
    assert "example.org" not in str(event.details)


def test_a_transient_failure_with_a_retry_left_is_not_a_failure(workshop, staff):
    job = _request(workshop, staff)

    with mock.patch("reports.builders.build_report", side_effect=OSError("disk")):
        worker.report_job_run(job_id=job.pk, delivery="task-1", retry=lambda countdown: None)

    assert not AuditEvent.objects.filter(action="report.failed").exists()


def test_report_failed_when_the_worker_gave_up(workshop, staff):
    job = _request(workshop, staff)
    ReportJob.objects.filter(pk=job.pk).update(attempts=worker.MAX_ATTEMPTS)

    assert worker.report_job_claim(job_id=job.pk, delivery="task-9") is None

    assert only("report.failed").details == {
        "kind": "public_summary",
        "error_class": None,
        "attempts": worker.MAX_ATTEMPTS,
        "gave_up": True,
        "requested_by": staff.pk,
    }


def test_report_retried(workshop, staff):
    job = _request(workshop, staff)
    ReportJob.objects.filter(pk=job.pk).update(state=State.FAILED, attempts=3, error="X")

    report_jobs.report_job_retry(job=job, user=staff)

    event = only("report.retried")
    assert event.actor == staff
    assert event.object_code == job.code
    assert event.changes == {"state": ["failed", "queued"], "attempts": [3, 0]}
    assert event.details == {"kind": "public_summary"}


def test_a_refused_retry_leaves_no_event(workshop, staff):
    job = _request(workshop, staff)

    with pytest.raises(ValidationError):
        report_jobs.report_job_retry(job=job, user=staff)

    assert not AuditEvent.objects.filter(action="report.retried").exists()


def test_report_released_then_withdrawn(workshop, staff):
    job = _done_job(workshop, staff)

    released = report_jobs.report_job_release(job=job, user=staff)
    report_jobs.report_job_release(job=job, user=staff, release=False)
    report_jobs.report_job_release(job=job, user=staff, release=False)  # nothing to withdraw

    stamp = released.released_at.astimezone(UTC).isoformat()
    release, withdrawal = AuditEvent.objects.order_by("id")
    assert (release.action, withdrawal.action) == ("report.released", "report.withdrawn")
    for event in (release, withdrawal):
        assert event.actor == staff
        assert (event.object_type, event.object_code) == ("reportjob", job.code)
        assert event.details == {"kind": "feedback", "organisation": job.organisation.code}
    assert release.changes == {"released_at": [None, stamp]}
    assert withdrawal.changes == {"released_at": [stamp, None]}


def test_a_refused_release_leaves_no_event(workshop, staff):
    job = _done_job(workshop, staff, kind=Kind.PUBLIC_SUMMARY)

    with pytest.raises(ValidationError):
        report_jobs.report_job_release(job=job, user=staff)

    assert not AuditEvent.objects.exists()


def test_release_all_records_each_report_released(workshop, staff):
    first, second = _done_job(workshop, staff), _done_job(workshop, staff)

    assert report_jobs.report_jobs_release_feedback(workshop=workshop, user=staff) == 2

    events = AuditEvent.objects.filter(action="report.released").order_by("object_code")
    assert [e.object_code for e in events] == sorted([first.code, second.code])
    assert {e.actor_id for e in events} == {staff.pk}
    first.refresh_from_db()
    assert events[0].changes["released_at"][0] is None
    assert events[0].changes["released_at"][1] == first.released_at.astimezone(UTC).isoformat()


def test_report_deleted(workshop, staff):
    job = _done_job(workshop, staff)

    report_jobs.report_job_delete(job=job, user=staff)

    event = only("report.deleted")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("reportjob", job.code)
    assert event.workshop_id == workshop.pk
    assert event.details == {
        "kind": "feedback",
        "state": "done",
        "organisation": job.organisation.code,
        "file_name": "report.pdf",
    }


def test_deleting_a_released_report_is_refused_and_leaves_no_event(workshop, staff):
    job = _done_job(workshop, staff)
    ReportJob.objects.filter(pk=job.pk).update(released_at=timezone.now())
    job.refresh_from_db()

    with pytest.raises(ValidationError):
        report_jobs.report_job_delete(job=job, user=staff)

    assert not AuditEvent.objects.exists()


def test_retention_records_one_summary_event_per_workshop(
    workshop, staff, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RETENTION_DAYS = 30
    other = WorkshopFactory()
    organisation = OrganisationFactory()
    old = _done_job(workshop, staff, organisation=organisation, age_days=90)
    _done_job(workshop, staff, organisation=organisation, age_days=60)  # the newest: kept
    elsewhere = _done_job(other, staff, kind=Kind.PUBLIC_SUMMARY, age_days=90)
    _done_job(other, staff, kind=Kind.PUBLIC_SUMMARY, age_days=50)  # the newest: kept

    with django_capture_on_commit_callbacks(execute=True), system_actor("task:purge"):
        assert report_jobs_purge() == 2

    events = {
        e.workshop_id: e for e in AuditEvent.objects.filter(action="reports.retention_applied")
    }
    assert set(events) == {workshop.pk, other.pk}
    event = events[workshop.pk]
    assert (event.actor_id, event.actor_system) == (None, "task:purge")
    assert (event.object_type, event.object_code) == ("reportjob", "")
    assert event.details["deleted"] == 1
    assert event.details["per_kind"] == {"feedback": 1}
    assert event.details["jobs"] == [old.code]
    assert event.details["retention_days"] == 30
    assert events[other.pk].details["jobs"] == [elsewhere.code]


def test_retention_with_nothing_to_delete_records_nothing(workshop, staff):
    _done_job(workshop, staff)

    assert report_jobs_purge() == 0

    assert not AuditEvent.objects.exists()


# --- texts ----------------------------------------------------------------------------------


@pytest.fixture
def scored(scored_workshop):
    return scored_workshop["workshop"]


def test_workshop_summary_edited_keeps_long_text_as_its_hash(scored, staff):
    long_text = "Most evaluations align. " * 20
    texts.workshop_summary_save(
        workshop=scored, executive_summary_md="Short.", insights_md="", user=staff
    )
    texts.workshop_summary_save(
        workshop=scored, executive_summary_md=long_text, insights_md="", user=staff
    )
    texts.workshop_summary_save(  # unchanged: no event
        workshop=scored, executive_summary_md=long_text, insights_md="", user=staff
    )

    first, second = AuditEvent.objects.filter(action="workshop_summary.edited").order_by("id")
    assert first.actor == staff
    assert first.object_type == "workshopsummary"
    assert first.workshop_id == scored.pk
    assert first.changes == {"executive_summary_md": ["", "Short."]}
    assert second.changes == {"executive_summary_md": ["Short.", digest(long_text.strip())]}


def test_criterion_note_edited(scored, staff, scored_workshop):
    criterion = scored_workshop["criteria_set"].criteria.order_by("pk").first()

    note = texts.criterion_note_save(
        workshop=scored, criterion_code=criterion.code, notes_md="Split it.", user=staff
    )

    event = only("criterion_note.edited")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("criterionnote", str(note.pk))
    assert event.workshop_id == scored.pk
    assert event.changes == {"notes_md": ["", "Split it."]}
    assert event.details == {"criterion": criterion.code}


def test_a_note_for_an_unknown_criterion_leaves_no_event(scored, staff):
    with pytest.raises(ValidationError):
        texts.criterion_note_save(workshop=scored, criterion_code="NOPE", notes_md="x", user=staff)

    assert not AuditEvent.objects.exists()


def test_summary_texts_page_saved_as_one_event(scored, staff, scored_workshop):
    first, second = scored_workshop["criteria_set"].criteria.order_by("pk")[:2]
    version = texts.summary_texts_version(workshop=scored)

    texts.summary_texts_save(
        workshop=scored,
        executive_summary_md="Most align.",
        insights_md="",
        notes={first.code: "Split it.", second.code: ""},
        user=staff,
        version=version,
    )

    event = only("summary_texts.edited")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("workshop", scored.code)
    assert event.changes == {
        "executive_summary_md": ["", "Most align."],
        f"notes_md:{first.code}": ["", "Split it."],
    }
    assert AuditEvent.objects.count() == 1


def test_a_stale_summary_save_leaves_no_event(scored, staff):
    with pytest.raises(StaleEditError):
        texts.summary_texts_save(
            workshop=scored,
            executive_summary_md="Most align.",
            insights_md="",
            notes={},
            user=staff,
            version="2020-01-01T00:00:00+00:00",
        )

    assert not AuditEvent.objects.exists()


def test_feedback_remark_edited(scored, staff, scored_workshop):
    organisation = scored_workshop["submissions"]["S1"].organisation

    remark = texts.feedback_remark_save(
        workshop=scored, organisation=organisation, remarks_md="First.", user=staff, revision=0
    )
    texts.feedback_remark_save(
        workshop=scored, organisation=organisation, remarks_md="Second.", user=staff, revision=1
    )
    with pytest.raises(StaleEditError):
        texts.feedback_remark_save(
            workshop=scored, organisation=organisation, remarks_md="Third.", user=staff, revision=1
        )

    first, second = AuditEvent.objects.filter(action="feedback_remark.edited").order_by("id")
    assert (first.object_type, first.object_code) == ("feedbackremark", str(remark.pk))
    assert first.workshop_id == scored.pk
    assert first.actor == staff
    assert first.changes == {"remarks_md": ["", "First."]}
    assert second.changes == {"remarks_md": ["First.", "Second."]}
    assert first.details == second.details == {"organisation": organisation.code}
    assert AuditEvent.objects.count() == 2


# --- quotes ---------------------------------------------------------------------------------

KEY = ("S2", 0, "REL-1")


def test_quote_selected_and_removed(scored, staff, scored_workshop):
    score = scored_workshop["scores"][KEY]

    selection = quotes.quote_select(workshop=scored, score=score, user=staff)
    quotes.quote_select(workshop=scored, score=score, user=staff)  # already chosen
    quotes.quote_remove(workshop=scored, score=score, user=staff)
    quotes.quote_remove(workshop=scored, score=score, user=staff)  # already gone

    selected, removed = AuditEvent.objects.order_by("id")
    assert (selected.action, removed.action) == ("quote.selected", "quote.removed")
    for event in (selected, removed):
        assert event.actor == staff
        assert (event.object_type, event.object_code) == ("quoteselection", selection.code)
        assert event.workshop_id == scored.pk
    assert selected.details == {"score": score.pk, "position": 0}
    assert removed.details == {"score": score.pk, "was_edited": False}


def test_a_quote_that_may_not_be_quoted_leaves_no_event(scored, staff, scored_workshop):
    untagged = next(s for s in scored_workshop["scores"].values() if not s.tag)

    with pytest.raises(ValidationError):
        quotes.quote_select(workshop=scored, score=untagged, user=staff)

    assert not AuditEvent.objects.exists()


def test_quote_edited_and_reverted_keep_neither_text(scored, staff, scored_workshop):
    score = scored_workshop["scores"][KEY]
    selection = quotes.quote_select(workshop=scored, score=score, user=staff)
    shortened = "The evaluation documents its method."

    quotes.quote_edit(selection=selection, text=shortened, revision=1, user=staff)
    with pytest.raises(StaleEditError):
        quotes.quote_edit(selection=selection, text="Other.", revision=1, user=staff)
    quotes.quote_revert(selection=selection, revision=2, user=staff)

    edited, reverted = AuditEvent.objects.filter(action__in=["quote.edited", "quote.reverted"])[
        ::-1
    ]
    assert (edited.action, reverted.action) == ("quote.edited", "quote.reverted")
    assert edited.actor == reverted.actor == staff
    assert edited.object_code == reverted.object_code == selection.code
    assert edited.changes == {"edited_text": [None, digest(shortened)]}
    assert edited.details == {"score": score.pk, "revision": 2}
    assert reverted.changes == {"edited_text": [digest(shortened), None]}
    assert reverted.details == {"score": score.pk, "revision": 3}
    assert justification(*KEY) not in str(edited.changes)


# --- downloads ------------------------------------------------------------------------------


def _get_file(client, url, **kwargs):
    response = client.get(url, **kwargs)
    if response.streaming:
        b"".join(response.streaming_content)
        close_response(response)
    return response


def test_staff_download_of_a_report_file_is_one_event(client, workshop, staff):
    job = _done_job(workshop, staff, kind=Kind.PUBLIC_SUMMARY)
    client.force_login(staff)

    response = _get_file(client, reverse("reports:download", args=[job.code]))

    assert response.status_code == 200
    event = only("report.downloaded")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("reportjob", job.code)
    assert event.workshop_id == workshop.pk
    assert event.details == {
        "kind": "public_summary",
        "organisation": None,
        "file_size": len(PDF),
        "channel": "web",
    }
    assert event.request_id == response["X-Request-ID"]
    assert AuditEvent.objects.count() == 1


def test_a_member_downloading_released_feedback_is_one_event(
    client, workshop, staff, evaluator, organisation
):
    job = _done_job(workshop, staff, organisation=organisation)
    report_jobs.report_job_release(job=job, user=staff)
    client.force_login(evaluator)

    response = _get_file(client, reverse("reports:download", args=[job.code]))

    assert response.status_code == 200
    event = only("report.downloaded")
    assert event.actor == evaluator
    assert event.details["organisation"] == organisation.code


def test_a_refused_download_leaves_no_event(client, workshop, staff, evaluator, organisation):
    job = _done_job(workshop, staff, organisation=organisation)  # not released
    client.force_login(evaluator)

    assert _get_file(client, reverse("reports:download", args=[job.code])).status_code == 404
    assert not AuditEvent.objects.exists()


def _bearer(user, *scopes):
    _token, secret = api_token_create(user=user, name="test", scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


def test_api_download_of_a_report_file(client, workshop, staff):
    job = _done_job(workshop, staff, kind=Kind.SCORES_CSV)
    headers = _bearer(staff, "reports:read")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = _get_file(
        client, reverse("api:report-job-download", args=[job.code]), headers=headers
    )

    assert response.status_code == 200
    event = AuditEvent.objects.get(id__gt=last, action="report.downloaded")
    assert event.actor == staff
    assert event.object_code == job.code
    assert event.details["channel"] == "api"


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_api_data_table_export(client, workshop, staff, file_format):
    headers = _bearer(staff, "reports:read")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    url = reverse("api:workshop-export", args=[workshop.code, "attendees"])

    response = _get_file(client, url, data={"format": file_format}, headers=headers)

    assert response.status_code == 200
    event = AuditEvent.objects.get(id__gt=last, action="data_table.exported")
    assert event.actor == staff
    assert (event.object_type, event.object_code) == ("workshop", workshop.code)
    assert event.details == {"table": "attendees", "format": file_format, "channel": "api"}


def test_api_export_refused_format_leaves_no_event(client, workshop, staff):
    headers = _bearer(staff, "reports:read")
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    url = reverse("api:workshop-export", args=[workshop.code, "attendees"])

    assert _get_file(client, url, data={"format": "pdf"}, headers=headers).status_code == 400
    assert not AuditEvent.objects.filter(id__gt=last, action="data_table.exported").exists()
