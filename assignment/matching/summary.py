"""The figures of an assignment the preview shows: slots filled, affinity, loads and
coverage, for any assignment of an instance (the solver's, an import, a hand edit)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .affinity import SCALE
from .data import MatchingData
from .explain import coverage_missed
from .linear import LpBound
from .options import RunSettings
from .problem import Problem, Solution


def _stats(values: np.ndarray) -> dict[str, float | None]:
    if len(values) == 0:
        return {"mean": None, "min": None, "max": None}
    return {
        "mean": round(float(values.mean()), 3),
        "min": round(float(values.min()), 3),
        "max": round(float(values.max()), 3),
    }


def assignment_stats(
    *,
    data: MatchingData,
    k: int,
    sub: np.ndarray,
    rev: np.ndarray,
    score: np.ndarray,
    kept: np.ndarray,
    max_load: np.ndarray,
    coverage_requested: bool,
) -> dict[str, Any]:
    """Statistics of any assignment of the instance (solver's, imported or edited)."""
    n_sub, n_rev = data.n_sub, data.n_rev
    per_sub = np.bincount(sub, minlength=n_sub)
    score_sum = np.bincount(sub, weights=score, minlength=n_sub)
    has = per_sub > 0
    mean_per_sub = score_sum[has] / per_sub[has]
    load = np.bincount(rev, minlength=n_rev)
    histogram = np.bincount(load) if n_rev else np.zeros(0, dtype=np.int64)
    missed = coverage_missed(data, sub, rev)
    required = data.sub_area & data.area_specified[None, :]
    missing = np.maximum(k - per_sub, 0)
    short = np.flatnonzero(missing)
    return {
        "submissions": n_sub,
        "reviewers": n_rev,
        "objective": round(float(np.rint(score * SCALE).sum()) / SCALE, 3),
        "pairs": len(sub),
        "kept_pairs": int(kept.sum()),
        "new_pairs": int((~kept).sum()),
        "unfilled_total": int(missing.sum()),
        "unfilled": [
            {"submission": data.sub_codes[s], "missing": int(missing[s])} for s in short.tolist()
        ],
        "affinity_per_submission": _stats(mean_per_sub),
        "affinity_per_pair": _stats(score),
        "load": {
            **_stats(load.astype(np.float64)),
            "spread": int(load.max() - load.min()) if n_rev else 0,
            "histogram": {str(i): int(c) for i, c in enumerate(histogram.tolist()) if c},
            "at_max": int((load >= max_load).sum()),
        },
        "coverage": {
            "requested": coverage_requested,
            "required": int(required.sum()),
            "met": int((required & ~missed).sum()),
            "submissions_fully_covered": int((~missed.any(axis=1)).sum()),
        },
    }


def proposal_summary(
    *,
    data: MatchingData,
    settings: RunSettings,
    problem: Problem,
    solution: Solution,
    final_sub: np.ndarray,
    final_rev: np.ndarray,
    final_score: np.ndarray,
    kept: np.ndarray,
    max_load: np.ndarray,
    lp: LpBound | None,
    greedy_objective: float,
    greedy_filled: int,
    n_candidates: int,
    explanations: list[dict[str, Any]],
    timings: dict[str, float],
) -> dict[str, Any]:
    stats = assignment_stats(
        data=data,
        k=settings.k,
        sub=final_sub,
        rev=final_rev,
        score=final_score,
        kept=kept,
        max_load=max_load,
        coverage_requested=settings.coverage,
    )
    return {
        "solver": solution.solver,
        "status": solution.status,
        **stats,
        "objective": solution.objective,
        "lp_bound": lp.bound if lp else None,
        # Coverage the LP relaxation leaves missing: the proposal's missed requirements
        # (among those with an expert candidate) are at least its round-up.
        "lp_coverage_missed": lp.coverage_missed if lp else None,
        "coverage_missed_by_solver": int(solution.coverage_missed.sum()),
        "mip_gap": solution.mip_gap,
        "solver_bound": solution.bound,
        "greedy": {"objective": greedy_objective, "filled": greedy_filled},
        "candidates": n_candidates,
        "slots": int(problem.demand.sum()) + len(problem.fixed_sub),
        "explanations": explanations,
        "timings": {key: round(value, 3) for key, value in timings.items()},
    }
