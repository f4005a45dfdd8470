"""Answering a workshop invitation (RSVP): the emailed link, the invitee's answer page, and
who may see or change the stored accessibility and dietary needs."""

import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core import signing
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from reviews.models import WorkshopInvitation
from reviews.workshop_invitations import services
from reviews.workshop_invitations.services import RSVPError
from tests.factories import WorkshopFactory
from tests.factories.core import PASSWORD

pytestmark = pytest.mark.django_db

State = WorkshopInvitation.State
Kind = WorkshopInvitation.Kind

NAME = "Ines Invitee"
TITLE = "Alpha evaluation"
ACCESSIBILITY = "Wheelchair user: step-free route please"
DIETARY = "Coeliac: strictly gluten-free"


@pytest.fixture
def invitation(workshop, staff, submissions):
    """A submitter's invitation, accepted with needs stored."""
    contact = submissions[0].contact
    contact.full_name = NAME
    contact.save()
    workshop.event_date = timezone.localdate() + timedelta(days=30)
    workshop.save()
    [invitation] = services.invitation_send(
        workshop=workshop,
        users=[contact],
        kind=Kind.SUBMITTER,
        user=staff,
        submission=submissions[0],
    )
    return services.invitation_answer(
        invitation=invitation,
        accept=True,
        accessibility_needs=ACCESSIBILITY,
        dietary_needs=DIETARY,
        user=contact,
    )


def _link(invitation) -> str:
    return reverse(
        "reviews:invitation_rsvp", args=[services.invitation_token(invitation=invitation)]
    )


def _page(invitation) -> str:
    return reverse("reviews:invitation_answer", args=[invitation.code])


def _stored(invitation) -> tuple:
    invitation.refresh_from_db()
    return (invitation.state, invitation.accessibility_needs, invitation.dietary_needs)


ACCEPTED_WITH_NEEDS = (State.ACCEPTED, ACCESSIBILITY, DIETARY)


# --- The emailed link, not logged in ---------------------------------------------------------


def test_link_without_login_shows_no_personal_data(client, invitation, workshop):
    response = client.get(_link(invitation))

    assert response.status_code == 200
    content = response.content.decode()
    for personal in (NAME, invitation.user.email, TITLE, ACCESSIBILITY, DIETARY):
        assert personal not in content
    assert workshop.title in content
    assert response["Cache-Control"].startswith("max-age=0")


def test_link_without_login_offers_login_back_to_the_link(client, invitation):
    link = _link(invitation)

    response = client.get(link)

    login = f"{reverse('account_login')}?next={quote(link, safe='/')}"
    assert f'href="{login}"' in response.content.decode()


def test_link_login_leads_the_invitee_to_their_answer(client, invitation):
    link = _link(invitation)

    response = client.post(
        f"{reverse('account_login')}?next={quote(link, safe='/')}",
        {"login": invitation.user.email, "password": PASSWORD},
        follow=True,
    )

    assert [url for url, _status in response.redirect_chain] == [link, _page(invitation)]
    assert ACCESSIBILITY in response.content.decode()


def test_link_without_login_changes_nothing_on_post(client, invitation):
    response = client.post(
        _link(invitation), {"answer": "accept", "accessibility_needs": "", "dietary_needs": ""}
    )

    assert response.status_code == 200
    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


def test_link_without_login_cannot_decline(client, invitation):
    client.post(_link(invitation), {"answer": "decline"})

    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


# --- The emailed link, logged in --------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "staff", "evaluator"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_link_for_someone_else_is_404(client, request, invitation, persona, method):
    client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(_link(invitation), {"answer": "decline"})

    assert response.status_code == 404
    assert response.context["problem"] == "wrong_user"
    content = response.content.decode()
    for personal in (NAME, TITLE, ACCESSIBILITY, DIETARY):
        assert personal not in content
    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


def test_link_takes_the_invitee_to_their_answer(client, invitation):
    client.force_login(invitation.user)

    response = client.get(_link(invitation))

    assert response.status_code == 302
    assert response.url == _page(invitation)


def test_link_post_by_the_invitee_changes_nothing(client, invitation):
    # The form posts to the answer page; the link itself never writes.
    client.force_login(invitation.user)

    client.post(_link(invitation), {"answer": "decline"})

    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


# --- The invitee's answer page ----------------------------------------------------------------


def test_invitee_sees_and_updates_their_needs(client, invitation):
    client.force_login(invitation.user)

    shown = client.get(_link(invitation), follow=True)
    response = client.post(
        _page(invitation),
        {"answer": "accept", "accessibility_needs": "Captions", "dietary_needs": "Vegan"},
    )

    content = shown.content.decode()
    for personal in (NAME, TITLE, ACCESSIBILITY, DIETARY):
        assert personal in content
    assert shown["Cache-Control"].startswith("max-age=0")
    assert response.status_code == 302
    assert _stored(invitation) == (State.ACCEPTED, "Captions", "Vegan")


def test_answer_page_needs_login(client, invitation):
    page = _page(invitation)

    response = client.post(page, {"answer": "decline"})

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={quote(page, safe='/')}"
    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


@pytest.mark.parametrize("persona", ["outsider", "staff"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_answer_page_of_someone_else_is_404(client, request, invitation, persona, method):
    client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(_page(invitation), {"answer": "decline"})

    assert response.status_code == 404
    assert ACCESSIBILITY not in response.content.decode()
    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


def test_answer_decline_clears_needs(client, invitation):
    client.force_login(invitation.user)

    client.post(_page(invitation), {"answer": "decline", "dietary_needs": "Vegan"})

    assert _stored(invitation) == (State.DECLINED, "", "")


def test_answer_again_updates_and_shows_it(client, invitation):
    client.force_login(invitation.user)
    client.post(_page(invitation), {"answer": "decline"})

    client.post(_page(invitation), {"answer": "accept", "accessibility_needs": "Captions"})

    assert _stored(invitation) == (State.ACCEPTED, "Captions", "")
    assert WorkshopInvitation.objects.count() == 1
    response = client.get(_page(invitation))
    assert response.context["form"].initial["answer"] == "accept"


def test_answer_without_choice_shows_error(client, invitation):
    client.force_login(invitation.user)

    response = client.post(_page(invitation), {"answer": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"answer": ["Choose whether you will attend."]}
    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


def test_answer_page_closed_after_event_day(client, invitation, workshop):
    workshop.event_date = timezone.localdate() - timedelta(days=1)
    workshop.save()
    client.force_login(invitation.user)

    response = client.post(_page(invitation), {"answer": "decline"})

    assert response.status_code == 410
    assert response.context["problem"] == "expired"
    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


# --- The service --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "staff"])
def test_service_refuses_anyone_but_the_invitee(request, invitation, persona):
    with pytest.raises(RSVPError) as raised:
        services.invitation_answer(
            invitation=invitation, accept=False, user=request.getfixturevalue(persona)
        )

    assert raised.value.code == "wrong_user"
    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


def test_service_refuses_after_event_day(invitation, workshop):
    workshop.event_date = timezone.localdate() - timedelta(days=1)
    workshop.save()

    with pytest.raises(RSVPError) as raised:
        services.invitation_answer(invitation=invitation, accept=False, user=invitation.user)

    assert raised.value.code == "expired"
    assert _stored(invitation) == ACCEPTED_WITH_NEEDS


# --- Bad links ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), id="sig"),
        pytest.param(lambda token: "x" + token, id="payload"),
        pytest.param(lambda token: "garbage", id="garbage"),
    ],
)
def test_link_tampered(client, invitation, tamper):
    token = tamper(services.invitation_token(invitation=invitation))
    client.force_login(invitation.user)

    response = client.get(reverse("reviews:invitation_rsvp", args=[token]))

    assert response.status_code == 404
    assert response.context["problem"] == "invalid"
    assert "not valid" in response.content.decode()


def test_link_of_another_purpose_is_invalid(client, invitation):
    token = signing.dumps(invitation.code, salt="portal.invitation", compress=False)

    response = client.get(reverse("reviews:invitation_rsvp", args=[token]))

    assert response.status_code == 404


def _link_sent_days_ago(invitation, monkeypatch, days: int) -> str:
    sent = time.time() - timedelta(days=days).total_seconds()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: sent)
        return _link(invitation)


def test_link_expired_after_60_days_without_event_date(client, invitation, workshop, monkeypatch):
    workshop.event_date = None
    workshop.save()
    link = _link_sent_days_ago(invitation, monkeypatch, 61)
    client.force_login(invitation.user)

    response = client.get(link)

    assert response.status_code == 410
    assert response.context["problem"] == "expired"
    assert "expired" in response.content.decode()


def test_link_expired_after_event_day(client, invitation, workshop):
    workshop.event_date = timezone.localdate() - timedelta(days=1)
    workshop.save()
    client.force_login(invitation.user)

    response = client.get(_link(invitation))

    assert response.status_code == 410


def test_link_event_date_rules_over_60_days(client, invitation, workshop, monkeypatch):
    workshop.event_date = timezone.localdate() + timedelta(days=10)
    workshop.save()
    link = _link_sent_days_ago(invitation, monkeypatch, 90)
    client.force_login(invitation.user)

    response = client.get(link)

    assert response.status_code == 302


# --- The dashboard ------------------------------------------------------------------------------


def test_dashboard_links_the_invitee_to_their_answer(client, invitation):
    client.force_login(invitation.user)

    response = client.get(reverse("portal:dashboard"))

    content = response.content.decode()
    assert f'href="{_page(invitation)}"' in content
    assert "You accepted." in content


def test_dashboard_of_someone_else_has_no_invitation(client, invitation, outsider):
    client.force_login(outsider)

    response = client.get(reverse("portal:dashboard"))

    assert _page(invitation) not in response.content.decode()


def test_dashboard_leaves_out_invitations_after_event_day(client, invitation, workshop):
    workshop.event_date = timezone.localdate() - timedelta(days=1)
    workshop.save()
    client.force_login(invitation.user)

    response = client.get(reverse("portal:dashboard"))

    assert _page(invitation) not in response.content.decode()


@pytest.mark.parametrize("size", [2, 8])
def test_dashboard_tag_queries_constant(staff, outsider, django_assert_num_queries, size):
    for _ in range(size):
        WorkshopInvitation.objects.create(
            workshop=WorkshopFactory(), user=outsider, kind=Kind.REVIEWER, invited_by=staff
        )
    template = Template("{% load workshop_invitation_tags %}{% workshop_invitations_dashboard %}")

    # One query: the person's invitations with their workshops.
    with django_assert_num_queries(1):
        html = template.render(Context({"user": outsider}))

    assert html.count("/answer/") == size
