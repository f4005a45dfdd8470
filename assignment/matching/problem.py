"""The solver's view of an instance: candidate arcs, demands, capacities, the
same-organisation groups and coverage requirements that constrain them, by position; and
what a solver returns.

Priorities, from most to least important: fill every slot; cover the specified risks
(with coverage on); bring reviewers up to their minimum load; maximise total affinity.
They are weights (`Problem.weights`), each larger than any change of the weights below it
along one exchange (an augmenting path or cycle visits each submission at most once, so it
changes at most 2P pairs of at most A = max |cost| each: W = 2 * A * P + 1). For the flow
this makes the order exact; for the integer program it holds for every single exchange,
which in practice is the whole story.

Unfilled slots cost W per slot through a slack variable, so the solve always succeeds and
returns the best partial assignment; explain.py says why a slot is left open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .affinity import SCALE
from .data import MatchingData
from .pairs import Candidates


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
    # submission.
    req_sub: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
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
    # A proven upper bound on the affinity (coverage.py), when the solver has one.
    bound: float | None = None


def total_score(problem: Problem, chosen: np.ndarray) -> float:
    total = int(np.rint(problem.cand_score[chosen] * SCALE).sum())
    total += int(np.rint(problem.fixed_score * SCALE).sum())
    return total / SCALE


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
    problem.req_id = req_id
    problem.req_cand = cand_idx
