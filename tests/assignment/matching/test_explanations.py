"""When no complete assignment exists: the best partial one, and the reasons in words."""

from assignment.matching.explain import explanation_text
from tests.assignment.helpers import named_pairs, solve_instance
from tests.factories import MembershipFactory


def texts(proposal):
    return [item["text"] for item in proposal.summary["explanations"]]


def test_total_capacity_short(instance):
    # 9 slots, 6 reviews of capacity; S1 and S2 score highest, so S3 is the one left out.
    instance.submission("S1", areas=["cbrn"])
    instance.submission("S2", areas=["cbrn"])
    instance.submission("S3", areas=["society"])
    for name in ("A", "B", "C"):
        instance.reviewer(name, expertise={"cbrn": 3}, max_reviews=2)

    proposal, data = solve_instance(instance, k=3)

    assert texts(proposal) == [
        "1 submission cannot get 3 reviewers: total reviewer capacity is 6 for 9 slots; raise "
        "reviewers' maximum loads or approve more reviewers."
    ]
    assert proposal.summary["unfilled"] == [{"submission": instance.subs["S3"].code, "missing": 3}]
    assert len(proposal.sub) == 6


def test_capacity_numbers_are_grouped(instance):
    params = {"count": 12, "k": 3, "capacity": 2400, "slots": 2436}

    text = explanation_text({"code": "capacity_short", "params": params})

    assert text == (
        "12 submissions cannot get 3 reviewers: total reviewer capacity is 2,400 for 2,436 "
        "slots; raise reviewers' maximum loads or approve more reviewers."
    )


def test_too_few_non_conflicted_candidates(instance):
    sub = instance.submission("S1", areas=["cbrn"], org="Acme")
    instance.reviewer("A", expertise={"cbrn": 3}, orgs=["Acme"])
    instance.reviewer("B", expertise={"cbrn": 3}, orgs=["Acme"])
    instance.reviewer("C", expertise={"cbrn": 2})
    instance.reviewer("D", expertise={"cbrn": 1})

    proposal, data = solve_instance(instance, k=3)

    assert texts(proposal) == [
        f"Submission {sub.code} can get only 2 of 3 reviewers: too few non-conflicted "
        "candidates (2 of 4 approved reviewers are free of conflicts with it); dismiss "
        "conflicts that do not apply or approve more reviewers."
    ]
    assert named_pairs(instance, data, proposal) == {("S1", "C"), ("S1", "D")}
    assert proposal.summary["unfilled"] == [{"submission": sub.code, "missing": 1}]


def test_one_approved_reviewer_for_two_per_submission_blames_too_few_reviewers(instance):
    # No conflict anywhere: the only cause is that k exceeds the reviewers approved.
    instance.submission("S1", areas=["cbrn"])
    instance.submission("S2", areas=["cbrn"])
    instance.reviewer("A", expertise={"cbrn": 3})

    proposal, data = solve_instance(instance, k=2)

    assert texts(proposal) == [
        "2 submissions cannot get 2 reviewers: only 1 reviewer is approved, fewer than the "
        "2 reviewers per submission asked for; approve more reviewers or ask for fewer "
        "reviewers per submission."
    ]
    assert "conflict" not in texts(proposal)[0]
    assert named_pairs(instance, data, proposal) == {("S1", "A"), ("S2", "A")}


def test_too_few_reviewers_counts_them_in_the_plural(instance):
    text = explanation_text(
        {"code": "too_few_reviewers", "params": {"count": 1, "k": 3, "total": 2}}
    )

    assert text == (
        "1 submission cannot get 3 reviewers: only 2 reviewers are approved, fewer than the "
        "3 reviewers per submission asked for; approve more reviewers or ask for fewer "
        "reviewers per submission."
    )


def test_coverage_impossible_for_lack_of_expert_capacity(instance):
    """10 CBRN submissions, 2 CBRN experts with 3 reviews each: 4 stay uncovered."""
    for i in range(10):
        instance.submission(f"S{i}", areas=["cbrn"])
    instance.reviewer("A", expertise={"cbrn": 3}, max_reviews=3)
    instance.reviewer("B", expertise={"cbrn": 2}, max_reviews=3)
    for name in ("C", "D", "E", "F", "G"):
        instance.reviewer(name, expertise={"benchmark": 3}, max_reviews=5)

    proposal, _data = solve_instance(instance, k=2, coverage=True)

    assert texts(proposal) == [
        "CBRN coverage impossible for 4 submissions: only 2 approved reviewers declare CBRN "
        "expertise and their combined capacity is 6; raise capacity or approve more reviewers."
    ]
    assert proposal.summary["coverage"]["met"] == 6
    assert proposal.summary["unfilled"] == []


def test_coverage_impossible_without_any_expert(instance):
    instance.submission("S1", areas=["harmful_manipulation"])
    instance.reviewer("A", expertise={"cbrn": 3})

    proposal, _data = solve_instance(instance, k=1, coverage=True)

    assert texts(proposal) == [
        "Harmful manipulation coverage impossible for 1 submission: no approved reviewer "
        "declares Harmful manipulation expertise; approve reviewers with that expertise."
    ]


def test_coverage_impossible_when_every_expert_is_conflicted(instance):
    instance.submission("S1", areas=["cbrn"], org="Acme")
    instance.reviewer("A", expertise={"cbrn": 3}, orgs=["Acme"])
    instance.reviewer("B", expertise={"benchmark": 1})

    proposal, _data = solve_instance(instance, k=1, coverage=True)

    assert texts(proposal) == [
        "CBRN coverage impossible for 1 submission: every approved reviewer who declares "
        "CBRN expertise has a conflict with it; dismiss conflicts that do not apply or "
        "approve more reviewers."
    ]


def test_minimum_load_impossible(hand_instance):
    # Minimums add up to 7 (A can take only 1) for 6 slots.
    proposal, _data = solve_instance(hand_instance, k=2, min_load=2)

    assert texts(proposal) == [
        "1 reviewer stays below the minimum load of 2: the 6 open slots are fewer than the 7 "
        "needed to give every reviewer the minimum; lower the minimum load."
    ]
    assert proposal.summary["unfilled"] == []


def test_existing_assignment_now_conflicted_is_dropped(hand_instance):
    from tests.factories import AssignmentFactory

    s1, b = hand_instance.subs["S1"], hand_instance.revs["B"]
    AssignmentFactory(submission=s1, workshop=s1.workshop, reviewer=b)
    MembershipFactory(user=b, organisation=s1.organisation)

    proposal, data = solve_instance(hand_instance, k=2)

    assert texts(proposal) == [
        f"1 existing assignment is now conflicted and is dropped from the proposal: "
        f"b@example.org → {s1.code}."
    ]
    assert ("S1", "B") not in named_pairs(hand_instance, data, proposal)


def test_coverage_kept_when_the_integer_program_finds_nothing(instance, monkeypatch):
    """No more "coverage left out": the Lagrangian relaxation over the flow takes over."""

    def no_solution(problem, *, time_limit=None):
        raise RuntimeError("HiGHS found no solution: time limit reached")

    monkeypatch.setattr("assignment.matching.solve.solve_milp", no_solution)
    instance.submission("S1", areas=["cbrn", "cyber_offence"])
    instance.reviewer("A", expertise={"cbrn": 3})
    instance.reviewer("B", expertise={"cbrn": 3})
    instance.reviewer("C", expertise={"cyber_offence": 1})

    proposal, data = solve_instance(instance, k=2, coverage=True, time_limit_s=30)

    assert proposal.summary["solver"] == "lagrangian"
    # The relaxation proves this one optimal: the same answer as the integer program.
    assert proposal.summary["status"] == "optimal"
    assert proposal.summary["mip_gap"] == 0.0
    assert ("S1", "C") in named_pairs(instance, data, proposal)
    assert proposal.summary["objective"] == 0.625
    assert proposal.summary["coverage"]["met"] == 2
    assert texts(proposal) == []


def test_relaxed_coverage_is_explained_with_its_proven_gap():
    large = {"pairs": 561111, "gap": 0.28, "seconds": 0}
    after_time_limit = {"pairs": 1200, "gap": 1.5, "seconds": 120}

    assert explanation_text({"code": "coverage_relaxed", "params": large}) == (
        "Coverage over 561,111 candidate pairs was solved by Lagrangian relaxation over the "
        "min-cost flow, as an exact integer program would be too large: the total affinity "
        "is proven within 0.28 % of the best assignment that fills as many slots and covers "
        "the same risks."
    )
    assert explanation_text({"code": "coverage_relaxed", "params": after_time_limit}) == (
        "The integer program found no assignment within its time limit of 120 s, so "
        "coverage was solved by Lagrangian relaxation over the min-cost flow: the total "
        "affinity is proven within 1.50 % of the best assignment that fills as many slots "
        "and covers the same risks."
    )


def test_coverage_impossible_with_a_single_expert(instance):
    for i in range(3):
        instance.submission(f"S{i}", areas=["loss_of_control"])
    instance.reviewer("A", expertise={"loss_of_control": 3}, max_reviews=1)
    instance.reviewer("B", expertise={"benchmark": 3}, max_reviews=5)

    proposal, _data = solve_instance(instance, k=1, coverage=True)

    assert texts(proposal) == [
        "Loss of control coverage impossible for 2 submissions: only 1 approved reviewer "
        "declares Loss of control expertise and their capacity is 1; raise capacity or "
        "approve more reviewers."
    ]


def test_coverage_kept_when_the_integer_program_would_be_too_large(instance):
    instance.submission("S1", areas=["cbrn", "cyber_offence"])
    instance.reviewer("A", expertise={"cbrn": 3})
    instance.reviewer("B", expertise={"cbrn": 3})
    instance.reviewer("C", expertise={"cyber_offence": 1})

    proposal, data = solve_instance(instance, k=2, coverage=True, milp_max_pairs=2)

    assert proposal.summary["solver"] == "lagrangian"
    assert proposal.summary["status"] == "optimal"
    assert ("S1", "C") in named_pairs(instance, data, proposal)
    assert proposal.summary["coverage"]["met"] == 2
    assert texts(proposal) == []


def test_relaxed_coverage_explains_what_the_pool_cannot_cover(instance):
    for i in range(3):
        instance.submission(f"S{i}", areas=["loss_of_control"])
    instance.reviewer("A", expertise={"loss_of_control": 3}, max_reviews=1)
    instance.reviewer("B", expertise={"benchmark": 3}, max_reviews=5)

    proposal, _data = solve_instance(instance, k=1, coverage=True, milp_max_pairs=0)

    assert proposal.summary["solver"] == "lagrangian"
    assert proposal.summary["coverage"]["met"] == 1
    assert proposal.summary["coverage_missed_by_solver"] == 2
    assert texts(proposal) == [
        "Loss of control coverage impossible for 2 submissions: only 1 approved reviewer "
        "declares Loss of control expertise and their capacity is 1; raise capacity or "
        "approve more reviewers."
    ]


def test_coverage_blocked_by_the_same_organisation_rule(instance):
    """S1 needs CBRN and cyber offence; the only experts, A (CBRN) and B (cyber), both
    work for Lab X, so S1 can have one of them: the other risk stays uncovered, for that
    reason, whichever solver runs."""
    instance.submission("S1", areas=["cbrn", "cyber_offence"])
    instance.reviewer("A", expertise={"cbrn": 3}, orgs=["Lab X"])
    instance.reviewer("B", expertise={"cyber_offence": 1}, orgs=["Lab X"])
    instance.reviewer("C", expertise={"benchmark": 3})

    exact, _data = solve_instance(instance, k=2, coverage=True)
    relaxed, _data = solve_instance(instance, k=2, coverage=True, milp_max_pairs=0)

    assert exact.summary["solver"] == "milp"
    assert relaxed.summary["solver"] == "lagrangian"
    for proposal in (exact, relaxed):
        assert proposal.summary["coverage"]["met"] == 1
        assert proposal.summary["objective"] == exact.summary["objective"]
        assert len(texts(proposal)) == 1
        assert (
            "works for an organisation already represented among its reviewers"
            in (texts(proposal)[0])
        )
