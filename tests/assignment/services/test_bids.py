"""Bids: recorded per pair; a conflict bid is a declared conflict; bids move the score."""

import pytest
from django.core.exceptions import ValidationError

from assignment.models import Bid
from assignment.services.bids import bid_set, bid_withdraw
from reviews.models import ConflictRecord
from reviews.selectors.conflicts import has_conflict
from submissions.models import Submission
from tests.assignment.helpers import named_pairs, solve_instance
from tests.factories import ReviewerTieFactory, UserFactory


@pytest.fixture
def pair(instance):
    sub = instance.submission("S1", areas=["cbrn"])
    reviewer = instance.reviewer("A", expertise={"cbrn": 3})
    return sub, reviewer


def test_bid_is_recorded_and_updated(pair):
    sub, reviewer = pair

    bid_set(reviewer=reviewer, submission=sub, value="eager")
    bid_set(reviewer=reviewer, submission=sub, value="willing")

    bid = Bid.objects.get()
    assert (bid.value, bid.workshop_id) == ("willing", sub.workshop_id)


def test_conflict_bid_declares_a_conflict_and_can_be_taken_back(pair):
    sub, reviewer = pair

    bid_set(reviewer=reviewer, submission=sub, value="conflict")
    bid_set(reviewer=reviewer, submission=sub, value="conflict")

    record = ConflictRecord.objects.get()
    assert (record.action, record.created_by) == ("bid", reviewer)
    assert has_conflict(reviewer=reviewer, submission=sub)

    bid_set(reviewer=reviewer, submission=sub, value="willing")

    record.refresh_from_db()
    assert record.revoked_by == reviewer
    assert not has_conflict(reviewer=reviewer, submission=sub)


def test_withdraw_removes_bid_and_declared_conflict(pair):
    sub, reviewer = pair
    bid_set(reviewer=reviewer, submission=sub, value="conflict")

    bid_withdraw(reviewer=reviewer, submission=sub)

    assert Bid.objects.count() == 0
    assert not has_conflict(reviewer=reviewer, submission=sub)


def test_conflict_bid_excludes_the_pair(instance, pair):
    sub, reviewer = pair
    instance.reviewer("B", expertise={"cbrn": 1})
    bid_set(reviewer=reviewer, submission=sub, value="conflict")

    proposal, data = solve_instance(instance, k=1)

    assert named_pairs(instance, data, proposal) == {("S1", "B")}


def test_eager_bid_wins_a_tie(instance):
    sub = instance.submission("S1", areas=["cbrn"])
    instance.reviewer("A", expertise={"cbrn": 3})
    b = instance.reviewer("B", expertise={"cbrn": 3})
    bid_set(reviewer=b, submission=sub, value="eager")

    proposal, data = solve_instance(instance, k=1)

    assert named_pairs(instance, data, proposal) == {("S1", "B")}
    assert proposal.summary["objective"] == 1.5
    assert proposal.why[0]["bid"] == "eager"


@pytest.mark.parametrize(
    "case",
    ["not_approved", "not_eligible", "confidential", "conflicted", "bad_value"],
)
def test_bids_refused(instance, pair, case):
    sub, reviewer = pair
    value = "eager"
    if case == "not_approved":
        reviewer = UserFactory()
    elif case == "not_eligible":
        sub.state = Submission.State.SUBMITTED
        sub.save()
    elif case == "confidential":
        sub.confidentiality = Submission.Confidentiality.AI_OFFICE_ONLY
        sub.save()
    elif case == "conflicted":
        ReviewerTieFactory(user=reviewer, organisation=sub.organisation)
    else:
        value = "maybe"

    with pytest.raises(ValidationError):
        bid_set(reviewer=reviewer, submission=sub, value=value)

    assert Bid.objects.count() == 0
