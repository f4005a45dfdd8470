import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.models import Invitation, Membership
from portal.services.organisations import invitation_token
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, organisation, email, capture, role="member"):
    with capture(execute=True):
        return client.post(
            reverse("portal:organisation_invite", args=[organisation.code]),
            {"email": email, "role": role},
        )


def _link_path(body: str) -> str:
    match = re.search(r"https?://\S+/invitations/\S+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_admin_invites_and_invitee_joins(
    client, org_admin, organisation, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    response = _invite(
        client, organisation, "New.Member@Example.org", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == "new.member@example.org"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.member@example.org"]
    assert organisation.name in mail.outbox[0].subject
    path = _link_path(mail.outbox[0].body)

    invitee = UserFactory(email="new.member@example.org")
    client.force_login(invitee)
    response = client.get(path)
    assert response.status_code == 200
    assert response.templates[0].name == "portal/invitation_accept.html"
    response = client.post(path)
    assert response.status_code == 302
    membership = Membership.objects.get(organisation=organisation, user=invitee)
    assert membership.role == Membership.Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee


def test_anonymous_visitor_is_asked_to_log_in(client, organisation):
    invitation = InvitationFactory(organisation=organisation)
    response = client.get(
        reverse("portal:invitation_accept", args=[invitation_token(invitation=invitation)])
    )
    assert response.status_code == 200
    assert response.templates[0].name == "portal/invitation_login.html"
    assert invitation.email in response.content.decode()


@pytest.mark.parametrize(
    ("problem", "status"),
    [
        ("expired", 410),
        ("used", 410),
        ("wrong_user", 403),
        ("already_member", 409),
        ("revoked", 410),
    ],
)
def test_invitation_bad_cases_show_a_page_and_change_nothing(
    client, organisation, evaluator, problem, status
):
    invitation = InvitationFactory(organisation=organisation, email="invitee@example.org")
    invitee = UserFactory(email="invitee@example.org")
    acting = invitee
    if problem == "expired":
        invitation.expires_at = timezone.now() - timedelta(seconds=1)
    elif problem == "used":
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = invitee
        Membership.objects.create(organisation=organisation, user=invitee)
    elif problem == "wrong_user":
        acting = UserFactory(email="someone.else@example.org")
    elif problem == "already_member":
        Membership.objects.create(organisation=organisation, user=invitee)
    elif problem == "revoked":
        invitation.revoked_at = timezone.now()
    invitation.save()
    memberships_before = set(Membership.objects.values_list("organisation_id", "user_id", "role"))
    client.force_login(acting)
    url = reverse("portal:invitation_accept", args=[invitation_token(invitation=invitation)])

    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == status
        assert response.templates[0].name == "portal/invitation_problem.html"
        assert f'data-problem="{problem}"' in response.content.decode()

    assert (
        set(Membership.objects.values_list("organisation_id", "user_id", "role"))
        == memberships_before
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == (invitee if problem == "used" else None)


def test_link_used_twice_second_time_refused(client, organisation):
    invitation = InvitationFactory(organisation=organisation, email="twice@example.org")
    invitee = UserFactory(email="twice@example.org")
    client.force_login(invitee)
    url = reverse("portal:invitation_accept", args=[invitation_token(invitation=invitation)])
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 410
    assert 'data-problem="used"' in response.content.decode()
    assert Membership.objects.filter(organisation=organisation, user=invitee).count() == 1


def test_tampered_link_is_invalid(client, organisation, evaluator):
    invitation = InvitationFactory(organisation=organisation)
    token = invitation_token(invitation=invitation)
    client.force_login(evaluator)
    response = client.get(reverse("portal:invitation_accept", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert 'data-problem="invalid"' in response.content.decode()


def test_inviting_existing_member_is_refused_with_message(
    client, org_admin, evaluator, organisation, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    response = _invite(client, organisation, evaluator.email, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        f"{evaluator.email} is already a member of {organisation.name}."
    ]
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_reinviting_replaces_the_open_invitation(
    client, org_admin, organisation, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    _invite(client, organisation, "again@example.org", django_capture_on_commit_callbacks)
    first = Invitation.objects.get()
    _invite(client, organisation, "again@example.org", django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_member_cannot_invite(client, evaluator, organisation):
    client.force_login(evaluator)
    response = client.post(
        reverse("portal:organisation_invite", args=[organisation.code]),
        {"email": "x@example.org", "role": "member"},
    )
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_outsider_gets_404_for_organisation_pages(client, outsider, organisation):
    client.force_login(outsider)
    for name in ["organisation_detail", "organisation_edit", "organisation_invite"]:
        assert client.get(reverse(f"portal:{name}", args=[organisation.code])).status_code == 404
