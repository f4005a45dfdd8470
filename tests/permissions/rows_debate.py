"""The criteria debate: participants (the reviewer accepted the workshop invitation) and
staff take part; anyone else sees the workshop, so gets 403 on its pages, and 404 for a
proposal or an agenda session. The author alone withdraws; staff alone group duplicates,
make the next version and edit the agenda (a participant sees the session: 403)."""

from datetime import timedelta

from django.utils import timezone

from tests.permissions.matrix import OK, STAFF, Row, each, signed_in, staff_only


def _workshop(w):
    return {"workshop_code": w.workshop.code}


def _proposal(w):
    return {**_workshop(w), "proposal_code": w.proposal.code}


def _session(w):
    return {**_workshop(w), "session_code": w.agenda_session.code}


def _session_form(w):
    start = timezone.localtime(w.agenda_session.starts_at, w.workshop.tzinfo)
    return {
        "title": "Matrix session",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "room": "Room B",
        "chair": w.reviewer.pk,
        "criteria": [w.criterion.code],
        "proposals": [w.proposal.code],
    }


def _new_proposal(w):
    return {
        "kind": "reword",
        "criterion": w.criterion.code,
        "title": "Matrix proposal",
        "proposed_text": "Matrix wording",
        "rationale": "Because.",
    }


def _comment(w):
    return {**_proposal(w), "comment_code": w.proposal_comment.code}


PARTICIPANTS = (*STAFF, "reviewer")

ROWS = [
    Row(
        "debate:proposal_list",
        kwargs=_workshop,
        get=signed_in(403, **each(PARTICIPANTS, 200)),
    ),
    Row(
        "debate:proposal_create",
        kwargs=_workshop,
        get=signed_in(403, **each(PARTICIPANTS, 200)),
        post=signed_in(403, **each(PARTICIPANTS, OK)),
        data=_new_proposal,
    ),
    Row(
        "debate:proposal_detail",
        kwargs=_proposal,
        get=signed_in(404, **each(PARTICIPANTS, 200)),
    ),
    Row(
        "debate:proposal_comment",
        kwargs=_proposal,
        get=signed_in(404, **each(PARTICIPANTS, 405)),
        post=signed_in(404, **each(PARTICIPANTS, OK)),
        data=lambda w: {"body": "I agree."},
    ),
    # The reviewer's own comment: they edit it; they or staff remove it; staff read its
    # history. Staff may not edit someone else's words.
    Row(
        "debate:proposal_comment_edit",
        kwargs=_comment,
        get=signed_in(404, **each(STAFF, 403), reviewer=200),
        post=signed_in(404, **each(STAFF, 403), reviewer=OK),
        data=lambda w: {"body": "I would add intervals, edited.", "revision": 2},
    ),
    Row(
        "debate:proposal_comment_remove",
        kwargs=_comment,
        get=signed_in(404, **each(PARTICIPANTS, 200)),
        post=signed_in(404, **each(PARTICIPANTS, OK)),
    ),
    Row(
        "debate:proposal_comment_history",
        kwargs=_comment,
        get=signed_in(404, **each(STAFF, 200), reviewer=403),
    ),
    Row(
        "debate:proposal_stance",
        kwargs=_proposal,
        get=signed_in(404, **each(PARTICIPANTS, 405)),
        post=signed_in(404, **each(PARTICIPANTS, OK)),
        data=lambda w: {"stance": "support"},
    ),
    Row(
        "debate:proposal_withdraw",
        kwargs=_proposal,
        get=signed_in(404, **each(STAFF, 403), reviewer=405),
        post=signed_in(404, **each(STAFF, 403), reviewer=OK),
    ),
    Row(
        "debate:proposal_group",
        kwargs=_proposal,
        get=signed_in(404, **each(STAFF, 405), reviewer=403),
        post=signed_in(404, **each(STAFF, OK), reviewer=403),
        data=lambda w: {"duplicate_of": w.accepted_proposal.code},
    ),
    Row(
        "debate:next_version",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(OK),
        data=lambda w: {"proposals": [w.accepted_proposal.code]},
    ),
    Row(
        "debate:agenda",
        kwargs=_workshop,
        get=signed_in(403, **each(PARTICIPANTS, 200)),
    ),
    Row(
        "debate:agenda_ics",
        kwargs=_workshop,
        get=signed_in(403, **each(PARTICIPANTS, 200)),
    ),
    Row(
        "debate:agenda_manage",
        kwargs=_workshop,
        get=staff_only(),
    ),
    Row(
        "debate:agenda_session_create",
        kwargs=_workshop,
        get=staff_only(),
        post=staff_only(OK),
        data=_session_form,
    ),
    Row(
        "debate:agenda_session_edit",
        kwargs=_session,
        get=signed_in(404, **each(STAFF, 200), reviewer=403),
        post=signed_in(404, **each(STAFF, OK), reviewer=403),
        data=_session_form,
    ),
    Row(
        "debate:agenda_session_delete",
        kwargs=_session,
        get=signed_in(404, **each(STAFF, 200), reviewer=403),
        post=signed_in(404, **each(STAFF, OK), reviewer=403),
    ),
]


# --- live notes: staff record outcomes; a participant may see the proposal (403), others
# may not (404). The JSON autosave answers a signed-out script with 401.
def _session(w):
    return {**_workshop(w), "session_code": w.agenda_session.code}


def _outcome_form(w):
    return {
        "proposal": w.proposal.code,
        "revision": w.proposal.outcome_revision,
        "outcome": "accepted",
        "notes": "Agreed in the matrix.",
    }


def _live(outcome, *, staff):
    return signed_in(404, reviewer=outcome, **each(STAFF, staff))


ROWS += [
    *(
        Row(
            name,
            kwargs=kwargs,
            get=_live(403, staff=200),
            post=_live(403, staff=OK),
            data=_outcome_form,
        )
        for name, kwargs in (
            ("debate:session_notes", _session),
            ("debate:proposal_outcome", _proposal),
        )
    ),
    Row(
        "debate:proposal_outcome_autosave",
        kwargs=_proposal,
        get={**_live(403, staff=405), "anonymous": 401},
        post={**_live(403, staff=200), "anonymous": 401},
        data=_outcome_form,
    ),
]
