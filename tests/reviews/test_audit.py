"""What the reviews services write to the audit log: reviewer applications, conflicts,
ties, ratings and workshop invitations. (Reviewing itself: reviewing/test_audit.py.)

The log holds no name, email address or free text about a person: reasons, statements
and notes are kept as their hash and length."""

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditEvent
from reviews import services
from reviews.models import ConflictRecord, ReviewerTie, WorkshopInvitation
from reviews.services.conflicts import conflict_dismiss, conflict_record, conflict_revoke
from reviews.services.ratings import reviewer_rate
from reviews.workshop_invitations import services as invitations
from submissions.models import Method, RiskArea
from tests.audit_support import digest as _digest
from tests.audit_support import event as _event
from tests.audit_support import names as _names
from tests.factories import (
    CompleteSubmissionFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
)

pytestmark = pytest.mark.django_db

STATEMENT = "I led the cyber-offence evaluations of three frontier models."


# --- reviewer applications -----------------------------------------------------------------


def _apply(workshop, user, **overrides):
    values = {
        "statement": STATEMENT,
        "affiliation": "Institute for Model Safety",
        "cv_link": "https://example.org/~ada/cv",
        "languages": ["fr", "en"],
        "max_reviews": 4,
        "area_levels": {RiskArea.objects.get(code="cbrn"): 3},
        "method_levels": {Method.objects.get(code="red_teaming"): 2},
        **overrides,
    }
    return services.application_apply(workshop=workshop, user=user, **values)


def test_application_submitted(workshop, applicant):
    application = _apply(workshop, applicant)
    event = _event("reviewer_application.submitted")
    assert _names(event) == (applicant.pk, "reviewerapplication", application.code, workshop.pk)
    assert event.changes == {}
    assert event.details == {
        "reapplied": False,
        "languages": ["en", "fr"],
        "max_reviews": 4,
        "expertise": ["area:cbrn=3", "method:red_teaming=2"],
        "cv_file": False,
        "cv_link": True,
    }
    assert "Institute" not in str(event.details) and "~ada" not in str(event.details)


def test_application_updated_with_personal_fields_hashed(workshop, applicant):
    application = _apply(workshop, applicant)
    services.application_update(
        application=application,
        statement=STATEMENT + " And two more.",
        affiliation="Institute for Model Safety",
        cv_link="https://example.org/~ada/cv",
        languages=["en"],
        max_reviews=4,
        area_levels={RiskArea.objects.get(code="cbrn"): 2},
        method_levels={Method.objects.get(code="red_teaming"): 2},
    )
    event = _event("reviewer_application.updated")
    assert _names(event) == (applicant.pk, "reviewerapplication", application.code, workshop.pk)
    assert event.changes == {
        "statement": [_digest(STATEMENT), _digest(STATEMENT + " And two more.")],
        "languages": [["en", "fr"], ["en"]],
        "expertise": [
            ["area:cbrn=3", "method:red_teaming=2"],
            ["area:cbrn=2", "method:red_teaming=2"],
        ],
    }


def test_availability_update_is_an_update(workshop, applicant):
    application = _apply(workshop, applicant)
    services.application_update_availability(
        application=application, max_reviews=2, languages=["fr", "en"]
    )
    event = _event("reviewer_application.updated")
    assert event.actor_id == applicant.pk
    assert event.changes == {"max_reviews": [4, 2]}


def test_application_withdrawn_and_reapplied(workshop, applicant):
    application = _apply(workshop, applicant)
    services.application_withdraw(application=application)
    withdrawn = _event("reviewer_application.withdrawn")
    assert _names(withdrawn) == (
        applicant.pk,
        "reviewerapplication",
        application.code,
        workshop.pk,
    )
    assert withdrawn.changes == {"state": ["pending", "withdrawn"]}

    _apply(workshop, applicant)
    again = AuditEvent.objects.filter(action="reviewer_application.submitted").latest("id")
    assert again.object_code == application.code
    assert again.details["reapplied"] is True


def test_application_approved_and_declined(application, staff):
    services.application_approve(application=application, decided_by=staff)
    approved = _event("reviewer_application.approved")
    assert _names(approved) == (
        staff.pk,
        "reviewerapplication",
        application.code,
        application.workshop_id,
    )
    assert approved.changes == {"state": ["pending", "approved"]}
    assert approved.details == {"reason": None}

    services.application_decline(
        application=application, decided_by=staff, reason="Ada has no evaluation record yet."
    )
    declined = _event("reviewer_application.declined")
    assert declined.changes == {"state": ["approved", "declined"]}
    assert declined.details == {"reason": _digest("Ada has no evaluation record yet.")}


def test_a_refused_decision_leaves_no_row(application, staff):
    with pytest.raises(ValidationError):
        services.application_decline(application=application, decided_by=staff, reason=" ")
    with pytest.raises(ValidationError):
        services.application_update_availability(
            application=application, max_reviews=2, languages=["xx"]
        )
    assert not AuditEvent.objects.filter(object_type="reviewerapplication").exists()


# --- conflicts of interest ---------------------------------------------------------------


@pytest.fixture
def submission(workshop):
    return CompleteSubmissionFactory(workshop=workshop, state="eligible")


@pytest.fixture
def rui(reviewer, workshop):
    ReviewerApplicationFactory(workshop=workshop, user=reviewer, state="approved")
    return reviewer


def test_conflict_recorded_and_revoked(submission, rui, staff):
    record = conflict_record(
        reviewer=rui, submission=submission, reason="Rui supervised the first author.", user=staff
    )
    recorded = _event("conflict.recorded")
    assert _names(recorded) == (staff.pk, "conflictrecord", str(record.pk), submission.workshop_id)
    assert recorded.details == {
        "submission": submission.code,
        "reviewer": rui.pk,
        "reason": _digest("Rui supervised the first author."),
    }

    conflict_revoke(record=record, user=staff)
    revoked = _event("conflict.revoked")
    assert _names(revoked) == (staff.pk, "conflictrecord", str(record.pk), submission.workshop_id)
    assert revoked.details == {
        "submission": submission.code,
        "reviewer": rui.pk,
        "reason": _digest("Rui supervised the first author."),
        "decision": "recorded",
    }


def test_conflict_dismissed(submission, rui, staff):
    ReviewerTie.objects.create(user=rui, organisation=submission.organisation, tie_type="funding")
    record = conflict_dismiss(
        reviewer=rui, submission=submission, reason="A grant that ended in 2019.", user=staff
    )
    event = _event("conflict.dismissed")
    assert _names(event) == (staff.pk, "conflictrecord", str(record.pk), submission.workshop_id)
    assert event.details["reason"] == _digest("A grant that ended in 2019.")


def test_a_refused_conflict_decision_leaves_no_row(submission, rui, staff):
    with pytest.raises(ValidationError):
        conflict_dismiss(reviewer=rui, submission=submission, reason="Nothing.", user=staff)
    assert not ConflictRecord.objects.exists()
    assert not AuditEvent.objects.filter(object_type="conflictrecord").exists()


# --- ties -------------------------------------------------------------------------------


def test_tie_declared_and_ended(outsider):
    organisation = OrganisationFactory()
    tie = services.tie_add(
        user=outsider, tie_type="employment", organisation=organisation, note="Until 2025."
    )
    declared = _event("tie.declared")
    assert _names(declared) == (outsider.pk, "reviewertie", tie.code, None)
    assert declared.details == {
        "tie_type": "employment",
        "organisation": organisation.code,
        "provider": None,
        "note": _digest("Until 2025."),
    }

    services.tie_end(tie=tie)
    ended = _event("tie.ended")
    assert _names(ended) == (outsider.pk, "reviewertie", tie.code, None)
    assert ended.details == {"tie_type": "employment"}


# --- ratings -----------------------------------------------------------------------------


def test_reviewer_rated_and_rated_again(workshop, rui, staff):
    rating = reviewer_rate(workshop=workshop, reviewer=rui, rating=4, note="On time.", user=staff)
    reviewer_rate(workshop=workshop, reviewer=rui, rating=2, note="", user=staff)
    first, second = AuditEvent.objects.filter(action="reviewer.rated").order_by("id")
    assert _names(first) == (staff.pk, "reviewerrating", str(rating.pk), workshop.pk)
    assert first.changes == {"rating": [None, 4]}
    assert first.details == {"reviewer": rui.pk, "note": _digest("On time.")}
    assert second.changes == {"rating": [4, 2]}
    assert second.details == {"reviewer": rui.pk, "note": None}


# --- workshop invitations ----------------------------------------------------------------


def test_invitation_sent_and_answered(workshop, rui, staff):
    (invitation,) = invitations.invitation_send(
        workshop=workshop, users=[rui], kind="reviewer", user=staff
    )
    invitations.invitation_send(workshop=workshop, users=[rui], kind="reviewer", user=staff)
    first, again = AuditEvent.objects.filter(action="workshop_invitation.sent").order_by("id")
    assert _names(first) == (staff.pk, "workshopinvitation", invitation.code, workshop.pk)
    assert first.details == {
        "invitee": rui.pk,
        "kind": "reviewer",
        "submission": None,
        "again": False,
    }
    assert again.details["again"] is True

    invitations.invitation_answer(
        invitation=invitation,
        accept=True,
        accessibility_needs="Step-free access",
        dietary_needs="No gluten",
        user=rui,
    )
    invitations.invitation_answer(invitation=invitation, accept=False, user=rui)
    accepted, declined = AuditEvent.objects.filter(action="workshop_invitation.answered").order_by(
        "id"
    )
    assert _names(accepted) == (rui.pk, "workshopinvitation", invitation.code, workshop.pk)
    assert accepted.changes == {"state": ["invited", "accepted"]}
    # Needs may be health data: nothing of them, not even whether any were given.
    assert accepted.details == {}
    assert declined.changes == {"state": ["accepted", "declined"]}


def test_a_refused_invitation_leaves_no_row(workshop, outsider, staff):
    with pytest.raises(ValidationError):
        invitations.invitation_send(
            workshop=workshop, users=[outsider], kind="reviewer", user=staff
        )
    assert not WorkshopInvitation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="workshop_invitation.").exists()
