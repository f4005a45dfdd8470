"""From a loaded instance and run settings to a proposal: pure computation, no writes.

Existing assignments, by kind:
- declined: the pair is forbidden (the reviewer said no; the unique key forbids a second
  row anyway);
- with a review row (opened or written): always kept, whatever the settings, because
  replacing it would throw away work;
- conflicted now (a tie declared since), not started: dropped, and said so;
- the rest: kept (fixed) when the settings keep existing assignments, otherwise ordinary
  candidates the solver may keep or replace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .affinity import (
    SCALE,
    AffinityModel,
    Candidates,
    PairSet,
    build_candidates,
    improving_pairs,
)
from .data import BID_CODES, MatchingData
from .explain import Context, coverage_missed, explain
from .options import RunSettings
from .solve import Problem, Solution, build_problem, greedy, lp_bound, solve

Progress = Callable[[int, str], None]

# Pairs named in one explanation at most; the count says how many there are.
NAMED_PAIRS = 20


@dataclass
class Proposal:
    sub: np.ndarray  # positions
    rev: np.ndarray
    score: np.ndarray
    kept: np.ndarray  # bool: an existing assignment
    why: list[dict[str, Any]]
    summary: dict[str, Any]
    problem: Problem
    solution: Solution


def _noop(percent: int, message: str) -> None:
    return None


def _same_org_pairs(data: MatchingData, sub: np.ndarray, rev: np.ndarray) -> PairSet:
    """(s, r') for every fixed pair (s, r) and every other member r' of an organisation of r:
    once r stays on s, no colleague of r may join them."""
    n_rev = data.n_rev
    if len(sub) == 0 or len(data.member_rev) == 0:
        return PairSet(np.empty(0, dtype=np.int64), n_rev)
    order = np.argsort(data.member_org, kind="stable")
    orgs, starts = np.unique(data.member_org[order], return_index=True)
    groups = np.split(data.member_rev[order], starts[1:])
    members_of = dict(zip(orgs.tolist(), groups, strict=True))
    orgs_of: dict[int, list[int]] = {}
    for r, o in zip(data.member_rev.tolist(), data.member_org.tolist(), strict=True):
        orgs_of.setdefault(r, []).append(o)
    out_sub, out_rev = [], []
    for s, r in zip(sub.tolist(), rev.tolist(), strict=True):
        for o in orgs_of.get(r, ()):
            colleagues = members_of[o]
            colleagues = colleagues[colleagues != r]
            out_sub.append(np.full(len(colleagues), s, dtype=np.int64))
            out_rev.append(colleagues)
    if not out_sub:
        return PairSet(np.empty(0, dtype=np.int64), n_rev)
    return PairSet.of(np.concatenate(out_sub), np.concatenate(out_rev), n_rev)


def _name_pairs(data: MatchingData, sub: np.ndarray, rev: np.ndarray) -> list[str]:
    return [
        f"{data.rev_emails[r]} → {data.sub_codes[s]}"
        for s, r in zip(sub[:NAMED_PAIRS].tolist(), rev[:NAMED_PAIRS].tolist(), strict=True)
    ]


@dataclass
class Prepared:
    """What the settings make of the existing state: forbidden pairs, pairs that must be
    candidates, fixed pairs, loads."""

    max_load: np.ndarray  # per reviewer
    forbidden: PairSet  # never assigned: conflicts, declines, colleagues of fixed reviewers
    must: PairSet  # always candidates: bids, replaceable existing assignments
    ex_sub: np.ndarray  # live existing assignments
    ex_rev: np.ndarray
    fixed: np.ndarray  # bool over the existing assignments: stays whatever the solver does
    dropped: np.ndarray  # bool: conflicted, not started: dropped
    kept_blocked: np.ndarray  # bool: conflicted but started: stays, with a warning
    open_rows: np.ndarray  # submissions with fewer than k fixed reviewers

    @property
    def fixed_sub(self) -> np.ndarray:
        return self.ex_sub[self.fixed]

    @property
    def fixed_rev(self) -> np.ndarray:
        return self.ex_rev[self.fixed]


def prepare(*, data: MatchingData, settings: RunSettings) -> Prepared:
    n_sub, n_rev = data.n_sub, data.n_rev
    max_load = (
        np.full(n_rev, settings.max_load, dtype=np.int64)
        if settings.max_load is not None
        else data.rev_max.astype(np.int64)
    )
    # Hard exclusions: conflicts (the one definition, which includes conflict bids recorded
    # as ConflictRecord), declined assignments, and conflict bids even if not recorded.
    conflict_bid = data.bid_value == BID_CODES["conflict"]
    declined = data.assign_declined
    forbidden = PairSet.of(
        np.concatenate([data.conflict_sub, data.assign_sub[declined], data.bid_sub[conflict_bid]]),
        np.concatenate([data.conflict_rev, data.assign_rev[declined], data.bid_rev[conflict_bid]]),
        n_rev,
    )
    live = ~declined
    ex_sub, ex_rev = data.assign_sub[live], data.assign_rev[live]
    ex_started = data.assign_started[live]
    ex_blocked = forbidden.contains(ex_sub, ex_rev) | (
        data.sub_confidential[ex_sub] & ~data.rev_cleared[ex_rev]
    )
    fixed = ex_started | (settings.keeps_existing & ~ex_blocked)
    replaceable = ~fixed & ~ex_blocked
    same_org = _same_org_pairs(data, ex_sub[fixed], ex_rev[fixed])
    if len(same_org):
        forbidden = PairSet(np.union1d(forbidden.keys, same_org.keys), n_rev)
    must = PairSet.of(
        np.concatenate([data.bid_sub[~conflict_bid], ex_sub[replaceable]]),
        np.concatenate([data.bid_rev[~conflict_bid], ex_rev[replaceable]]),
        n_rev,
    )
    return Prepared(
        max_load=max_load,
        forbidden=forbidden,
        must=must,
        ex_sub=ex_sub,
        ex_rev=ex_rev,
        fixed=fixed,
        dropped=~fixed & ex_blocked,
        kept_blocked=fixed & ex_blocked,
        open_rows=np.flatnonzero(np.bincount(ex_sub[fixed], minlength=n_sub) < settings.k),
    )


def candidates_for(
    *, prepared: Prepared, model: AffinityModel, settings: RunSettings
) -> Candidates:
    return build_candidates(
        model=model,
        forbidden=prepared.forbidden,
        must=prepared.must,
        per_submission=settings.candidates_per_submission,
        per_reviewer=settings.candidates_per_reviewer,
        coverage=settings.coverage,
        rows=prepared.open_rows,
    )


def propose(*, data: MatchingData, settings: RunSettings, progress: Progress | None = None):
    """The proposal for one run: pairs (fixed and chosen), their scores and reasons, and the
    summary the preview shows."""
    progress = progress or _noop
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    n_sub, n_rev = data.n_sub, data.n_rev
    prepared = prepare(data=data, settings=settings)
    max_load, forbidden = prepared.max_load, prepared.forbidden
    ex_sub, ex_rev = prepared.ex_sub, prepared.ex_rev
    dropped, kept_blocked = prepared.dropped, prepared.kept_blocked
    fixed_sub, fixed_rev = prepared.fixed_sub, prepared.fixed_rev
    timings["prepare"] = time.perf_counter() - clock
    progress(15, "affinity")

    clock = time.perf_counter()
    model = AffinityModel(data, settings.weights)
    candidates = candidates_for(prepared=prepared, model=model, settings=settings)
    fixed_score = model.scores(fixed_sub, fixed_rev)
    timings["affinity"] = time.perf_counter() - clock
    progress(45, "solve")

    def _solve(cands: Candidates) -> tuple[Problem, Solution]:
        problem = build_problem(
            data=data,
            candidates=cands,
            k=settings.k,
            max_load=max_load,
            min_load=settings.effective_min_load,
            fixed_sub=fixed_sub,
            fixed_rev=fixed_rev,
            fixed_score=fixed_score,
            coverage=settings.coverage,
        )
        return problem, solve(problem, time_limit=settings.time_limit_s)

    clock = time.perf_counter()
    problem, solution = _solve(candidates)
    if solution.unfilled.any():
        # Top-k lists can miss reviewers who still have room: look again, for the unfilled
        # submissions only, among reviewers with spare capacity.
        load = np.bincount(problem.cand_rev[solution.chosen], minlength=n_rev)
        spare = problem.cap - load > 0
        if spare.any():
            extra = build_candidates(
                model=model,
                forbidden=forbidden,
                must=PairSet(np.empty(0, dtype=np.int64), n_rev),
                per_submission=settings.candidates_per_submission,
                per_reviewer=0,
                coverage=settings.coverage,
                rows=np.flatnonzero(solution.unfilled > 0),
                allowed_reviewers=spare,
            )
            merged = _merge(candidates, extra, n_rev)
            if len(merged) > len(candidates):
                candidates = merged
                problem, solution = _solve(candidates)
    # Pricing rounds re-solve the whole problem: cheap with a flow, not with an integer
    # program (whose time limit would apply again), so only flows get them.
    rounds = settings.pricing_rounds if solution.solver == "min_cost_flow" else 0
    for _round in range(rounds):
        problem, solution, candidates, added = _pricing_round(
            model, prepared, problem, solution, candidates, settings
        )
        if not added:
            break
        problem, solution = _solve(candidates)
    timings["solve"] = time.perf_counter() - clock
    progress(70, "bound")

    clock = time.perf_counter()
    bound = lp_bound(problem) if settings.wants_lp_bound(len(problem.cand_sub)) else None
    timings["lp_bound"] = time.perf_counter() - clock
    clock = time.perf_counter()
    greedy_objective, greedy_filled = greedy(problem)
    timings["greedy"] = time.perf_counter() - clock
    progress(80, "explain")

    chosen_sub = problem.cand_sub[solution.chosen]
    chosen_rev = problem.cand_rev[solution.chosen]
    final_sub = np.concatenate([fixed_sub, chosen_sub])
    final_rev = np.concatenate([fixed_rev, chosen_rev])
    final_score = np.concatenate([fixed_score, problem.cand_score[solution.chosen]])
    existing = PairSet.of(ex_sub, ex_rev, n_rev)
    kept = existing.contains(final_sub, final_rev)

    forbidden_per_sub = np.bincount(forbidden.keys // max(n_rev, 1), minlength=n_sub)
    forbidden_per_rev = np.bincount(forbidden.keys % max(n_rev, 1), minlength=n_rev)
    # "AI Office only" submissions are forbidden to every reviewer not cleared for them.
    f_sub, f_rev = forbidden.keys // max(n_rev, 1), forbidden.keys % max(n_rev, 1)
    both = data.sub_confidential[f_sub] & ~data.rev_cleared[f_rev]
    not_cleared = int((~data.rev_cleared).sum())
    forbidden_per_sub = (
        forbidden_per_sub
        + data.sub_confidential * not_cleared
        - np.bincount(f_sub[both], minlength=n_sub)
    )
    ctx = Context(
        data=data,
        k=settings.k,
        max_load=max_load,
        min_load=settings.effective_min_load,
        forbidden_per_sub=forbidden_per_sub,
        forbidden_per_rev=forbidden_per_rev,
        final_sub=final_sub,
        final_rev=final_rev,
        coverage=settings.coverage,
        time_limit=settings.time_limit_s,
        forbidden=forbidden,
    )
    explanations = []
    if dropped.any():
        explanations.append(
            _warning(
                "existing_conflicted", data, ex_sub[dropped], ex_rev[dropped], int(dropped.sum())
            )
        )
    if kept_blocked.any():
        explanations.append(
            _warning(
                "existing_conflicted_started",
                data,
                ex_sub[kept_blocked],
                ex_rev[kept_blocked],
                int(kept_blocked.sum()),
            )
        )
    explanations.extend(explain(problem, solution, ctx))

    clock = time.perf_counter()
    why = model.why(final_sub, final_rev)
    timings["why"] = time.perf_counter() - clock

    summary = _summary(
        data=data,
        settings=settings,
        problem=problem,
        solution=solution,
        final_sub=final_sub,
        final_rev=final_rev,
        final_score=final_score,
        kept=kept,
        max_load=max_load,
        bound=bound,
        greedy_objective=greedy_objective,
        greedy_filled=greedy_filled,
        n_candidates=len(candidates),
        explanations=explanations,
        timings=timings,
    )
    return Proposal(
        sub=final_sub,
        rev=final_rev,
        score=final_score,
        kept=kept,
        why=why,
        summary=summary,
        problem=problem,
        solution=solution,
    )


def _pricing_round(model, prepared, problem, solution, candidates, settings):
    """Add the pairs outside the candidates that could improve the solution (see
    affinity.improving_pairs); returns the new candidate set and how many were added."""
    data = model.data
    n_sub, n_rev = data.n_sub, data.n_rev
    chosen_sub = np.concatenate([problem.fixed_sub, problem.cand_sub[solution.chosen]])
    chosen_rev = np.concatenate([problem.fixed_rev, problem.cand_rev[solution.chosen]])
    chosen_score = np.concatenate([problem.fixed_score, problem.cand_score[solution.chosen]])
    sub_floor = np.full(n_sub, np.inf)
    np.minimum.at(sub_floor, chosen_sub, chosen_score)
    # A submission with an open slot takes anything allowed.
    sub_floor[solution.unfilled > 0] = -np.inf
    rev_floor = np.full(n_rev, np.inf)
    np.minimum.at(rev_floor, chosen_rev, chosen_score)
    load = np.bincount(chosen_rev, minlength=n_rev)
    rev_floor[load < prepared.max_load] = -np.inf
    rows = prepared.open_rows
    extra = improving_pairs(
        model=model,
        forbidden=prepared.forbidden,
        known=PairSet.of(candidates.sub, candidates.rev, n_rev),
        rows=rows,
        sub_floor=sub_floor.astype(np.float32),
        rev_floor=rev_floor.astype(np.float32),
        per_submission=settings.pricing_per_submission,
    )
    if len(extra) == 0:
        return problem, solution, candidates, 0
    merged = _merge(candidates, extra, n_rev)
    return problem, solution, merged, len(merged) - len(candidates)


def _warning(code: str, data: MatchingData, sub, rev, count: int) -> dict[str, Any]:
    from .explain import _item

    return _item(code, count=count, pairs=_name_pairs(data, sub, rev))


def _merge(a: Candidates, b: Candidates, n_rev: int) -> Candidates:
    sub = np.concatenate([a.sub, b.sub])
    rev = np.concatenate([a.rev, b.rev])
    score = np.concatenate([a.score, b.score])
    keys, first = np.unique(sub * n_rev + rev, return_index=True)
    return Candidates(sub=keys // n_rev, rev=keys % n_rev, score=score[first])


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


def _summary(
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
    bound: float | None,
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
        "lp_bound": bound,
        "mip_gap": solution.mip_gap,
        "greedy": {"objective": greedy_objective, "filled": greedy_filled},
        "candidates": n_candidates,
        "slots": int(problem.demand.sum()) + len(problem.fixed_sub),
        "explanations": explanations,
        "timings": {key: round(value, 3) for key, value in timings.items()},
    }
