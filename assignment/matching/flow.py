"""The optimal assignment as a min-cost flow (OR-Tools SimpleMinCostFlow), whenever the
constraints are those of a network (see solve.py)."""

from __future__ import annotations

import time

import numpy as np

from .problem import Problem, Solution, total_score


def solve_flow(problem: Problem) -> Solution:
    """Optimal assignment as a min-cost flow (see the module docstring).

    Nodes: submissions, reviewers, the sink, then one node per same-organisation group.
    Arcs:
    - submission -> reviewer, capacity 1, cost = -score in thousandths; a candidate in a
      same-organisation group goes submission -> group node -> reviewer instead, and the
      submission -> group arc has capacity 1: whatever the group's reviewers, one unit at
      most reaches them, i.e. at most one reviewer of that organisation per submission;
    - submission -> sink, capacity = open slots, cost W per unit: the slack of an unfilled
      slot, so a complete assignment is never required for the solve to succeed;
    - reviewer -> sink twice: capacity = the minimum load still to reach at cost -W (a
      bonus the solver collects first, so loads reach the minimum whenever the slots
      allow), and the rest of the capacity at cost 0. A hard lower bound would make the
      flow infeasible whenever a minimum cannot be met; this way it is met when possible
      and explained when not.
    Supplies: each submission its open slots; the sink takes them all.
    """
    started = time.perf_counter()
    chosen, unfilled, _cost = flow_optimum(problem, problem.cost)
    return Solution(
        chosen=chosen,
        solver="min_cost_flow",
        status="optimal",
        unfilled=unfilled,
        coverage_missed=np.zeros(0, dtype=bool),
        objective=total_score(problem, chosen),
        seconds=time.perf_counter() - started,
    )


def flow_optimum(problem: Problem, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(chosen per candidate, unfilled per submission, optimal cost) of the network of
    `solve_flow` with `cost` (int64 per candidate) on the pair arcs: coverage.py solves it
    again and again with coverage prices added to the costs."""
    # Solvers load in the worker that runs a solve, not in every web process.
    from ortools.graph.python import min_cost_flow  # noqa: PLC0415 -- heavy, see above

    p = problem
    n_sub, n_cand = p.n_sub, len(p.cand_sub)
    sink = n_sub + p.n_rev
    tails, heads, caps, costs = _arcs(p, sink, cost)
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    n_nodes = sink + 1 + p.n_groups
    supplies = np.zeros(n_nodes, dtype=np.int64)
    supplies[:n_sub] = p.demand
    supplies[sink] = -int(p.demand.sum())
    smcf.set_nodes_supplies(np.arange(n_nodes), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = smcf.flows(arcs)
    chosen = flows[:n_cand] > 0
    slack_start = n_cand + p.n_groups
    unfilled = flows[slack_start : slack_start + n_sub].astype(np.int64)
    return chosen, unfilled, int(smcf.optimal_cost())


def _arcs(
    p: Problem, sink: int, cost: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(tails, heads, capacities, costs) of every arc, in the order of solve_flow's
    docstring: candidate pairs first, then group arcs, slack arcs, and the two arcs of each
    reviewer to the sink."""
    n_sub, n_rev = p.n_sub, p.n_rev
    first_group = sink + 1
    weights = p.weights()
    n_cand = len(cost)

    group_of = np.full(n_cand, -1, dtype=np.int64)
    group_of[p.group_cand] = p.group_id
    group_sub = np.zeros(p.n_groups, dtype=np.int64)
    group_sub[p.group_id] = p.cand_sub[p.group_cand]

    in_group = group_of >= 0
    pair_tail = np.where(in_group, first_group + group_of, p.cand_sub)
    pair_head = n_sub + p.cand_rev
    rev_idx = np.arange(n_rev)
    tails = np.concatenate(
        [pair_tail, group_sub, np.arange(n_sub), n_sub + rev_idx, n_sub + rev_idx]
    )
    heads = np.concatenate(
        [
            pair_head,
            first_group + np.arange(p.n_groups),
            np.full(n_sub, sink),
            np.full(n_rev, sink),
            np.full(n_rev, sink),
        ]
    )
    caps = np.concatenate(
        [np.ones(n_cand), np.ones(p.n_groups), p.demand, p.min_load, p.cap - p.min_load]
    ).astype(np.int64)
    costs = np.concatenate(
        [
            cost,
            np.zeros(p.n_groups),
            np.full(n_sub, weights["slot"]),
            np.full(n_rev, -weights["min_load"]),
            np.zeros(n_rev),
        ]
    ).astype(np.int64)
    return tails, heads, caps, costs
