"""The optimal assignment over the candidate pairs, by the solver that can express the
constraints, and a greedy baseline to compare it with.

Which solver, when, and why:

- Min-cost flow (OR-Tools SimpleMinCostFlow) whenever the constraints are those of a
  network: k reviewers per submission, reviewer loads, and the same-organisation rule in
  its usual form (every reviewer belongs to at most one organisation that matters for a
  given submission). The flow's constraint matrix is totally unimodular, so its optimum is
  integral and equal to the LP optimum; it is exact, needs no time limit, and solves
  10,000 x 5,000 instances in about a second.
- An integer program (SciPy's HiGHS `milp`) when coverage is on (a reviewer covering a
  risk is a side constraint no network expresses), or when some reviewer belongs to two
  organisations that both have other candidates for the same submission (a flow cannot
  route one unit through two capacity-1 nodes). HiGHS rather than CP-SAT: the model is the
  same matrix the LP bound uses, HiGHS solves its LP relaxation (nearly integral here) by
  simplex and usually closes the gap at the root, and it needs no integer rescaling.
  It is exact and meant for workshop-sized calls: 1,000 x 300 with coverage solves in
  about 2 s.
- With coverage on above MILP_MAX_PAIRS candidate pairs (a run setting may lower it), or
  when HiGHS finds no integer solution within the time limit: Lagrangian relaxation of
  the coverage rows over the min-cost flow (coverage.py). At 10,000 x 5,000 (about
  600,000 candidate pairs) HiGHS found no integer solution in minutes; the relaxation
  covers every requirement the pool allows and is within 0.1 % of the LP bound in a few
  flows. The alternatives were reasoned out, not measured: a flow with per-requirement
  coverage nodes cannot credit one reviewer for two risks of a submission nor share a
  node with a same-organisation group, so it would be a restriction needing the same
  repair; HiGHS on a reduced candidate set would still be an integer program of some
  100,000 pairs with no integrality guarantee from the flow. The relaxation also
  proves its own bound (`Solution.bound`, `mip_gap`), so the run states how far from
  the best it can be.
  Earlier versions fell back to the flow without coverage here ("coverage_too_large",
  "coverage_dropped"); those statuses only remain in stored runs.

The pieces: problem.py (the solver's view, and the priority weights), flow.py, linear.py
(integer program and LP bound), coverage.py (the relaxation); a greedy baseline here.
"""

from __future__ import annotations

import numpy as np

from . import options
from .affinity import SCALE
from .coverage import solve_coverage_lagrangian
from .flow import solve_flow
from .linear import solve_milp
from .problem import Problem, Solution

# Largest integer program attempted when the Lagrangian relaxation over the flow could do
# instead (a setting of the run may lower it: RunSettings.milp_max_pairs).
MILP_MAX_PAIRS = options.MILP_MAX_PAIRS


def solve(
    problem: Problem, *, time_limit: float | None = None, milp_max_pairs: int | None = None
) -> Solution:
    if problem.flow_can_express:
        return solve_flow(problem)
    # Without the coverage rows, could a flow solve it? Then the Lagrangian relaxation
    # of those rows over the flow can.
    over_flow = problem.n_req > 0 and len(problem.group_cand) == len(np.unique(problem.group_cand))
    limit = MILP_MAX_PAIRS if milp_max_pairs is None else milp_max_pairs
    if over_flow and len(problem.cand_sub) > limit:
        # Measured: 50,000 candidate pairs (1,000 x 300) solve exactly in about 2 s; at
        # 600,000 (10,000 x 5,000) HiGHS found no integer solution in minutes, while the
        # relaxation is within 0.5 % of its bound in about 15 s.
        return solve_coverage_lagrangian(problem)
    try:
        return solve_milp(problem, time_limit=time_limit)
    except RuntimeError:
        # No integer solution within the time limit.
        if not over_flow:
            raise
        solution = solve_coverage_lagrangian(problem)
        if solution.status == "near_optimal":
            solution.status = "near_optimal_time_limit"
        return solution


# --- greedy baseline ----------------------------------------------------------------------


def greedy(problem: Problem) -> tuple[float, int]:
    """(total score, slots filled) of the obvious greedy: best pairs first, respecting open
    slots, capacities and the same-organisation rule. Only a baseline for the benchmark
    and the summary: it ignores minimum loads and coverage."""
    p = problem
    demand = p.demand.copy()
    cap = p.cap.copy()
    group_used = np.zeros(p.n_groups, dtype=bool)
    groups_of: dict[int, list[int]] = {}
    for g, c in zip(p.group_id.tolist(), p.group_cand.tolist(), strict=True):
        groups_of.setdefault(c, []).append(g)
    order = np.argsort(-p.cand_score, kind="stable")
    subs = p.cand_sub[order].tolist()
    revs = p.cand_rev[order].tolist()
    scores = np.rint(p.cand_score[order] * SCALE).astype(np.int64).tolist()
    total = int(np.rint(p.fixed_score * SCALE).sum())
    filled = 0
    remaining = int(demand.sum())
    for c, s, r, score in zip(order.tolist(), subs, revs, scores, strict=True):
        if remaining == 0:
            break
        if demand[s] == 0 or cap[r] == 0:
            continue
        gs = groups_of.get(c)
        if gs and any(group_used[g] for g in gs):
            continue
        if gs:
            group_used[gs] = True
        demand[s] -= 1
        cap[r] -= 1
        remaining -= 1
        total += score
        filled += 1
    return total / SCALE, filled
