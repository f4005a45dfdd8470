"""The optimal assignment over the candidate pairs, the LP bound and a greedy baseline.

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

Priorities, from most to least important: fill every slot; cover the specified risks
(with coverage on); bring reviewers up to their minimum load; maximise total affinity.
They are weights, each larger than any change of the weights below it along one exchange
(an augmenting path or cycle visits each submission at most once, so it changes at most
2P pairs of at most A = max |cost| each: W = 2 * A * P + 1). For the flow this makes the
order exact; for the integer program it holds for every single exchange, which in
practice is the whole story.

Unfilled slots cost W per slot through a slack arc (submission -> sink), so the solve
always succeeds and returns the best partial assignment; explain.py says why a slot is
left open.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from .affinity import SCALE, Candidates
from .data import MatchingData

# Largest integer program attempted when a flow (without coverage) could do instead.
MILP_MAX_PAIRS = 200_000


@dataclass
class Problem:
    """The solver's view: candidate arcs, demands and capacities, by position."""

    n_sub: int
    n_rev: int
    cand_sub: np.ndarray  # int64
    cand_rev: np.ndarray
    cand_score: np.ndarray  # float64, thousandths
    demand: np.ndarray  # int64 per submission: k minus fixed reviewers
    cap: np.ndarray  # int64 per reviewer: maximum load minus fixed load
    min_load: np.ndarray  # int64 per reviewer: minimum still to reach
    # Same-organisation groups that constrain something: (group, candidate) incidence.
    group_id: np.ndarray
    group_cand: np.ndarray
    n_groups: int
    # Coverage requirements: (requirement, candidate) incidence; per requirement its
    # submission and risk-area column.
    req_sub: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    req_area: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    req_id: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    req_cand: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # Pairs that stay whatever the solver does (existing assignments), with their scores.
    fixed_sub: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    fixed_rev: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    fixed_score: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.float64))

    @property
    def cost(self) -> np.ndarray:
        """Integer cost per candidate arc: minus the score in thousandths."""
        return -np.rint(self.cand_score * SCALE).astype(np.int64)

    @property
    def n_req(self) -> int:
        return len(self.req_sub)

    @property
    def flow_can_express(self) -> bool:
        """No coverage rows and every candidate in at most one same-organisation group."""
        if self.n_req:
            return False
        return len(self.group_cand) == len(np.unique(self.group_cand))

    def weights(self) -> dict[str, int]:
        """Priority weights (see the module docstring), in cost units."""
        biggest = int(np.abs(self.cost).max()) if len(self.cand_score) else 0
        w = 2 * max(biggest, 1) * max(self.n_sub, 1) + 1
        max_req = int(np.bincount(self.req_sub).max()) if self.n_req else 0
        coverage = 2 * w + 1
        return {"min_load": w, "coverage": coverage, "slot": w + coverage * (max_req + 1)}


@dataclass
class Solution:
    chosen: np.ndarray  # bool per candidate
    solver: str
    status: str
    unfilled: np.ndarray  # int64 per submission
    coverage_missed: np.ndarray  # bool per coverage requirement
    objective: float  # total score of the assignment (fixed pairs included)
    seconds: float
    mip_gap: float | None = None


def build_problem(
    *,
    data: MatchingData,
    candidates: Candidates,
    k: int,
    max_load: np.ndarray,
    min_load: int,
    fixed_sub: np.ndarray,
    fixed_rev: np.ndarray,
    fixed_score: np.ndarray,
    coverage: bool,
) -> Problem:
    n_sub, n_rev = data.n_sub, data.n_rev
    fixed_per_sub = np.bincount(fixed_sub, minlength=n_sub).astype(np.int64)
    fixed_per_rev = np.bincount(fixed_rev, minlength=n_rev).astype(np.int64)
    demand = np.maximum(k - fixed_per_sub, 0)
    cap = np.maximum(max_load.astype(np.int64) - fixed_per_rev, 0)
    wanted_min = np.minimum(min_load, max_load.astype(np.int64))
    mins = np.minimum(np.maximum(wanted_min - fixed_per_rev, 0), cap)

    # Fixed pairs are not variables; a candidate equal to a fixed pair is dropped.
    cand_sub, cand_rev, cand_score = candidates.sub, candidates.rev, candidates.score
    if len(fixed_sub):
        fixed_keys = np.unique(fixed_sub * n_rev + fixed_rev)
        keys = cand_sub * n_rev + cand_rev
        keep = ~np.isin(keys, fixed_keys)
        cand_sub, cand_rev, cand_score = cand_sub[keep], cand_rev[keep], cand_score[keep]
    # Arcs into a submission with nothing to fill, or out of a full reviewer, are useless.
    keep = (demand[cand_sub] > 0) & (cap[cand_rev] > 0)
    cand_sub, cand_rev, cand_score = cand_sub[keep], cand_rev[keep], cand_score[keep]

    group_id, group_cand, n_groups = _org_groups(data, cand_sub, cand_rev)
    problem = Problem(
        n_sub=n_sub,
        n_rev=n_rev,
        cand_sub=cand_sub,
        cand_rev=cand_rev,
        cand_score=cand_score,
        demand=demand,
        cap=cap,
        min_load=mins,
        group_id=group_id,
        group_cand=group_cand,
        n_groups=n_groups,
        fixed_sub=fixed_sub,
        fixed_rev=fixed_rev,
        fixed_score=fixed_score,
    )
    if coverage:
        _add_coverage(problem, data)
    return problem


def _org_groups(
    data: MatchingData, cand_sub: np.ndarray, cand_rev: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Same-organisation groups with at least two candidates of one submission.

    A group is (submission, organisation): at most one of its candidates may be chosen.
    Groups with one candidate constrain nothing and are left out.
    """
    empty = np.empty(0, dtype=np.int64)
    if len(data.member_rev) == 0 or len(cand_sub) == 0:
        return empty, empty, 0
    order = np.argsort(data.member_rev, kind="stable")
    member_rev, member_org = data.member_rev[order], data.member_org[order]
    org_codes, member_org = np.unique(member_org, return_inverse=True)
    starts = np.searchsorted(member_rev, np.arange(data.n_rev))
    counts = np.bincount(member_rev, minlength=data.n_rev)
    per_cand = counts[cand_rev]
    cand_idx = np.repeat(np.arange(len(cand_sub)), per_cand)
    offsets = np.arange(len(cand_idx)) - np.repeat(np.cumsum(per_cand) - per_cand, per_cand)
    orgs = member_org[np.repeat(starts[cand_rev], per_cand) + offsets]
    keys = cand_sub[cand_idx] * len(org_codes) + orgs
    uniq, inverse, sizes = np.unique(keys, return_inverse=True, return_counts=True)
    matters = sizes[inverse] >= 2
    renumber = np.cumsum(sizes >= 2) - 1
    return renumber[inverse[matters]], cand_idx[matters], int((sizes >= 2).sum())


def _add_coverage(problem: Problem, data: MatchingData) -> None:
    """One requirement per (submission, specified risk) not covered by a fixed reviewer and
    with at least one expert among the submission's candidates."""
    specified = np.flatnonzero(data.area_specified)
    if len(specified) == 0:
        return
    needs = data.sub_area[:, specified] & (problem.demand[:, None] > 0)
    if len(problem.fixed_sub):
        covered = np.zeros_like(needs)
        fixed_has = data.rev_area_level[problem.fixed_rev][:, specified] > 0
        np.logical_or.at(covered, problem.fixed_sub, fixed_has)
        needs &= ~covered
    cand_has = data.rev_area_level[problem.cand_rev][:, specified] > 0  # C x S
    rel = cand_has & needs[problem.cand_sub]
    cand_idx, col = np.nonzero(rel)
    if len(cand_idx) == 0:
        return
    keys = problem.cand_sub[cand_idx] * len(specified) + col
    uniq, req_id = np.unique(keys, return_inverse=True)
    problem.req_sub = uniq // len(specified)
    problem.req_area = specified[uniq % len(specified)]
    problem.req_id = req_id
    problem.req_cand = cand_idx


# --- min-cost flow -------------------------------------------------------------------------


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
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    p = problem
    n_sub, n_rev = p.n_sub, p.n_rev
    sink = n_sub + n_rev
    first_group = sink + 1
    weights = p.weights()
    cost = p.cost
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

    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    n_nodes = first_group + p.n_groups
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
    return Solution(
        chosen=chosen,
        solver="min_cost_flow",
        status="optimal",
        unfilled=unfilled,
        coverage_missed=np.zeros(0, dtype=bool),
        objective=_objective(p, chosen),
        seconds=time.perf_counter() - started,
    )


def _objective(problem: Problem, chosen: np.ndarray) -> float:
    total = int(np.rint(problem.cand_score[chosen] * SCALE).sum())
    total += int(np.rint(problem.fixed_score * SCALE).sum())
    return total / SCALE


# --- LP / integer program -----------------------------------------------------------------


@dataclass
class _Model:
    c: np.ndarray
    matrix: object  # scipy.sparse csr
    lower: np.ndarray
    upper: np.ndarray
    var_lower: np.ndarray
    var_upper: np.ndarray
    n_cand: int
    slack_start: int
    cover_start: int


def _linear_model(problem: Problem) -> _Model:
    """The assignment problem as a linear program over the same candidates and weights.

    Variables: x per candidate (0..1), u per submission (unfilled slots), y per reviewer
    (minimum-load units reached, at most min and at most the load), v per coverage
    requirement (1 if missed).
    Rows: per submission sum x + u = open slots; per reviewer sum x <= capacity; per
    reviewer y - sum x <= 0; per same-organisation group sum x <= 1; per coverage
    requirement sum x(experts) + v >= 1.
    """
    from scipy import sparse

    p = problem
    weights = p.weights()
    n_cand, n_sub, n_rev, n_req = len(p.cand_sub), p.n_sub, p.n_rev, p.n_req
    x0, u0, y0, v0 = 0, n_cand, n_cand + n_sub, n_cand + n_sub + n_rev
    n_vars = v0 + n_req
    c = np.concatenate(
        [
            p.cost.astype(np.float64),
            np.full(n_sub, float(weights["slot"])),
            np.full(n_rev, -float(weights["min_load"])),
            np.full(n_req, float(weights["coverage"])),
        ]
    )
    cand = np.arange(n_cand)
    row_sub = p.cand_sub
    r0 = n_sub
    r1 = r0 + n_rev
    r2 = r1 + n_rev
    r3 = r2 + p.n_groups
    n_rows = r3 + n_req
    rows = np.concatenate(
        [
            row_sub,
            np.arange(n_sub),
            r0 + p.cand_rev,
            r1 + np.arange(n_rev),
            r1 + p.cand_rev,
            r2 + p.group_id,
            r3 + p.req_id,
            r3 + np.arange(n_req),
        ]
    )
    cols = np.concatenate(
        [
            x0 + cand,
            u0 + np.arange(n_sub),
            x0 + cand,
            y0 + np.arange(n_rev),
            x0 + cand,
            x0 + p.group_cand,
            x0 + p.req_cand,
            v0 + np.arange(n_req),
        ]
    )
    vals = np.concatenate(
        [
            np.ones(n_cand),
            np.ones(n_sub),
            np.ones(n_cand),
            np.ones(n_rev),
            -np.ones(n_cand),
            np.ones(len(p.group_cand)),
            np.ones(len(p.req_cand)),
            np.ones(n_req),
        ]
    )
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(n_rows, n_vars))
    lower = np.concatenate(
        [
            p.demand.astype(np.float64),
            np.full(n_rev, -np.inf),
            np.full(n_rev, -np.inf),
            np.full(p.n_groups, -np.inf),
            np.ones(n_req),
        ]
    )
    upper = np.concatenate(
        [
            p.demand.astype(np.float64),
            p.cap.astype(np.float64),
            np.zeros(n_rev),
            np.ones(p.n_groups),
            np.full(n_req, np.inf),
        ]
    )
    var_lower = np.zeros(n_vars)
    var_upper = np.concatenate(
        [
            np.ones(n_cand),
            p.demand.astype(np.float64),
            p.min_load.astype(np.float64),
            np.ones(n_req),
        ]
    )
    return _Model(c, matrix, lower, upper, var_lower, var_upper, n_cand, u0, v0)


def _highs(model: _Model, *, integral: bool, time_limit: float | None):
    from scipy.optimize import Bounds, LinearConstraint, milp

    integrality = np.zeros(len(model.c), dtype=np.uint8)
    if integral:
        integrality[: model.n_cand] = 1
    options = {"disp": False, "presolve": True}
    if integral:
        options["mip_rel_gap"] = 1e-9
    if time_limit:
        options["time_limit"] = float(time_limit)
    return milp(
        model.c,
        constraints=LinearConstraint(model.matrix, model.lower, model.upper),
        integrality=integrality,
        bounds=Bounds(model.var_lower, model.var_upper),
        options=options,
    )


def solve_milp(problem: Problem, *, time_limit: float | None = None) -> Solution:
    """Optimal assignment as an integer program (HiGHS), for what a flow cannot express."""
    started = time.perf_counter()
    model = _linear_model(problem)
    result = _highs(model, integral=True, time_limit=time_limit)
    if result.x is None:
        raise RuntimeError(f"HiGHS found no solution: {result.message}")
    x = result.x
    chosen = x[: model.n_cand] > 0.5
    unfilled = np.rint(x[model.slack_start : model.slack_start + problem.n_sub]).astype(np.int64)
    missed = x[model.cover_start :] > 0.5
    gap = getattr(result, "mip_gap", None)
    return Solution(
        chosen=chosen,
        solver="milp",
        status="optimal" if result.status == 0 else "time_limit",
        unfilled=unfilled,
        coverage_missed=missed,
        objective=_objective(problem, chosen),
        seconds=time.perf_counter() - started,
        mip_gap=float(gap) if gap is not None else None,
    )


def lp_bound(problem: Problem) -> float | None:
    """Total score of the LP relaxation's optimum (HiGHS), fixed pairs included.

    The LP is the integer problem with x in [0, 1]; it is solved with the same priority
    weights, and the bound reported is its affinity part, comparable with the objective.
    For a flow instance the two are equal (integrality of min-cost flow).
    """
    if len(problem.cand_sub) == 0:
        return _objective(problem, np.zeros(0, dtype=bool))
    model = _linear_model(problem)
    result = _highs(model, integral=False, time_limit=None)
    if result.x is None:
        return None
    x = result.x[: model.n_cand]
    total = float(np.dot(problem.cand_score * SCALE, x))
    total += float(np.rint(problem.fixed_score * SCALE).sum())
    return round(total) / SCALE


def _without_coverage(problem: Problem, status: str) -> Solution:
    relaxed = replace(
        problem,
        req_sub=np.empty(0, dtype=np.int64),
        req_area=np.empty(0, dtype=np.int64),
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
