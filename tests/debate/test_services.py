"""Who may propose, what a proposal may link, support counts, withdrawal, duplicates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from debate import selectors, services
from debate.models import Proposal, ProposalStance
from portal.models import AuditEvent
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    ReviewerApplicationFactory,
    ReviewFactory,
    UserFactory,
)

from .conftest import make_proposal

pytestmark = pytest.mark.django_db


def _create(workshop, user, **overrides):
    criteria_set = selectors.criteria_for_proposals(workshop=workshop)[0]
    fields = {
        "kind": Proposal.Kind.REWORD,
        "title": "Clearer wording",
        "rationale": "Reviewers read it differently.",
        "criterion": criteria_set.criteria.get(code="REL-1"),
        "proposed_text": "Reported with uncertainty",
    }
    fields.update(overrides)
    return services.proposal_create(workshop=workshop, user=user, **fields)


def test_participant_and_staff_propose(workshop, participant, staff, criteria_set):
    mine = _create(workshop, participant, attribution_consent=True)
    theirs = _create(workshop, staff, title="Staff's")
    assert mine.criteria_set == criteria_set
    assert mine.author == participant and mine.attribution_consent
    assert theirs.author == staff
    assert AuditEvent.objects.filter(action="proposal.created", object_code=mine.code).exists()


def test_invited_but_not_accepted_and_outsiders_may_not_propose(
    workshop, invited_only, outsider, reviewer
):
    for user in (invited_only, outsider, reviewer):
        with pytest.raises(PermissionDenied):
            _create(workshop, user)
    assert not Proposal.objects.exists()


def test_criterion_must_be_of_the_current_version(workshop, participant, criteria_set):
    from criteria.services import criteria_set_new_version  # noqa: PLC0415 -- this test only

    old = criteria_set.criteria.get(code="REL-1")
    criteria_set_new_version(criteria_set=criteria_set, user=None)
    with pytest.raises(ValidationError, match="current criteria version"):
        _create(workshop, participant, criterion=old)


def test_anchor_needs_one_of_the_levels(workshop, participant, criteria_set):
    criterion = criteria_set.criteria.get(code="REL-1")
    with pytest.raises(ValidationError, match="levels"):
        _create(workshop, participant, kind="anchor", criterion=criterion, level=99)
    proposal = _create(workshop, participant, kind="anchor", criterion=criterion, level=2)
    assert proposal.level == 2


def test_add_has_no_criterion_and_merge_needs_another(workshop, participant, criteria_set):
    added = _create(workshop, participant, kind="add", criterion=None, proposed_text="New one")
    assert added.criterion is None
    with pytest.raises(ValidationError, match="merge"):
        _create(workshop, participant, kind="merge", other_criteria=[])
    merged = _create(
        workshop,
        participant,
        kind="merge",
        other_criteria=[criteria_set.criteria.get(code="REL-2")],
    )
    assert [c.code for c in merged.other_criteria.all()] == ["REL-2"]


def test_links_only_to_what_the_proposer_may_see(workshop, participant, organisation, evaluator):
    from tests.debate.conftest import invite  # noqa: PLC0415 -- the fixture's helper

    own = CompleteSubmissionFactory(workshop=workshop, organisation=organisation, state="eligible")
    other = CompleteSubmissionFactory(workshop=workshop, state="eligible")
    invite(workshop, evaluator, kind="submitter")
    proposal = _create(workshop, evaluator, submissions=[own])
    assert list(proposal.linked_submissions.all()) == [own]
    with pytest.raises(ValidationError, match="only link"):
        _create(workshop, evaluator, submissions=[other])

    # A reviewer links the evaluation they review and their own review, nobody else's.
    ReviewerApplicationFactory(state="approved", workshop=workshop, user=participant)
    assignment = AssignmentFactory(submission=other, workshop=workshop, reviewer=participant)
    review = ReviewFactory(assignment=assignment)
    someone_elses = ReviewFactory(
        assignment=AssignmentFactory(submission=other, workshop=workshop, reviewer=UserFactory())
    )
    linked = _create(workshop, participant, submissions=[other], reviews=[review])
    assert list(linked.linked_reviews.all()) == [review]
    with pytest.raises(ValidationError, match="only link"):
        _create(workshop, participant, reviews=[someone_elses])
    with pytest.raises(ValidationError, match="only link"):
        _create(workshop, participant, submissions=[own])


def test_support_counts_one_stance_per_person_changeable(
    workshop, participant, other_participant, staff
):
    proposal = make_proposal(workshop, participant)
    services.proposal_stance_set(proposal=proposal, user=participant, stance="support")
    services.proposal_stance_set(proposal=proposal, user=other_participant, stance="support")
    services.proposal_stance_set(proposal=proposal, user=staff, stance="object")
    # Pressing again, or changing one's mind, never counts twice.
    services.proposal_stance_set(proposal=proposal, user=participant, stance="support")
    services.proposal_stance_set(proposal=proposal, user=other_participant, stance="object")
    counted = selectors.with_counts(Proposal.objects.filter(pk=proposal.pk)).get()
    assert (counted.support_count, counted.objection_count) == (1, 2)
    services.proposal_stance_set(proposal=proposal, user=staff, stance="")
    counted = selectors.with_counts(Proposal.objects.filter(pk=proposal.pk)).get()
    assert (counted.support_count, counted.objection_count) == (1, 1)
    assert ProposalStance.objects.filter(proposal=proposal).count() == 2


def test_outsiders_may_not_comment_or_take_a_stance(workshop, participant, invited_only):
    proposal = make_proposal(workshop, participant)
    with pytest.raises(PermissionDenied):
        services.proposal_stance_set(proposal=proposal, user=invited_only, stance="support")
    with pytest.raises(PermissionDenied):
        services.proposal_comment_add(proposal=proposal, user=invited_only, body="Hi")
    comment = services.proposal_comment_add(proposal=proposal, user=participant, body="*Yes*")
    assert comment.author == participant


def test_author_withdraws_others_may_not(workshop, participant, other_participant, staff):
    proposal = make_proposal(workshop, participant)
    for user in (other_participant, staff):
        with pytest.raises(PermissionDenied):
            services.proposal_withdraw(proposal=proposal, user=user)
    services.proposal_withdraw(proposal=proposal, user=participant)
    proposal.refresh_from_db()
    assert proposal.withdrawn_at is not None
    # A withdrawn proposal is closed to discussion.
    with pytest.raises(PermissionDenied):
        services.proposal_comment_add(proposal=proposal, user=other_participant, body="Late")


def test_staff_group_duplicates_one_level(workshop, participant, staff):
    main = make_proposal(workshop, participant, title="Main")
    first = make_proposal(workshop, participant, title="First copy")
    second = make_proposal(workshop, participant, title="Second copy")
    with pytest.raises(PermissionDenied):
        services.proposal_group_duplicate(proposal=first, duplicate_of=main, user=participant)
    services.proposal_group_duplicate(proposal=second, duplicate_of=first, user=staff)
    services.proposal_group_duplicate(proposal=first, duplicate_of=main, user=staff)
    second.refresh_from_db()
    assert second.duplicate_of == main
    assert sorted(p.title for p in main.duplicates.all()) == ["First copy", "Second copy"]
    with pytest.raises(ValidationError):
        services.proposal_group_duplicate(proposal=main, duplicate_of=main, user=staff)
    services.proposal_group_duplicate(proposal=first, duplicate_of=None, user=staff)
    first.refresh_from_db()
    assert first.duplicate_of is None
