"""The assignment problem as a linear program over the same candidates and weights, solved
by HiGHS (SciPy's `milp`): as an integer program for what a flow cannot express, and as
its LP relaxation for the bound the preview compares the objective with."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .affinity import SCALE
from .problem import Problem, Solution, total_score


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
    p = problem
    weights = p.weights()
    n_cand, n_sub, n_rev, n_req = len(p.cand_sub), p.n_sub, p.n_rev, p.n_req
    u0, v0 = n_cand, n_cand + n_sub + n_rev
    n_vars = v0 + n_req
    c = np.concatenate(
        [
            p.cost.astype(np.float64),
            np.full(n_sub, float(weights["slot"])),
            np.full(n_rev, -float(weights["min_load"])),
            np.full(n_req, float(weights["coverage"])),
        ]
    )
    matrix = _constraint_matrix(p)
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


def _constraint_matrix(p: Problem):
    """The rows of `_linear_model` over its variables (x, u, y, v in that order), as a
    scipy.sparse CSR matrix."""
    from scipy import sparse  # noqa: PLC0415 -- heavy: loads in the worker that solves

    n_cand, n_sub, n_rev, n_req = len(p.cand_sub), p.n_sub, p.n_rev, p.n_req
    x0, u0, y0, v0 = 0, n_cand, n_cand + n_sub, n_cand + n_sub + n_rev
    n_vars = v0 + n_req
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
    return sparse.csr_matrix((vals, (rows, cols)), shape=(n_rows, n_vars))


def _highs(model: _Model, *, integral: bool, time_limit: float | None):
    from scipy.optimize import (  # noqa: PLC0415 -- heavy: loads in the worker that solves
        Bounds,
        LinearConstraint,
        milp,
    )

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
        objective=total_score(problem, chosen),
        seconds=time.perf_counter() - started,
        mip_gap=float(gap) if gap is not None else None,
    )


@dataclass
class LpBound:
    """The LP relaxation's optimum: its affinity part (`bound`, fixed pairs included) and
    the coverage it leaves missing (the sum of the v variables, fractional)."""

    bound: float
    coverage_missed: float


def lp_bound(problem: Problem) -> LpBound | None:
    """The LP relaxation's optimum (HiGHS), or None when HiGHS finds none.

    The LP is the integer problem with x in [0, 1]; it is solved with the same priority
    weights, and the bound reported is its affinity part, comparable with the objective of
    any assignment that fills as many slots, covers as many requirements and reaches as
    many minimum loads as the LP does (the weights put those first). For a flow instance
    the two are equal (integrality of min-cost flow).
    """
    if len(problem.cand_sub) == 0:
        return LpBound(total_score(problem, np.zeros(0, dtype=bool)), 0.0)
    model = _linear_model(problem)
    result = _highs(model, integral=False, time_limit=None)
    if result.x is None:
        return None
    x = result.x[: model.n_cand]
    total = float(np.dot(problem.cand_score * SCALE, x))
    total += float(np.rint(problem.fixed_score * SCALE).sum())
    missed = float(result.x[model.cover_start :].sum())
    return LpBound(round(total) / SCALE, round(missed, 6))
