"""The daily retention run (privacy.services.retention.retention_apply): each rule at its
boundary (an object exactly at the limit stays; one second past goes), a second run at the
same moment changes nothing, the inactivity warning is sent once and pseudonymisation
waits for its period, and AI Office staff are never erased."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, OutgoingEmail, User
from portal.services.audit import audit_record
from privacy.models import ErasedAccount, ErasureRequest, RetentionWarning
from privacy.services.erasure import erasure_request_approve, erasure_request_create
from privacy.services.retention import retention_apply, years_after, years_before
from reviews.models import ReviewerApplication
from submissions.models import Submission, SubmissionFile
from tests.factories import (
    ReviewerApplicationFactory,
    SubmissionFactory,
    SubmissionFileFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTHING = {
    "erasures_completed": 0,
    "unverified_accounts_deleted": 0,
    "drafts_deleted": 0,
    "draft_files_deleted": 0,
    "inactive_accounts_warned": 0,
    "inactive_accounts_pseudonymised": 0,
    "data_exports_purged": 0,
    "audit_events_purged": 0,
    "emails_purged": 0,
    "text_embeddings_purged": 0,
}


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def _state():
    """What a run may change, to compare two runs."""
    return (
        sorted(User.objects.values_list("pk", "email", "is_active")),
        sorted(Submission.objects.values_list("pk", flat=True)),
        sorted(RetentionWarning.objects.values_list("user_id", "warned_at")),
        OutgoingEmail.objects.count(),
    )


def _run_twice(now):
    counts = retention_apply(now=now)
    state = _state()
    assert retention_apply(now=now) == NOTHING
    assert _state() == state
    return counts


# --- unverified accounts --------------------------------------------------------------------


def test_unverified_accounts_are_deleted_one_second_past_the_limit(now, settings):
    limit = now - timedelta(days=settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS)

    def unverified(email, joined, **extra):
        return UserFactory(email=email, date_joined=joined, verified=False, **extra)

    past = unverified("past@example.org", limit - SECOND)
    at = unverified("at@example.org", limit)
    before = unverified("before@example.org", limit + SECOND)
    verified = UserFactory(email="verified@example.org", date_joined=limit - SECOND)
    # Made by an EU Survey import for an applicant who never signed in: it holds data.
    imported = unverified("imported@example.org", limit - SECOND)
    ReviewerApplicationFactory(user=imported)
    signed_in = unverified("signed-in@example.org", limit - SECOND, last_login=limit)
    admin = unverified("admin@example.org", limit - SECOND, is_staff=True)

    counts = _run_twice(now)

    assert counts["unverified_accounts_deleted"] == 1
    assert not User.objects.filter(pk=past.pk).exists()
    remaining = {at, before, verified, imported, signed_in, admin}
    assert set(User.objects.filter(pk__in=[u.pk for u in remaining])) == remaining
    event = AuditEvent.objects.get(action="account.deleted")
    assert (event.object_code, event.details) == (str(past.pk), {"reason": "unverified"})


# --- drafts -------------------------------------------------------------------------------


def _workshop_closed_at(closes):
    return WorkshopFactory(
        submission_opens_at=closes - timedelta(days=30),
        submission_closes_at=closes,
        review_deadline=closes + timedelta(days=30),
    )


def test_drafts_are_deleted_with_their_files_one_second_past_the_limit(now, settings):
    limit = now - timedelta(days=settings.RETENTION_DRAFT_DAYS)
    past = SubmissionFactory(workshop=_workshop_closed_at(limit - SECOND))
    past_file = SubmissionFileFactory(submission=past)
    at = SubmissionFactory(workshop=_workshop_closed_at(limit))
    before = SubmissionFactory(workshop=_workshop_closed_at(limit + SECOND))
    old = past.workshop
    # Given more time by staff: its own deadline counts.
    extended = SubmissionFactory(workshop=old, extended_deadline=limit + SECOND)
    # Submitted once: never a draft for retention.
    submitted = SubmissionFactory(workshop=old, state=Submission.State.SUBMITTED)
    submitted.submitted_at = old.submission_closes_at
    submitted.save()

    with_commit = _run_twice(now)

    assert (with_commit["drafts_deleted"], with_commit["draft_files_deleted"]) == (1, 1)
    assert set(Submission.objects.all()) == {at, before, extended, submitted}
    assert not SubmissionFile.objects.filter(pk=past_file.pk).exists()
    event = AuditEvent.objects.get(action="submission.deleted")
    assert (event.object_code, event.details) == (past.code, {"reason": "retention", "files": 1})


def test_a_deleted_drafts_stored_file_goes_after_the_commit(
    now, settings, django_capture_on_commit_callbacks
):
    limit = now - timedelta(days=settings.RETENTION_DRAFT_DAYS)
    stored = SubmissionFileFactory(
        submission=SubmissionFactory(workshop=_workshop_closed_at(limit - SECOND))
    )
    name = stored.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        retention_apply(now=now)

    assert not default_storage.exists(name)


# --- inactive accounts --------------------------------------------------------------------


@pytest.fixture
def inactive(now, settings):
    """An account last used exactly RETENTION_INACTIVE_ACCOUNT_YEARS before `now`: its
    deadline is `now`."""
    last = years_before(now, settings.RETENTION_INACTIVE_ACCOUNT_YEARS)
    return UserFactory(
        email="dormant@example.org", date_joined=last - timedelta(days=10), last_login=last
    )


def _warnings_to(user):
    return OutgoingEmail.objects.filter(to=[user.email], subject__contains="unless you sign in")


def test_the_warning_goes_once_and_erasure_waits_for_its_period(now, inactive, settings):
    notice = timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS)
    deadline = now

    assert retention_apply(now=deadline - notice - SECOND) == NOTHING
    counts = _run_twice(deadline - notice)
    assert counts["inactive_accounts_warned"] == 1
    assert _warnings_to(inactive).count() == 1
    warning = RetentionWarning.objects.get(user=inactive)
    assert (warning.warned_at, warning.erase_after) == (deadline - notice, deadline)
    assert AuditEvent.objects.filter(action="account.warned", object_code=str(inactive.pk)).exists()

    assert retention_apply(now=deadline) == NOTHING  # exactly at the limit: kept
    counts = _run_twice(deadline + SECOND)

    assert counts["inactive_accounts_pseudonymised"] == 1
    # The outbox forgets the address (the warning too); the last email says it is done.
    (last,) = OutgoingEmail.objects.filter(to=["dormant@example.org"])
    assert "Your account was deleted" in last.subject
    assert "nobody had used it" in last.body
    erased = ErasedAccount.objects.get(user=inactive)
    assert (erased.cause, erased.erased_by) == ("retention", None)
    inactive.refresh_from_db()
    assert inactive.email == f"erased-{erased.code}@invalid" and not inactive.is_active


def test_a_late_warning_still_gives_the_whole_period(now, inactive, settings):
    notice = timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS)
    late = now + timedelta(days=5)  # the task did not run for a while

    assert retention_apply(now=late)["inactive_accounts_warned"] == 1
    assert retention_apply(now=late + notice) == NOTHING
    assert retention_apply(now=late + notice + SECOND)["inactive_accounts_pseudonymised"] == 1


def test_a_sign_in_after_the_warning_starts_the_clock_again(now, inactive, settings):
    notice = timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS)
    retention_apply(now=now - notice)
    signed_in = now - timedelta(days=3)
    User.objects.filter(pk=inactive.pk).update(last_login=signed_in)

    assert retention_apply(now=now + SECOND) == NOTHING
    assert not ErasedAccount.objects.exists()
    # Next time round the warning goes again, once, before the new deadline.
    new_deadline = years_after(signed_in, settings.RETENTION_INACTIVE_ACCOUNT_YEARS)
    assert retention_apply(now=new_deadline - notice)["inactive_accounts_warned"] == 1
    assert _warnings_to(inactive).count() == 2


def test_taking_part_in_a_workshop_counts_as_activity(now, inactive, settings):
    recent = now - timedelta(days=100)
    workshop = WorkshopFactory(
        submission_opens_at=recent - timedelta(days=60),
        submission_closes_at=recent - timedelta(days=30),
        review_deadline=recent,
    )
    ReviewerApplicationFactory(
        workshop=workshop, user=inactive, state=ReviewerApplication.State.APPROVED
    )
    far = years_after(recent, settings.RETENTION_INACTIVE_ACCOUNT_YEARS)

    assert retention_apply(now=now + timedelta(days=365)) == NOTHING
    notice = timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS)
    assert retention_apply(now=far - notice)["inactive_accounts_warned"] == 1


def test_staff_and_superusers_are_never_erased_by_retention(now, staff, superuser, settings):
    long_ago = years_before(now, settings.RETENTION_INACTIVE_ACCOUNT_YEARS + 5)
    User.objects.filter(pk__in=[staff.pk, superuser.pk]).update(
        last_login=long_ago, date_joined=long_ago
    )
    for moment in (now, now + timedelta(days=400)):
        counts = retention_apply(now=moment)
        assert counts["inactive_accounts_warned"] == counts["inactive_accounts_pseudonymised"] == 0
    assert not RetentionWarning.objects.exists() and not ErasedAccount.objects.exists()


# --- the rest of the run ------------------------------------------------------------------


def test_an_approved_request_the_worker_missed_is_carried_out(now, evaluator, staff):
    erasure_request = erasure_request_create(user=evaluator)
    # Approved without a worker (enqueue=None: the broker was down).
    erasure_request_approve(erasure_request=erasure_request, decided_by=staff, reason="ok")

    assert retention_apply(now=now)["erasures_completed"] == 1

    erasure_request.refresh_from_db()
    assert erasure_request.state == ErasureRequest.State.DONE


def test_audit_events_past_their_retention_are_purged(now, settings):
    audit_record(action="x.done", object_type_name="x")
    later = years_after(now, settings.AUDIT_RETENTION_YEARS) + timedelta(days=1)

    counts = retention_apply(now=later)

    assert counts["audit_events_purged"] == 1
    assert AuditEvent.objects.filter(action="audit.purged").exists()


# --- the outbox --------------------------------------------------------------------------


def test_emails_are_purged_one_second_past_the_limit(now, settings):
    settings.OUTGOING_EMAIL_RETENTION_DAYS = 90
    limit = now - timedelta(days=90)

    def email(subject, *, created_at, sent_at=None, attempts=1):
        return OutgoingEmail.objects.create(
            to=["someone@example.org"],
            subject=subject,
            body="Dear someone",
            created_at=created_at,
            sent_at=sent_at,
            attempts=attempts,
        )

    email("sent past", created_at=limit - 2 * SECOND, sent_at=limit - SECOND)
    email("sent at", created_at=limit - 2 * SECOND, sent_at=limit)
    email("sent late", created_at=limit - timedelta(days=5), sent_at=limit + SECOND)
    email("gave up past", created_at=limit - SECOND, attempts=10)
    email("gave up at", created_at=limit, attempts=10)
    email("still trying", created_at=limit - timedelta(days=30), attempts=9)
    email("never tried", created_at=limit - timedelta(days=30), attempts=0)

    counts = _run_twice(now)

    assert counts["emails_purged"] == 2
    assert sorted(OutgoingEmail.objects.values_list("subject", flat=True)) == [
        "gave up at",
        "never tried",
        "sent at",
        "sent late",
        "still trying",
    ]


def _settings_value(name: str, **environ: str) -> subprocess.CompletedProcess:
    """portal/settings.py read afresh in another interpreter, with `environ` set."""
    return subprocess.run(
        [sys.executable, "-c", f"import portal.settings as s; print(s.{name})"],
        env={**os.environ, **environ},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_email_retention_setting_is_read_from_the_environment():
    name = "OUTGOING_EMAIL_RETENTION_DAYS"

    assert _settings_value(name, **{name: "30"}).stdout.strip() == "30"
    assert _settings_value(name, **{name: ""}).stdout.strip() == "90"
    refused = _settings_value(name, **{name: "0"})
    assert refused.returncode != 0
    assert f"{name} must be at least 1." in refused.stderr


def test_the_outbox_admin_lists_what_the_purge_kept(now, client, superuser, settings):
    settings.OUTGOING_EMAIL_RETENTION_DAYS = 90
    old = now - timedelta(days=91)
    OutgoingEmail.objects.create(to=["a@example.org"], subject="Old", body="x", sent_at=old)
    kept = OutgoingEmail.objects.create(to=["b@example.org"], subject="Recent", body="y")
    retention_apply(now=now)
    client.force_login(superuser)

    listing = client.get(reverse("admin:portal_outgoingemail_changelist"))
    detail = client.get(reverse("admin:portal_outgoingemail_change", args=[kept.pk]))

    assert (listing.status_code, detail.status_code) == (200, 200)
    assert listing.context["cl"].result_count == 1
    assert [e.subject for e in listing.context["cl"].result_list] == ["Recent"]


def test_one_event_per_run_with_the_counts(now):
    retention_apply(now=now)
    event = AuditEvent.objects.get(action="retention.applied")
    assert event.details["counts"] == NOTHING
    assert (event.actor, event.actor_system) == (None, "system")


def test_the_command_runs_as_itself():
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "drafts_deleted: 0" in out.getvalue()
    event = AuditEvent.objects.get(action="retention.applied")
    assert event.actor_system == "command:apply_retention"


def test_data_exports_wait_for_their_model():
    # privacy.DataExport (the data export) is not installed in this branch yet.
    assert retention_apply()["data_exports_purged"] == 0
