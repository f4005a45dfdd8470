"""A workshop with its default criteria, a participant (accepted invitation), one invited
but not yet accepted, and helpers for proposals."""

import datetime as dt

import pytest
from django.utils import timezone

from criteria.selectors import criteria_set_current
from debate.models import AgendaSession, Proposal
from reviews.models import WorkshopInvitation
from tests.factories import UserFactory, WorkshopFactory


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Brussels workshop")


@pytest.fixture
def criteria_set(workshop):
    return criteria_set_current(workshop=workshop)


def invite(workshop, user, state=WorkshopInvitation.State.ACCEPTED, kind="reviewer"):
    return WorkshopInvitation.objects.create(workshop=workshop, user=user, kind=kind, state=state)


@pytest.fixture
def participant(workshop):
    user = UserFactory(email="pat@example.org", full_name="Pat Participant")
    invite(workshop, user)
    return user


@pytest.fixture
def other_participant(workshop):
    user = UserFactory(email="quinn@example.org", full_name="Quinn Participant")
    invite(workshop, user, kind="submitter")
    return user


@pytest.fixture
def invited_only(workshop):
    user = UserFactory(email="ivy@example.org", full_name="Ivy Invited")
    invite(workshop, user, state=WorkshopInvitation.State.INVITED)
    return user


def make_proposal(workshop, author, **fields) -> Proposal:
    criteria_set = criteria_set_current(workshop=workshop)
    defaults = {
        "criteria_set": criteria_set,
        "criterion": criteria_set.criteria.get(code="REL-1"),
        "kind": Proposal.Kind.REWORD,
        "title": "Clearer wording",
        "proposed_text": "Reported with uncertainty",
        "rationale": "Reviewers read it differently.",
    }
    defaults.update(fields)
    return Proposal.objects.create(workshop=workshop, author=author, **defaults)


def make_session(workshop, *proposals, note_taker=None, room="") -> AgendaSession:
    """An agenda session tomorrow, with `proposals` on it."""
    start = timezone.now() + dt.timedelta(days=1)
    session = AgendaSession.objects.create(
        workshop=workshop,
        title="Reliability criteria",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        room=room,
        note_taker=note_taker,
    )
    session.proposals.set(proposals)
    return session
