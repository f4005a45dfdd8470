"""Organisations, invitations, memberships, workshops and API tokens in the audit log: one
row per decision, written by the service in its transaction, with what changed."""

import json

import pytest
from django.urls import reverse

from portal.models import AuditEvent, Invitation, Membership, Organisation, Workshop
from portal.services import organisations as organisation_services
from portal.services.organisations import invitation_token
from portal.services.tokens import api_token_create, api_token_revoke
from portal.services.workshops import workshop_release_reviews, workshop_save
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def _only(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


# --- organisations --------------------------------------------------------------------


def test_creating_an_organisation_records_it_and_its_first_administrator(client, evaluator):
    client.force_login(evaluator)

    client.post(
        reverse("portal:organisation_create"),
        {"name": "New Lab", "type": "research", "country": "BE"},
    )

    organisation = Organisation.objects.get(name="New Lab")
    created = _only("organisation.created")
    assert (created.actor_id, created.object_type, created.object_code) == (
        evaluator.pk,
        "organisation",
        organisation.code,
    )
    assert created.changes == {
        "country": [None, "BE"],
        "name": [None, "New Lab"],
        "type": [None, "research"],
        "website": [None, ""],
    }
    added = _only("membership.added")
    membership = Membership.objects.get(organisation=organisation)
    assert (added.object_type, added.object_code) == ("membership", membership.code)
    assert added.details == {
        "organisation": organisation.code,
        "user": evaluator.pk,
        "role": "admin",
    }


def test_editing_an_organisation_records_the_fields_that_changed(client, org_admin, organisation):
    client.force_login(org_admin)

    client.post(
        reverse("portal:organisation_edit", args=[organisation.code]),
        {"name": "Renamed Lab", "type": "research", "country": "FR"},
    )

    event = _only("organisation.updated")
    assert event.actor_id == org_admin.pk
    # The form wrote the new values onto the instance before the service ran: "before" is
    # what was stored.
    assert event.changes == {
        "country": ["BE", "FR"],
        "name": ["Centre for Frontier Model Evaluation", "Renamed Lab"],
    }


def test_saving_an_organisation_unchanged_records_nothing(client, org_admin, organisation):
    client.force_login(org_admin)

    client.post(
        reverse("portal:organisation_edit", args=[organisation.code]),
        {"name": organisation.name, "type": organisation.type, "country": "BE"},
    )

    assert not AuditEvent.objects.filter(action="organisation.updated").exists()


def test_invitation_created_keeps_the_address_as_a_hash(
    client, org_admin, organisation, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:organisation_invite", args=[organisation.code]),
            {"email": "newcomer@example.org", "role": "admin"},
        )

    invitation = Invitation.objects.get(organisation=organisation)
    event = _only("invitation.created")
    assert (event.actor_id, event.object_type, event.object_code) == (
        org_admin.pk,
        "invitation",
        invitation.code,
    )
    assert event.details["role"] == "admin"
    assert event.details["organisation"] == organisation.code
    assert event.details["email"]["length"] == len("newcomer@example.org")
    assert "newcomer" not in json.dumps(event.details)


def test_invitation_revoked(client, org_admin, organisation):
    invitation = InvitationFactory(organisation=organisation)
    client.force_login(org_admin)

    client.post(reverse("portal:invitation_revoke", args=[organisation.code, invitation.code]))

    event = _only("invitation.revoked")
    assert (event.actor_id, event.object_code) == (org_admin.pk, invitation.code)
    # Withdrawing it again changes nothing and records nothing.
    organisation_services.invitation_revoke(invitation=Invitation.objects.get(pk=invitation.pk))
    assert AuditEvent.objects.filter(action="invitation.revoked").count() == 1


def test_invitation_accepted_adds_a_member(client, organisation):
    invitation = InvitationFactory(organisation=organisation, email="joiner@example.org")
    invitee = UserFactory(email="joiner@example.org")
    client.force_login(invitee)

    client.post(reverse("portal:invitation_accept", args=[invitation_token(invitation=invitation)]))

    accepted = _only("invitation.accepted")
    assert (accepted.actor_id, accepted.object_code) == (invitee.pk, invitation.code)
    added = _only("membership.added")
    assert added.actor_id == invitee.pk
    assert added.details == {
        "organisation": organisation.code,
        "user": invitee.pk,
        "role": "member",
        "invitation": invitation.code,
    }


def test_membership_removed_keeps_who_and_which_role(client, org_admin, organisation):
    membership = MembershipFactory(organisation=organisation)
    client.force_login(org_admin)

    client.post(reverse("portal:membership_remove", args=[organisation.code, membership.code]))

    event = _only("membership.removed")
    assert (event.actor_id, event.object_type, event.object_code) == (
        org_admin.pk,
        "membership",
        membership.code,
    )
    assert event.details == {
        "organisation": organisation.code,
        "user": membership.user_id,
        "role": "member",
    }


def test_refused_removal_of_the_last_administrator_records_nothing(org_admin, organisation):
    membership = Membership.objects.get(user=org_admin, organisation=organisation)
    with pytest.raises(Exception):  # noqa: B017 -- the service's ValidationError
        organisation_services.membership_remove(membership=membership, user=org_admin)
    assert not AuditEvent.objects.filter(action="membership.removed").exists()


# --- workshops --------------------------------------------------------------------------


def _workshop_form(**overrides):
    data = {
        "title": "Second call",
        "description": "",
        "venue": "Brussels",
        "event_date": "2027-06-01",
        "timezone": "Europe/Brussels",
        "submission_opens_at": "2027-03-01T09:00",
        "submission_closes_at": "2027-03-28T23:59",
        "review_deadline": "2027-04-30T23:59",
        "phase_override": "",
        "anonymous_review": "on",
        "review_visibility": "after_own",
        "justification_min_length": "20",
        "reminder_days": "7,2",
    }
    return {**data, **overrides}


def test_workshop_created_and_updated_with_changed_fields(client, staff, settings):
    client.force_login(staff)
    client.post(reverse("portal:staff_workshop_create"), _workshop_form())
    workshop = Workshop.objects.get(title="Second call")

    created = _only("workshop.created")
    assert (created.actor_id, created.object_code, created.workshop_id) == (
        staff.pk,
        workshop.code,
        workshop.pk,
    )
    assert created.changes["title"] == [None, "Second call"]
    assert created.changes["submission_closes_at"] == [None, "2027-03-28T21:59:00+00:00"]

    long_text = ("A call for evaluations. " * 20).strip()
    client.post(
        reverse("portal:staff_workshop_edit", args=[workshop.code]),
        _workshop_form(title="Second call (revised)", description=long_text, venue="Ispra"),
    )

    updated = _only("workshop.updated")
    assert set(updated.changes) == {"title", "description", "venue"}
    assert updated.changes["title"] == ["Second call", "Second call (revised)"]
    assert updated.changes["venue"] == ["Brussels", "Ispra"]
    # Long text is kept as its hash and length only.
    before, after = updated.changes["description"]
    assert before == ""
    assert after["length"] == len(long_text) > settings.AUDIT_TEXT_LIMIT
    assert "call for evaluations" not in json.dumps(updated.changes)


def test_reviews_released_and_withdrawn(staff):
    workshop = WorkshopFactory()

    workshop_release_reviews(workshop=workshop, release=True, user=staff)
    workshop_release_reviews(workshop=workshop, release=True, user=staff)  # no change
    workshop_release_reviews(workshop=workshop, release=False, user=staff)

    released = _only("workshop.reviews_released")
    assert (released.actor_id, released.workshop_id) == (staff.pk, workshop.pk)
    before, after = released.changes["reviews_released_at"]
    assert before is None and after.startswith("20")
    withdrawn = _only("workshop.reviews_withdrawn")
    assert withdrawn.changes["reviews_released_at"][1] is None


def test_workshop_saved_by_a_command_is_the_system(staff):
    workshop = WorkshopFactory()
    workshop.venue = "Luxembourg"

    workshop_save(workshop=workshop)

    event = _only("workshop.updated")
    assert (event.actor_id, event.actor_system) == (None, "system")


# --- API tokens -------------------------------------------------------------------------


def test_api_token_created_and_revoked_without_its_secret(evaluator):
    token, secret = api_token_create(
        user=evaluator, name="laptop script", scopes=["reviews:read", "submissions:read"]
    )
    created = _only("api_token.created")
    assert (created.actor_id, created.object_type, created.object_code) == (
        evaluator.pk,
        "apitoken",
        token.code,
    )
    assert created.details["name"] == "laptop script"
    assert created.details["prefix"] == token.prefix
    assert created.details["scopes"] == ["reviews:read", "submissions:read"]
    assert created.details["expires_at"].startswith(str(token.expires_at.year))
    stored = json.dumps([created.changes, created.details])
    assert secret not in stored
    assert secret[len(token.prefix) :] not in stored
    assert token.digest not in stored

    api_token_revoke(token=token, user=evaluator)
    api_token_revoke(token=token, user=evaluator)  # already revoked: nothing more

    revoked = _only("api_token.revoked")
    assert (revoked.actor_id, revoked.object_code) == (evaluator.pk, token.code)
    assert token.digest not in json.dumps(revoked.details)


def test_api_token_revoked_from_the_profile_page(client, evaluator):
    token, _secret = api_token_create(user=evaluator, name="t", scopes=["reviews:read"])
    client.force_login(evaluator)

    client.post(reverse("portal:api_token_revoke", args=[token.code]))

    assert _only("api_token.revoked").actor_id == evaluator.pk
