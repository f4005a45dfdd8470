from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.concurrency import StaleEditError
from submissions import services
from submissions.models import Submission
from tests.factories import CompleteSubmissionFactory, MembershipFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _form_data(submission, **overrides):
    data = {
        "revision": submission.revision,
        "title": submission.title,
        "abstract": submission.abstract,
        "confidentiality": submission.confidentiality,
        "language": "en",
        "authors-TOTAL_FORMS": "1",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "50",
        "authors-0-name": "Ada Author",
        "authors-0-affiliation": "Lab",
        "kind": "main",
    }
    data.update(overrides)
    return data


def test_evaluator_creates_a_draft(client, evaluator, organisation, workshop):
    client.force_login(evaluator)
    response = client.post(
        reverse("submissions:create", args=[workshop.code]),
        {"organisation": organisation.pk, "title": "Uplift study"},
    )
    submission = Submission.objects.get(title="Uplift study")
    assert response["Location"] == reverse("submissions:edit", args=[submission.code])
    assert (submission.state, submission.organisation, submission.contact) == (
        "draft",
        organisation,
        evaluator,
    )
    assert [a.name for a in submission.authors.all()] == [evaluator.full_name]


def test_cannot_create_when_call_is_closed(client, evaluator, organisation):
    closed = WorkshopFactory(
        submission_opens_at=timezone.now() - timedelta(days=10),
        submission_closes_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(evaluator)
    response = client.post(
        reverse("submissions:create", args=[closed.code]),
        {"organisation": organisation.pk, "title": "Late"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This call is not open for submissions."]
    assert not Submission.objects.exists()


def test_save_draft_stores_fields_and_bumps_revision(client, evaluator, draft):
    client.force_login(evaluator)
    response = client.post(
        reverse("submissions:edit", args=[draft.code]),
        _form_data(draft, abstract="New abstract", risk_areas=["cbrn"]),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.abstract == "New abstract"
    assert draft.revision == 2
    assert list(draft.risk_areas.values_list("code", flat=True)) == ["cbrn"]


def test_validation_error_keeps_everything_entered(client, evaluator, draft):
    client.force_login(evaluator)
    response = client.post(
        reverse("submissions:edit", args=[draft.code]),
        _form_data(
            draft,
            abstract="Typed but not yet saved",
            evaluation_start="2026-05-01",
            evaluation_end="2026-04-01",
        ),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["evaluation_end"] == ["The evaluation cannot end before it starts."]
    assert form["abstract"].value() == "Typed but not yet saved"
    assert "Typed but not yet saved" in response.content.decode()
    draft.refresh_from_db()
    assert draft.abstract == ""


def test_stale_edit_is_refused_and_the_refused_text_is_shown(client, evaluator, org_admin, draft):
    loaded_revision = draft.revision
    # Someone else saves first (another tab or device).
    services.submission_update(
        submission=draft, user=org_admin, revision=loaded_revision, fields={"abstract": "Theirs"}
    )
    client.force_login(evaluator)
    response = client.post(
        reverse("submissions:edit", args=[draft.code]),
        _form_data(draft, revision=loaded_revision, abstract="Mine, typed in the stale tab"),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this submission after you opened it" in body
    assert "Mine, typed in the stale tab" in body
    draft.refresh_from_db()
    assert draft.abstract == "Theirs"


def test_stale_update_raises_the_shared_stale_edit_error(evaluator, org_admin, draft):
    loaded_revision = draft.revision
    services.submission_update(
        submission=draft, user=org_admin, revision=loaded_revision, fields={"abstract": "Theirs"}
    )

    with pytest.raises(StaleEditError) as raised:
        services.submission_update(
            submission=draft, user=evaluator, revision=loaded_revision, fields={"abstract": "Mine"}
        )

    assert raised.value.current == loaded_revision + 1
    draft.refresh_from_db()
    assert draft.abstract == "Theirs"


def test_submit_lists_what_is_missing(client, evaluator, draft):
    client.force_login(evaluator)
    response = client.post(
        reverse("submissions:edit", args=[draft.code]), _form_data(draft, submit="1")
    )
    assert response.status_code == 400
    missing = [message for _anchor, message in response.context["missing"]]
    assert "Upload the main document (PDF)." in missing
    assert "Choose at least one risk area." in missing
    assert "Abstract is required." in missing
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert not draft.versions.exists()


def test_submit_creates_version_and_emails_every_member(
    client, evaluator, org_admin, complete_draft, django_capture_on_commit_callbacks
):
    client.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("submissions:submit", args=[complete_draft.code]))
    assert response["Location"] == reverse("submissions:detail", args=[complete_draft.code])
    complete_draft.refresh_from_db()
    assert complete_draft.state == "submitted"
    version = complete_draft.versions.get()
    assert version.number == 1
    assert version.metadata["risk_areas"] == ["cbrn"]
    assert version.metadata["provider"] == "Mistral AI"
    assert [f.original_name for f in version.files.all()] == ["report.pdf"]
    assert sorted(m.to[0] for m in mail.outbox) == [evaluator.email, org_admin.email]
    assert mail.outbox[0].subject.endswith(f"Received: “{complete_draft.title}” (version 1)")


def test_late_submit_names_the_deadline(client, evaluator, complete_draft):
    complete_draft.workshop.submission_opens_at = timezone.now() - timedelta(days=5)
    complete_draft.workshop.submission_closes_at = timezone.now() - timedelta(minutes=1)
    complete_draft.workshop.save()
    client.force_login(evaluator)
    response = client.post(reverse("submissions:submit", args=[complete_draft.code]))
    assert response.status_code == 400
    deadline = timezone.localtime(complete_draft.workshop.submission_closes_at)
    expected = f"The deadline for this call passed on {deadline:%-d %B %Y, %H:%M} "
    assert any(m.startswith(expected) for _anchor, m in response.context["missing"])
    complete_draft.refresh_from_db()
    assert complete_draft.state == "draft"


def test_extension_lets_one_submission_in_late(client, staff, evaluator, complete_draft):
    workshop = complete_draft.workshop
    workshop.submission_opens_at = timezone.now() - timedelta(days=5)
    workshop.submission_closes_at = timezone.now() - timedelta(hours=1)
    workshop.save()
    client.force_login(staff)
    new_deadline = timezone.localtime(timezone.now() + timedelta(days=2), workshop.tzinfo)
    response = client.post(
        reverse("submissions:extend", args=[complete_draft.code]),
        {"deadline": new_deadline.strftime("%Y-%m-%dT%H:%M"), "reason": "Lab outage"},
    )
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.extension_reason == "Lab outage"
    client.force_login(evaluator)
    client.post(reverse("submissions:submit", args=[complete_draft.code]))
    complete_draft.refresh_from_db()
    assert complete_draft.state == "submitted"


def test_revision_creates_second_version_and_keeps_the_first(
    client, evaluator, staff, complete_draft
):
    services.submission_submit(submission=complete_draft, user=evaluator)
    complete_draft.refresh_from_db()
    client.force_login(evaluator)
    client.post(
        reverse("submissions:edit", args=[complete_draft.code]),
        _form_data(
            complete_draft,
            abstract="Revised abstract",
            provider=complete_draft.provider_id,
            model_name="Model X",
            model_version="2026-09-01",
            version_type="with_mitigations",
            release_channel="api",
            access_level="black_box",
            risk_areas=["cbrn"],
            methods=["human_uplift"],
            threat_scenario=complete_draft.threat_scenario,
            elicitation=complete_draft.elicitation,
            stage="pre_deployment",
            results_summary=complete_draft.results_summary,
            artefacts="on_request",
            summary_consent="anonymised",
            relevance_statement=complete_draft.relevance_statement,
            provider_ties=["none"],
            submit="1",
        ),
    )
    versions = list(complete_draft.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert (
        versions[0].metadata["abstract"]
        == "We measure uplift on a set of wet-lab troubleshooting tasks."
    )
    assert versions[1].metadata["abstract"] == "Revised abstract"

    client.force_login(staff)
    response = client.get(reverse("submissions:version_diff", args=[complete_draft.code, 2]))
    changes = {c.field: (c.old, c.new) for c in response.context["diff"]["changes"]}
    assert changes == {
        "abstract": (
            "We measure uplift on a set of wet-lab troubleshooting tasks.",
            "Revised abstract",
        )
    }


def test_withdraw_by_contact_emails_members(
    client, evaluator, complete_draft, django_capture_on_commit_callbacks
):
    client.force_login(evaluator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("submissions:withdraw", args=[complete_draft.code]))
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.state == "withdrawn"
    assert mail.outbox[0].subject.endswith(f"Withdrawn: “{complete_draft.title}”")


def test_withdraw_refused_by_the_service_is_a_message_not_a_500(
    client, evaluator, complete_draft, monkeypatch
):
    # The state changed between loading the submission and locking it (another tab, staff).
    def refuse(*, submission, user):
        raise ValidationError("Only drafts and submitted evaluations can be withdrawn.")

    monkeypatch.setattr(services, "submission_withdraw", refuse)
    client.force_login(evaluator)
    response = client.post(reverse("submissions:withdraw", args=[complete_draft.code]))
    assert response.status_code == 302
    assert response.url == reverse("submissions:detail", args=[complete_draft.code])
    page = client.get(response.url)
    assert "Only drafts and submitted evaluations can be withdrawn." in page.content.decode()


def test_member_who_is_not_contact_cannot_withdraw(client, organisation, complete_draft):
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    response = client.post(reverse("submissions:withdraw", args=[complete_draft.code]))
    assert response.status_code == 403
    complete_draft.refresh_from_db()
    assert complete_draft.state == "draft"


def test_org_admin_can_withdraw_and_staff_can_restore(client, org_admin, staff, complete_draft):
    services.submission_submit(submission=complete_draft, user=complete_draft.contact)
    client.force_login(org_admin)
    client.post(reverse("submissions:withdraw", args=[complete_draft.code]))
    complete_draft.refresh_from_db()
    assert complete_draft.state == "withdrawn"
    client.force_login(staff)
    client.post(reverse("submissions:restore", args=[complete_draft.code]))
    complete_draft.refresh_from_db()
    assert complete_draft.state == "submitted"


@pytest.mark.parametrize(
    ("decision", "reason", "note", "state"),
    [
        ("eligible", "", "", "eligible"),
        ("not_eligible", "duplicate", "", "not_eligible"),
        ("not_eligible", "other", "Out of scope for GPAI.", "not_eligible"),
    ],
)
def test_staff_screening_tells_submitters(
    client,
    staff,
    evaluator,
    complete_draft,
    django_capture_on_commit_callbacks,
    decision,
    reason,
    note,
    state,
):
    services.submission_submit(submission=complete_draft, user=evaluator)
    mail.outbox.clear()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("submissions:screen", args=[complete_draft.code]),
            {"decision": decision, "reason": reason, "note": note},
        )
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert (complete_draft.state, complete_draft.ineligible_reason) == (state, reason)
    assert [m.to for m in mail.outbox] == [[evaluator.email]]
    if note:
        assert note in mail.outbox[0].body


def test_screening_other_without_note_is_refused(client, staff, evaluator, complete_draft):
    services.submission_submit(submission=complete_draft, user=evaluator)
    client.force_login(staff)
    response = client.post(
        reverse("submissions:screen", args=[complete_draft.code]),
        {"decision": "not_eligible", "reason": "other", "note": ""},
    )
    assert response.context["form"].errors["note"] == ["Explain the reason."]
    complete_draft.refresh_from_db()
    assert complete_draft.state == "submitted"


def test_new_provider_typed_by_evaluator_is_created_once(client, evaluator, draft):
    client.force_login(evaluator)
    client.post(
        reverse("submissions:edit", args=[draft.code]),
        _form_data(draft, provider_other="  Nova   Labs "),
    )
    draft.refresh_from_db()
    assert draft.provider.name == "Nova Labs"
    draft2 = CompleteSubmissionFactory(workshop=draft.workshop, organisation=draft.organisation)
    assert draft2.provider.name == "Mistral AI"
