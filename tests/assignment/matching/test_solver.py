"""The solver on instances small enough to check by hand or by brute force."""

import numpy as np
import pytest

from assignment.matching.weights import AffinityWeights
from tests.assignment.helpers import brute_force, named_pairs, solve_instance
from tests.factories import ReviewerTieFactory


def test_hand_instance_optimum(hand_instance):
    proposal, data = solve_instance(hand_instance, k=2)

    assert named_pairs(hand_instance, data, proposal) == {
        ("S1", "B"),
        ("S1", "D"),
        ("S2", "A"),
        ("S2", "C"),
        ("S3", "C"),
        ("S3", "D"),
    }
    summary = proposal.summary
    assert summary["solver"] == "min_cost_flow"
    assert summary["objective"] == 4.0
    assert summary["lp_bound"] == 4.0
    assert summary["greedy"] == {"objective": 3.75, "filled": 6}
    assert summary["unfilled"] == []
    assert summary["explanations"] == []


def test_hand_instance_matches_brute_force(hand_instance):
    scores = [[1, 1, 0, 0.25], [1, 0, 0.5, 0], [0, 0, 0.25, 1]]
    allowed = [[True] * 4 for _ in range(3)]

    best, filled = brute_force(scores, k=2, max_load=[1, 2, 2, 2], allowed=allowed)
    proposal, _data = solve_instance(hand_instance, k=2)

    assert (best, filled) == (4.0, 6)
    assert proposal.summary["objective"] == best


def test_why_names_shared_expertise(hand_instance):
    proposal, data = solve_instance(hand_instance, k=2)

    by_pair = {
        (
            hand_instance.name_of_sub(int(data.sub_ids[s])),
            hand_instance.name_of_rev(int(data.rev_ids[r])),
        ): w
        for s, r, w in zip(proposal.sub, proposal.rev, proposal.why, strict=True)
    }
    assert by_pair[("S3", "D")] == {
        "risk_areas": ["loss_of_control"],
        "methods": [],
        "bid": None,
        "text_similarity": 0.0,
        "text_term": 0.0,
        "documents": [],
        "terms": [],
        "expertise_overlap": 1.0,
    }


def test_conflicted_reviewer_is_never_assigned(hand_instance):
    # B declares a tie to S1's organisation: the hand optimum used B on S1.
    ReviewerTieFactory(
        user=hand_instance.revs["B"], organisation=hand_instance.subs["S1"].organisation
    )

    proposal, data = solve_instance(hand_instance, k=2)

    pairs = named_pairs(hand_instance, data, proposal)
    assert ("S1", "B") not in pairs
    assert pairs == {
        ("S1", "A"),
        ("S1", "D"),
        ("S2", "B"),
        ("S2", "C"),
        ("S3", "C"),
        ("S3", "D"),
    }
    scores = [[1, 1, 0, 0.25], [1, 0, 0.5, 0], [0, 0, 0.25, 1]]
    allowed = [[True] * 4 for _ in range(3)]
    allowed[0][1] = False
    best, _filled = brute_force(scores, k=2, max_load=[1, 2, 2, 2], allowed=allowed)
    assert proposal.summary["objective"] == best == 3.0


def test_member_of_submitting_organisation_is_never_assigned(instance):
    instance.submission("S1", areas=["cbrn"], org="Acme")
    instance.reviewer("A", expertise={"cbrn": 3}, orgs=["Acme"])
    instance.reviewer("B", expertise={"cbrn": 1})

    proposal, data = solve_instance(instance, k=1)

    assert named_pairs(instance, data, proposal) == {("S1", "B")}


def test_same_organisation_reviewers_not_on_one_submission(hand_instance):
    # B and D work for the same lab: the hand optimum put both on S1.
    for name in ("B", "D"):
        from tests.factories import MembershipFactory

        MembershipFactory(user=hand_instance.revs[name], organisation=hand_instance.org("Lab X"))

    proposal, data = solve_instance(hand_instance, k=2)

    pairs = named_pairs(hand_instance, data, proposal)
    for sub in ("S1", "S2", "S3"):
        assert not {(sub, "B"), (sub, "D")} <= pairs
    scores = [[1, 1, 0, 0.25], [1, 0, 0.5, 0], [0, 0, 0.25, 1]]
    allowed = [[True] * 4 for _ in range(3)]
    best, _filled = brute_force(
        scores, k=2, max_load=[1, 2, 2, 2], allowed=allowed, same_org=[(1, 3)]
    )
    assert proposal.summary["solver"] == "min_cost_flow"
    assert proposal.summary["objective"] == best == 3.75
    assert proposal.summary["lp_bound"] == 3.75


def test_reviewer_in_two_organisations_uses_integer_program(instance):
    """A belongs to Lab X (with B) and Lab Y (with C): a flow cannot route one unit
    through two organisation nodes, so the integer program solves it."""
    instance.submission("S1", areas=["cbrn"])
    instance.reviewer("A", expertise={"cbrn": 3}, orgs=["Lab X", "Lab Y"])
    instance.reviewer("B", expertise={"cbrn": 2}, orgs=["Lab X"])
    instance.reviewer("C", expertise={"cbrn": 2}, orgs=["Lab Y"])
    instance.reviewer("D", expertise={"cbrn": 1})

    proposal, data = solve_instance(instance, k=2)

    # Unconstrained, {A, B} = 1.5 would win; A may sit with neither B nor C.
    assert proposal.summary["solver"] == "milp"
    assert named_pairs(instance, data, proposal) == {("S1", "A"), ("S1", "D")}
    assert proposal.summary["objective"] == 1.25


def test_maximum_load_override(hand_instance):
    proposal, data = solve_instance(hand_instance, k=2, max_load=1)

    load = np.bincount(proposal.rev, minlength=4)
    assert load.max() == 1
    assert proposal.summary["unfilled_total"] == 2


def test_minimum_load_changes_the_answer(instance):
    instance.submission("S1", areas=["cbrn"])
    instance.submission("S2", areas=["cbrn"])
    instance.reviewer("A", expertise={"cbrn": 3})
    instance.reviewer("B", expertise={"cbrn": 3})
    instance.reviewer("C", expertise={})

    without, data = solve_instance(instance, k=2)
    with_min, _ = solve_instance(instance, k=2, min_load=1)

    assert without.summary["objective"] == 4.0
    assert "C" not in {n for _s, n in named_pairs(instance, data, without)}
    assert with_min.summary["objective"] == 3.0
    assert (
        np.bincount(with_min.rev, minlength=3).tolist()[
            data.rev_positions(np.array([instance.revs["C"].pk]))[0]
        ]
        == 1
    )
    assert with_min.summary["explanations"] == []


def test_coverage_changes_the_answer(instance):
    """S1 is about CBRN and cyber offence. Two CBRN experts score .5 each, the only cyber
    expert .125: without coverage both CBRN experts review it; with coverage the cyber
    expert takes one of the seats."""
    instance.submission("S1", areas=["cbrn", "cyber_offence"])
    instance.reviewer("A", expertise={"cbrn": 3})
    instance.reviewer("B", expertise={"cbrn": 3})
    instance.reviewer("C", expertise={"cyber_offence": 1})

    off, data = solve_instance(instance, k=2)
    on, _ = solve_instance(instance, k=2, coverage=True)

    assert named_pairs(instance, data, off) == {("S1", "A"), ("S1", "B")}
    assert off.summary["solver"] == "min_cost_flow"
    assert off.summary["coverage"]["met"] == 1
    assert off.summary["coverage"]["required"] == 2
    assert on.summary["solver"] == "milp"
    assert ("S1", "C") in named_pairs(instance, data, on)
    assert on.summary["objective"] == 0.625
    assert on.summary["lp_bound"] == 0.625
    assert on.summary["coverage"]["met"] == 2


def test_not_willing_bid_is_a_penalty_not_a_ban(instance):
    from assignment.services.bids import bid_set

    s1 = instance.submission("S1", areas=["cbrn"])
    a = instance.reviewer("A", expertise={"cbrn": 3})
    instance.reviewer("B", expertise={"cbrn": 1})
    bid_set(reviewer=a, submission=s1, value="not_willing")

    one, data = solve_instance(instance, k=1)
    two, _ = solve_instance(instance, k=2)

    assert named_pairs(instance, data, one) == {("S1", "B")}
    assert named_pairs(instance, data, two) == {("S1", "A"), ("S1", "B")}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_flow_objective_equals_lp_bound_on_random_instances(instance, seed):
    """Min-cost flow is integral: on the same candidates its optimum is the LP optimum."""
    rng = np.random.default_rng(seed)
    areas = ["cbrn", "cyber_offence", "loss_of_control", "harmful_manipulation", "society"]
    methods = ["benchmark", "red_teaming", "human_uplift", "agentic"]
    words = ["uplift", "exploit", "autonomy", "persuasion", "benchmark", "agent", "tool", "grading"]
    for i in range(8):
        instance.submission(
            f"S{i}",
            areas=list(rng.choice(areas, size=int(rng.integers(1, 3)), replace=False)),
            methods=list(rng.choice(methods, size=int(rng.integers(1, 3)), replace=False)),
            abstract=" ".join(rng.choice(words, size=12)),
            org=f"Org {int(rng.integers(0, 3))}",
        )
    for i in range(7):
        picks = rng.choice(areas + methods, size=int(rng.integers(2, 5)), replace=False)
        instance.reviewer(
            f"R{i}",
            expertise={str(code): int(rng.integers(1, 4)) for code in picks},
            max_reviews=int(rng.integers(2, 5)),
            statement=" ".join(rng.choice(words, size=10)),
            orgs=[f"Org {int(rng.integers(3, 5))}"] if rng.random() < 0.6 else [],
        )

    proposal, _data = solve_instance(instance, k=3, weights=AffinityWeights())

    assert proposal.summary["solver"] == "min_cost_flow"
    assert proposal.summary["lp_bound"] == proposal.summary["objective"]
    assert proposal.summary["objective"] >= proposal.summary["greedy"]["objective"]


def test_no_reviewers_leaves_every_slot_open(instance):
    sub = instance.submission("S1", areas=["cbrn"])

    proposal, _data = solve_instance(instance, k=2)

    assert len(proposal.sub) == 0
    assert proposal.summary["unfilled"] == [{"submission": sub.code, "missing": 2}]
    assert [e["text"] for e in proposal.summary["explanations"]] == [
        "1 submission cannot get 2 reviewers: no reviewer is approved yet; approve reviewers."
    ]


def test_no_submissions(instance):
    instance.reviewer("A", expertise={"cbrn": 3})

    proposal, _data = solve_instance(instance, k=2, min_load=1)

    assert len(proposal.sub) == 0
    assert proposal.summary["objective"] == 0.0
