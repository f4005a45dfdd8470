"""What the submissions services write to the audit log: one row per change, with the
actor, the object, the workshop and exactly what changed; refused uploads too."""

import hashlib
import io
from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from submissions import services
from submissions.models import Method, RiskArea, Submission, SubmissionFile
from tests.audit_support import digest as _digest
from tests.audit_support import event as _event
from tests.audit_support import names as _names
from tests.factories import make_pdf
from tests.submissions.test_lifecycle import _form_data

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def _submitted(submission, user) -> Submission:
    services.submission_submit(submission=submission, user=user)
    submission.refresh_from_db()
    return submission


# --- the submission ----------------------------------------------------------------------


def test_created(evaluator, organisation, workshop):
    submission = services.submission_create(
        workshop=workshop, organisation=organisation, user=evaluator, title="  Uplift study "
    )
    event = _event("submission.created")
    assert _names(event) == (evaluator.pk, "submission", submission.code, workshop.pk)
    assert event.actor_system == ""
    assert event.changes == {}
    assert event.details == {"organisation": organisation.code, "title": "Uplift study"}


def test_updated_through_the_edit_view_has_the_stored_before(client, evaluator, draft):
    """The bound ModelForm writes the posted values onto its instance before the service
    runs; the log's "before" is still what was stored."""
    draft.title = "Old title"
    draft.save()
    client.force_login(evaluator)
    response = client.post(
        reverse("submissions:edit", args=[draft.code]),
        {
            **_form_data(draft, title="New title", abstract="Now with an abstract"),
            "risk_areas": ["cbrn", "cyber_offence"],
            "methods": ["human_uplift"],
            "conflict_statement": "Ada's brother works for the provider.",
        },
    )
    assert response.status_code == 302
    event = _event("submission.updated")
    assert _names(event) == (evaluator.pk, "submission", draft.code, draft.workshop_id)
    assert event.changes == {
        "title": ["Old title", "New title"],
        "abstract": ["", "Now with an abstract"],
        "risk_areas": [[], ["cbrn", "cyber_offence"]],
        "methods": [[], ["human_uplift"]],
        # Free text about people: hashes only, never the words.
        "conflict_statement": [None, _digest("Ada's brother works for the provider.")],
        # Names are personal data: the log says only that the authors changed.
        "authors": [{"count": 0}, {"count": 1}],
    }
    assert event.details == {"revision": 2}
    assert "Ada" not in str(event.changes)


def test_update_that_changes_nothing_is_not_recorded(evaluator, draft):
    services.submission_update(
        submission=draft, user=evaluator, revision=draft.revision, fields={"title": draft.title}
    )
    assert not AuditEvent.objects.filter(action="submission.updated").exists()


def test_long_text_is_kept_as_its_hash(evaluator, draft, settings):
    settings.AUDIT_TEXT_LIMIT = 20
    services.submission_update(
        submission=draft,
        user=evaluator,
        revision=draft.revision,
        fields={"abstract": "An abstract longer than twenty characters."},
        risk_areas=list(RiskArea.objects.filter(code="cbrn")),
        methods=list(Method.objects.none()),
    )
    assert _event("submission.updated").changes == {
        "abstract": ["", _digest("An abstract longer than twenty characters.")],
        "risk_areas": [[], ["cbrn"]],
    }


def test_submitted(evaluator, complete_draft):
    _submitted(complete_draft, evaluator)
    event = _event("submission.submitted")
    assert _names(event) == (
        evaluator.pk,
        "submission",
        complete_draft.code,
        complete_draft.workshop_id,
    )
    assert event.changes == {"state": ["draft", "submitted"]}
    assert event.details == {"version": 1, "files": 1}


def test_withdrawn_and_restored(evaluator, staff, complete_draft):
    _submitted(complete_draft, evaluator)
    services.submission_withdraw(submission=complete_draft, user=evaluator)
    services.submission_restore(submission=complete_draft, user=staff)

    withdrawn = _event("submission.withdrawn")
    assert _names(withdrawn) == (
        evaluator.pk,
        "submission",
        complete_draft.code,
        complete_draft.workshop_id,
    )
    assert withdrawn.changes == {"state": ["submitted", "withdrawn"]}
    restored = _event("submission.restored")
    assert restored.actor_id == staff.pk
    assert restored.changes == {"state": ["withdrawn", "submitted"]}


def test_screened(evaluator, staff, complete_draft):
    _submitted(complete_draft, evaluator)
    services.submission_screen(
        submission=complete_draft,
        user=staff,
        eligible=False,
        reason="other",
        note="Out of scope for this call.",
    )
    event = _event("submission.screened")
    assert _names(event) == (
        staff.pk,
        "submission",
        complete_draft.code,
        complete_draft.workshop_id,
    )
    assert event.changes == {
        "state": ["submitted", "not_eligible"],
        "ineligible_reason": ["", "other"],
        "screening_note": ["", "Out of scope for this call."],
    }
    assert event.details == {"eligible_before": None, "eligible": False}

    services.submission_screen(submission=complete_draft, user=staff, eligible=True)
    again = AuditEvent.objects.filter(action="submission.screened").latest("id")
    assert again.changes == {
        "state": ["not_eligible", "eligible"],
        "ineligible_reason": ["other", ""],
        "screening_note": ["Out of scope for this call.", ""],
    }
    assert again.details == {"eligible_before": False, "eligible": True}


def test_deadline_extended(staff, draft):
    workshop = draft.workshop
    new_deadline = workshop.submission_closes_at + timedelta(days=3)
    services.submission_extend_deadline(
        submission=draft, user=staff, deadline=new_deadline, reason="The author was in hospital."
    )
    event = _event("submission.deadline_extended")
    assert _names(event) == (staff.pk, "submission", draft.code, workshop.pk)
    assert event.changes == {
        "extended_deadline": [None, new_deadline.astimezone(UTC).isoformat()],
        "extension_reason": [None, _digest("The author was in hospital.")],
    }
    assert event.details == {
        "call_deadline": workshop.submission_closes_at.astimezone(UTC).isoformat()
    }


def test_a_service_that_fails_leaves_no_row(evaluator, staff, draft):
    with pytest.raises(ValidationError):
        services.submission_screen(submission=draft, user=staff, eligible=True)
    with pytest.raises(ValidationError):
        services.submission_submit(submission=draft, user=evaluator)
    with pytest.raises(ValidationError):
        services.submission_extend_deadline(
            submission=draft, user=staff, deadline=timezone.now(), reason="Late."
        )
    assert not AuditEvent.objects.filter(object_type="submission").exists()


# --- files ---------------------------------------------------------------------------------


def _edit(client, submission, upload=None, **fields):
    data = _form_data(submission, **fields)
    if upload is not None:
        data["upload"] = upload
    return client.post(reverse("submissions:edit", args=[submission.code]), data)


def test_uploaded_and_replaced(client, evaluator, complete_draft):
    first = complete_draft.files.get()
    content = make_pdf(pages=2)
    client.force_login(evaluator)
    response = _edit(
        client, complete_draft, SimpleUploadedFile("report-v2.pdf", content, "application/pdf")
    )
    assert response.status_code == 302
    stored = complete_draft.files.get(detached_at__isnull=True)
    event = _event("submission_file.uploaded")
    assert _names(event) == (
        evaluator.pk,
        "submissionfile",
        stored.code,
        complete_draft.workshop_id,
    )
    assert event.details == {
        "submission": complete_draft.code,
        "kind": "main",
        "file_name": "report-v2.pdf",
        "size": len(content),
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(content).hexdigest(),
        "replaced": [first.code],
    }


def test_removed(client, evaluator, complete_draft):
    file = complete_draft.files.get()
    client.force_login(evaluator)
    assert _edit(client, complete_draft, remove_file=file.code).status_code == 302
    event = _event("submission_file.removed")
    assert _names(event) == (evaluator.pk, "submissionfile", file.code, complete_draft.workshop_id)
    assert event.details == {
        "submission": complete_draft.code,
        "kind": "main",
        "file_name": "report.pdf",
    }


def test_refused_upload_is_recorded_and_the_form_is_kept(client, evaluator, draft):
    client.force_login(evaluator)
    response = _edit(
        client,
        draft,
        SimpleUploadedFile("figure.pdf", PNG, "application/pdf"),
        abstract="Typed before the upload",
    )
    assert response.status_code == 400
    assert response.context["upload_form"].errors["upload"][0].startswith("“figure.pdf” is not")
    assert "Typed before the upload" in response.content.decode()
    assert not SubmissionFile.objects.exists()
    event = _event("submission_file.refused")
    assert _names(event) == (evaluator.pk, "submission", draft.code, draft.workshop_id)
    assert event.changes == {}
    assert event.details == {"kind": "main", "file_name": "figure.pdf", "reason": "mismatch"}
    # The fields typed with it were saved, and said so.
    assert AuditEvent.objects.filter(action="submission.updated").count() == 1


def test_empty_upload_is_refused_by_the_form_and_recorded(client, evaluator, draft):
    client.force_login(evaluator)
    response = _edit(client, draft, SimpleUploadedFile("empty.pdf", b"", "application/pdf"))
    assert response.status_code == 400
    assert _event("submission_file.refused").details == {
        "kind": "main",
        "file_name": "empty.pdf",
        "reason": "empty",
    }


def test_oversized_upload_is_recorded(client, evaluator, draft, settings):
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 1024 * 1024
    big = io.BytesIO(make_pdf() + b"%" + b"x" * (1024 * 1024 + 10))
    big.name = "huge.pdf"
    client.force_login(evaluator)
    assert _edit(client, draft, big).status_code == 400
    assert _event("submission_file.refused").details == {
        "kind": "main",
        "file_name": "huge.pdf",
        "reason": "too_large",
    }


def test_upload_after_the_deadline_is_refused_with_its_reason(evaluator, complete_draft):
    _submitted(complete_draft, evaluator)
    workshop = complete_draft.workshop
    workshop.submission_opens_at = timezone.now() - timedelta(days=5)
    workshop.submission_closes_at = timezone.now() - timedelta(minutes=1)
    workshop.save()
    with pytest.raises(ValidationError) as refused:
        services.submission_file_attach(
            submission=complete_draft,
            user=evaluator,
            upload=SimpleUploadedFile("late.pdf", make_pdf()),
            kind="main",
        )
    assert services.refusal_reason(refused.value) == "deadline_passed"
    assert not AuditEvent.objects.filter(action="submission_file.uploaded").exists()


def test_api_refusals_are_recorded_too(client, evaluator, draft, settings):
    files = reverse("api:submission-file-list", kwargs={"code": draft.code})
    client.force_login(evaluator)
    response = client.post(files, {"kind": "main", "file": SimpleUploadedFile("figure.pdf", PNG)})
    assert response.status_code == 400
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 1024 * 1024
    big = io.BytesIO(make_pdf() + b"%" + b"x" * (1024 * 1024 + 10))
    big.name = "huge.pdf"
    assert client.post(files, {"kind": "main", "file": big}).status_code == 413
    assert [
        (e.actor_id, e.object_code, e.details)
        for e in AuditEvent.objects.filter(action="submission_file.refused").order_by("id")
    ] == [
        (
            evaluator.pk,
            draft.code,
            {"kind": "main", "file_name": "figure.pdf", "reason": "mismatch"},
        ),
        (
            evaluator.pk,
            draft.code,
            {"kind": "main", "file_name": "huge.pdf", "reason": "too_large"},
        ),
    ]


def test_api_upload_and_removal_are_recorded(client, evaluator, draft):
    files = reverse("api:submission-file-list", kwargs={"code": draft.code})
    client.force_login(evaluator)
    response = client.post(
        files, {"kind": "supplementary", "file": SimpleUploadedFile("data.csv", b"a,b\n1,2\n")}
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    detail = reverse("api:submission-file-detail", kwargs={"code": draft.code, "file_code": code})
    assert client.delete(detail).status_code == 204
    assert [
        (e.action, e.actor_id, e.object_code)
        for e in AuditEvent.objects.filter(object_type="submissionfile").order_by("id")
    ] == [
        ("submission_file.uploaded", evaluator.pk, code),
        ("submission_file.removed", evaluator.pk, code),
    ]
