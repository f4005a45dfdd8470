"""Permission predicates for the criteria debate.

Invited participants (evaluators and reviewers who accepted the workshop invitation) and
AI Office staff take part: they propose, comment and support or object. A proposal's
author withdraws it; staff group duplicates and make the next criteria version.
"""

import rules

from portal.rules import is_ai_office_staff
from reviews.models import WorkshopInvitation


@rules.predicate
def is_participant(user, workshop) -> bool:
    """The user accepted the invitation to the workshop (`workshop`: the workshop)."""
    if not user.is_authenticated or workshop is None:
        return False
    cache = user.__dict__.setdefault("_debate_participant_of", {})
    if workshop.pk not in cache:
        cache[workshop.pk] = WorkshopInvitation.objects.filter(
            workshop_id=workshop.pk, user=user, state=WorkshopInvitation.State.ACCEPTED
        ).exists()
    return cache[workshop.pk]


@rules.predicate
def is_open_own_proposal(user, proposal) -> bool:
    return (
        user.is_authenticated
        and proposal is not None
        and proposal.author_id == user.pk
        and proposal.withdrawn_at is None
        and not proposal.outcome
    )


@rules.predicate
def takes_part_in_proposal(user, proposal) -> bool:
    return proposal is not None and is_participant(user, proposal.workshop)


@rules.predicate
def is_open_proposal(user, proposal) -> bool:
    return proposal is not None and proposal.withdrawn_at is None


@rules.predicate
def is_own_live_proposal_comment(user, comment) -> bool:
    return (
        user.is_authenticated
        and comment is not None
        and comment.author_id == user.pk
        and comment.removed_at is None
    )


@rules.predicate
def is_live_proposal_comment(user, comment) -> bool:
    return comment is not None and comment.removed_at is None


may_discuss = (is_ai_office_staff | takes_part_in_proposal) & is_open_proposal


@rules.predicate
def may_discuss_its_proposal(user, comment) -> bool:
    return comment is not None and may_discuss.test(user, comment.proposal)


PERMISSIONS = {
    # obj: the workshop.
    "debate.take_part": is_ai_office_staff | is_participant,
    # obj: the proposal.
    "debate.see_proposal": is_ai_office_staff | takes_part_in_proposal,
    "debate.discuss_proposal": may_discuss,
    "debate.withdraw_proposal": is_open_own_proposal,
    # obj: a comment on a proposal (its author edits it while the proposal is open; the
    # author or staff remove it).
    "debate.edit_proposal_comment": is_own_live_proposal_comment & may_discuss_its_proposal,
    "debate.remove_proposal_comment": (is_own_live_proposal_comment & may_discuss_its_proposal)
    | (is_ai_office_staff & is_live_proposal_comment),
    "debate.see_proposal_comment_history": is_ai_office_staff,
    # obj: the workshop or a proposal.
    "debate.manage_debate": is_ai_office_staff,
}
