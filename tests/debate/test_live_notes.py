"""Live notes: the service that records a proposal's outcome (stale revisions refused, who
decided and when, the audit log kept short), the notes pages with and without JavaScript,
the JSON autosave, and the notes page's constant number of queries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from debate.models import Proposal, ProposalStance
from debate.services import criteria_set_next_from_proposals, proposal_outcome_record
from portal.concurrency import StaleEditError
from portal.models import AuditEvent
from tests.factories import UserFactory

from .conftest import make_proposal, make_session

pytestmark = pytest.mark.django_db

ACCEPTED = Proposal.Outcome.ACCEPTED


def _record(proposal, user, *, revision=None, outcome=ACCEPTED, notes="", now=None):
    if revision is None:
        revision = Proposal.objects.get(pk=proposal.pk).outcome_revision
    return proposal_outcome_record(
        proposal=proposal, user=user, revision=revision, outcome=outcome, notes=notes, now=now
    )


def _audit(proposal, action=None):
    rows = AuditEvent.objects.filter(object_type="proposal", object_code=proposal.code)
    if action:
        rows = rows.filter(action__startswith="proposal." + action)
    return list(rows.order_by("pk"))


def _session(workshop, *proposals, note_taker=None):
    return make_session(workshop, *proposals, note_taker=note_taker, room="Room 2")


def _notes_url(session):
    return reverse("debate:session_notes", args=[session.workshop.code, session.code])


def _outcome_url(proposal):
    return reverse("debate:proposal_outcome", args=[proposal.workshop.code, proposal.code])


def _autosave_url(proposal):
    return reverse("debate:proposal_outcome_autosave", args=[proposal.workshop.code, proposal.code])


# --- the service ------------------------------------------------------------------------


def test_outcome_sets_decided_and_clearing_clears_it(workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    saved = _record(proposal, staff, revision=1, notes="Agreed after a short debate.")
    saved.refresh_from_db()
    assert (saved.outcome, saved.outcome_notes) == (ACCEPTED, "Agreed after a short debate.")
    assert saved.decided_by == staff and saved.decided_at is not None
    assert saved.outcome_revision == 2

    cleared = _record(proposal, staff, revision=2, outcome="", notes="Reopened.")
    cleared.refresh_from_db()
    assert cleared.outcome == "" and cleared.decided_at is None and cleared.decided_by is None
    assert cleared.outcome_revision == 3


def test_saving_what_is_stored_writes_nothing(workshop, participant, staff, superuser):
    proposal = make_proposal(workshop, participant)
    _record(proposal, staff, revision=1, notes="Agreed.")
    again = _record(proposal, superuser, revision=2, notes="Agreed.")  # a form sent again
    again.refresh_from_db()
    assert (again.outcome_revision, again.decided_by) == (2, staff)
    # So the first note-taker's next autosave, from revision 2, is no conflict.
    _record(proposal, staff, revision=2, notes="Agreed, with one change.")
    proposal.refresh_from_db()
    assert (proposal.outcome_revision, proposal.outcome_notes) == (3, "Agreed, with one change.")


def test_notes_alone_keep_who_decided(workshop, participant, staff, superuser):
    proposal = make_proposal(workshop, participant)
    _record(proposal, staff, revision=1)
    _record(proposal, superuser, revision=2, notes="More notes")
    proposal.refresh_from_db()
    assert proposal.decided_by == staff and proposal.outcome_notes == "More notes"


def test_a_stale_revision_is_refused_with_the_stored_one(workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    _record(proposal, staff, revision=1, notes="First note-taker's text")
    with pytest.raises(StaleEditError) as refused:
        _record(proposal, staff, revision=1, outcome="", notes="Second tab")
    assert refused.value.current == 2
    assert refused.value.current_value == {
        "outcome": ACCEPTED,
        "notes": "First note-taker's text",
    }
    proposal.refresh_from_db()
    assert proposal.outcome_notes == "First note-taker's text" and proposal.outcome_revision == 2


def test_withdrawn_is_refused(workshop, participant, staff):
    proposal = make_proposal(workshop, participant, withdrawn_at=timezone.now())
    with pytest.raises(ValidationError, match="withdrawn"):
        _record(proposal, staff, revision=1)
    proposal.refresh_from_db()
    assert proposal.outcome == "" and proposal.outcome_revision == 1


def test_applied_outcome_cannot_change_but_notes_can(workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    _record(proposal, staff, revision=1)
    criteria_set_next_from_proposals(workshop=workshop, proposals=[proposal], user=staff)
    for outcome in ("", Proposal.Outcome.REJECTED):
        with pytest.raises(ValidationError, match="already applied"):
            _record(proposal, staff, revision=2, outcome=outcome)
    proposal.refresh_from_db()
    assert proposal.outcome == ACCEPTED and proposal.decided_at is not None
    _record(proposal, staff, revision=2, notes="Applied as agreed.")
    proposal.refresh_from_db()
    assert proposal.outcome_notes == "Applied as agreed."


def test_only_staff_record(workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    with pytest.raises(PermissionDenied):
        _record(proposal, participant, revision=1)


def test_unknown_outcome_is_refused(workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    with pytest.raises(ValidationError):
        _record(proposal, staff, revision=1, outcome="maybe")


def test_audit_rows_outcome_changes_and_notes_once_a_minute(workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    start = timezone.now()

    def at(seconds, **fields):
        _record(proposal, staff, now=start + dt.timedelta(seconds=seconds), **fields)

    at(0, notes="A")
    at(1, notes="AB")  # notes alone: one row
    at(2, notes="ABC")  # within the minute: none
    at(30, notes="ABCD")  # still within the minute
    at(65, notes="ABCDE")  # a minute later: one row
    at(66, outcome=Proposal.Outcome.REJECTED, notes="ABCDE")
    at(67, outcome=Proposal.Outcome.REJECTED, notes="ABCDE")  # nothing changed: none
    rows = _audit(proposal)
    assert [(r.action, r.changes, r.details) for r in rows] == [
        (
            "proposal.outcome_recorded",
            {"outcome": ["", "accepted"]},
            {"notes_length": 1, "notes_changed": True},
        ),
        ("proposal.notes_edited", {}, {"notes_length": 2}),
        ("proposal.notes_edited", {}, {"notes_length": 5}),
        (
            "proposal.outcome_recorded",
            {"outcome": ["accepted", "rejected"]},
            {"notes_length": 5, "notes_changed": False},
        ),
    ]
    assert all("ABC" not in str(r.details) for r in rows)


# --- the pages -------------------------------------------------------------------------


def test_notes_page_shows_the_session_proposals(client, workshop, participant, staff):
    first = make_proposal(workshop, participant, title="Say what uncertainty means")
    second = make_proposal(workshop, participant, title="Drop the duplicate", kind="drop")
    ProposalStance.objects.create(proposal=first, user=participant, stance="support")
    not_on_it = make_proposal(workshop, participant, title="Another session's")
    session = _session(workshop, first, second, note_taker=staff)
    client.force_login(staff)
    response = client.get(_notes_url(session))
    assert response.status_code == 200
    assert [p.code for p, _form in response.context["items"]] == [first.code, second.code]
    html = response.content.decode()
    assert "Say what uncertainty means" in html and not_on_it.title not in html
    assert f'id="support-{first.code}">1<' in html
    assert _autosave_url(first) in html
    assert 'name="outcome" value="accepted"' in html


def test_nojs_post_records_and_redirects_back(client, workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    session = _session(workshop, proposal)
    client.force_login(staff)
    response = client.post(
        _notes_url(session),
        {"proposal": proposal.code, "revision": 1, "outcome": "accepted", "notes": "Agreed."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_notes_url(session)}#proposal-{proposal.code}"
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.outcome_notes, proposal.decided_by) == (
        "accepted",
        "Agreed.",
        staff,
    )


def test_nojs_stale_post_shows_the_other_text(client, workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    session = _session(workshop, proposal)
    _record(proposal, staff, revision=1, outcome="rejected", notes="Their careful notes")
    client.force_login(staff)
    response = client.post(
        _notes_url(session),
        {"proposal": proposal.code, "revision": 1, "outcome": "accepted", "notes": "Mine"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this since you opened the page" in html
    assert "Outcome: Rejected. Notes: Their careful notes" in html
    assert ">Mine</textarea>" in html  # what this person typed stays in the form
    proposal.refresh_from_db()
    assert proposal.outcome_notes == "Their careful notes"


def test_nojs_post_of_a_proposal_not_on_the_session_is_404(client, workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    session = _session(workshop)
    client.force_login(staff)
    response = client.post(
        _notes_url(session), {"proposal": proposal.code, "revision": 1, "outcome": "accepted"}
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.outcome == ""


def test_outcome_page_for_a_proposal_on_no_session(client, workshop, participant, staff):
    proposal = make_proposal(workshop, participant, title="Orphan proposal")
    client.force_login(staff)
    response = client.get(_outcome_url(proposal))
    assert response.status_code == 200
    assert "Outcome: Orphan proposal" in response.content.decode()
    response = client.post(
        _outcome_url(proposal), {"revision": 1, "outcome": "needs_more_work", "notes": "Later."}
    )
    assert response.status_code == 302 and response["Location"] == _outcome_url(proposal)
    proposal.refresh_from_db()
    assert proposal.outcome == "needs_more_work" and proposal.outcome_revision == 2


def test_outcome_page_refuses_withdrawn_with_a_message(client, workshop, participant, staff):
    proposal = make_proposal(workshop, participant, withdrawn_at=timezone.now())
    client.force_login(staff)
    response = client.post(_outcome_url(proposal), {"revision": 1, "outcome": "accepted"})
    assert response.status_code == 400
    assert "no outcome can be recorded" in response.content.decode()


def test_autosave_json_saves(client, workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    client.force_login(staff)
    response = client.post(
        _autosave_url(proposal), {"revision": 1, "outcome": "accepted", "notes": "Typed"}
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["revision"] == 2 and answer["message"].startswith("Saved at ")
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.outcome_notes) == ("accepted", "Typed")


def test_autosave_json_stale_is_409_with_their_text(client, workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    _record(proposal, staff, revision=1, notes="Saved elsewhere")
    client.force_login(staff)
    response = client.post(_autosave_url(proposal), {"revision": 1, "outcome": "", "notes": "x"})
    assert response.status_code == 409
    answer = response.json()
    assert answer["current_revision"] == 2
    assert answer["current_text"] == "Outcome: Accepted. Notes: Saved elsewhere"


def test_autosave_json_invalid_is_400(client, workshop, participant, staff):
    proposal = make_proposal(workshop, participant)
    client.force_login(staff)
    response = client.post(_autosave_url(proposal), {"revision": "x", "outcome": "maybe"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"revision", "outcome"}
    withdrawn = make_proposal(workshop, participant, withdrawn_at=timezone.now())
    response = client.post(_autosave_url(withdrawn), {"revision": 1, "outcome": "accepted"})
    assert response.status_code == 400 and "withdrawn" in response.json()["error"]


def test_autosave_json_signed_out_is_401(client, workshop, participant):
    proposal = make_proposal(workshop, participant)
    response = client.post(_autosave_url(proposal), {"revision": 1, "outcome": "accepted"})
    assert response.status_code == 401 and "signed out" in response.json()["error"]


def test_participants_may_not_record_others_get_404(client, workshop, participant, outsider):
    proposal = make_proposal(workshop, participant)
    session = _session(workshop, proposal)
    client.force_login(participant)
    assert client.get(_notes_url(session)).status_code == 403
    assert client.get(_outcome_url(proposal)).status_code == 403
    assert client.post(_autosave_url(proposal), {"revision": 1}).status_code == 403
    client.force_login(outsider)
    assert client.get(_notes_url(session)).status_code == 404
    assert client.get(_outcome_url(proposal)).status_code == 404
    assert client.post(_autosave_url(proposal), {"revision": 1}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.outcome_revision == 1


@pytest.mark.parametrize("count", [5, 30])
def test_notes_page_queries_constant(
    client, workshop, participant, staff, count, django_assert_num_queries
):
    proposals = [make_proposal(workshop, participant, title=f"P{i}") for i in range(count)]
    voters = [UserFactory() for _ in range(2)]
    for proposal in proposals:
        for voter in voters:
            ProposalStance.objects.create(proposal=proposal, user=voter, stance="support")
    for proposal in proposals[::2]:
        _record(proposal, staff, revision=1, notes="Decided")
    session = _session(workshop, *proposals, note_taker=staff)
    client.force_login(staff)
    # session, user, staff group, second factor, workshop, agenda session, the proposals
    # with their criteria, counts and who decided
    with django_assert_num_queries(7):
        response = client.get(_notes_url(session))
    assert len(response.context["items"]) == count
    assert response.context["items"][0][0].support_count == 2
