"""Lookups for the debate's views: a proposal or an agenda session of a workshop the user may
see, through the selectors (404 for anyone who does not take part in the debate)."""

from debate import selectors
from debate.models import AgendaSession, Proposal, ProposalComment
from portal import lookups


def proposal(request, workshop_code: str, proposal_code: str) -> Proposal:
    workshop = lookups.workshop(request, workshop_code)
    return selectors.proposal_get_for_user(workshop=workshop, code=proposal_code, user=request.user)


def agenda_session(request, workshop_code: str, session_code: str) -> AgendaSession:
    workshop = lookups.workshop(request, workshop_code)
    return selectors.agenda_session_get_for_user(
        workshop=workshop, code=session_code, user=request.user
    )


def proposal_comment(
    request, workshop_code: str, proposal_code: str, comment_code: str
) -> ProposalComment:
    return selectors.proposal_comment_get(
        proposal=proposal(request, workshop_code, proposal_code), code=comment_code
    )
