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
  It is meant for workshop-sized calls: 1,000 x 300 with coverage solves in about 2 s; at
  10,000 x 5,000 (600,000 candidate pairs) HiGHS found no integer solution in minutes, so
  above MILP_MAX_PAIRS candidates, or when HiGHS finds nothing within the time limit, the
  run falls back to the flow without the coverage rows and says so (explain.py).

The pieces: problem.py (the solver's view, and the priority weights), flow.py, linear.py
(integer program and LP bound); a greedy baseline here.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .affinity import SCALE
from .flow import solve_flow
from .linear import solve_milp
from .problem import Problem, Solution

# Largest integer program attempted when a flow (without coverage) could do instead.
MILP_MAX_PAIRS = 200_000


def _without_coverage(problem: Problem, status: str) -> Solution:
    relaxed = replace(
        problem,
        req_sub=np.empty(0, dtype=np.int64),
        req_id=np.empty(0, dtype=np.int64),
        req_cand=np.empty(0, dtype=np.int64),
    )
    solution = solve_flow(relaxed)
    solution.status = status
    solution.coverage_missed = np.ones(problem.n_req, dtype=bool)
    return solution


def solve(problem: Problem, *, time_limit: float | None = None) -> Solution:
    if problem.flow_can_express:
        return solve_flow(problem)
    # Without the coverage rows, could a flow solve it? Then it is the fallback.
    flow_fallback = problem.n_req > 0 and len(problem.group_cand) == len(
        np.unique(problem.group_cand)
    )
    if flow_fallback and len(problem.cand_sub) > MILP_MAX_PAIRS:
        # Measured: 50,000 candidate pairs (1,000 x 300) solve in about 2 s; at 600,000
        # (10,000 x 5,000) HiGHS found no integer solution in minutes and overran its time
        # limit. Better an optimal assignment without coverage, said so, than a run that
        # hangs.
        return _without_coverage(problem, "coverage_too_large")
    try:
        return solve_milp(problem, time_limit=time_limit)
    except RuntimeError:
        # No integer solution within the time limit; explain.py says coverage was dropped.
        if not flow_fallback:
            raise
        return _without_coverage(problem, "coverage_dropped")


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
