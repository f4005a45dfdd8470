"""From a loaded instance and run settings to a proposal: pure computation, no writes.

The steps, in order: what the settings make of the existing state (prepare.py), scores and
candidate pairs (affinity.py, candidates.py), the optimal assignment over them (solve.py),
searched again where the candidates fell short (a second round for unfilled slots, then
pricing rounds), the LP bound and greedy baseline, the explanations (explain.py) and the
summary (summary.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from .affinity import AffinityModel
from .candidates import build_candidates, improving_pairs
from .data import MatchingData
from .explain import Context, explain, explanation_item
from .linear import lp_bound
from .options import RunSettings
from .pairs import Candidates, PairSet
from .prepare import Prepared, candidates_for, prepare
from .problem import Problem, Solution, build_problem
from .solve import greedy, solve
from .summary import proposal_summary

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


def _noop(percent: int, message: str) -> None:
    return None


class _Timings(dict):
    """Seconds per step, for the summary."""

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        clock = time.perf_counter()
        yield
        self[name] = time.perf_counter() - clock


def propose(*, data: MatchingData, settings: RunSettings, progress: Progress | None = None):
    """The proposal for one run: pairs (fixed and chosen), their scores and reasons, and the
    summary the preview shows."""
    progress = progress or _noop
    timings = _Timings()
    with timings.step("prepare"):
        prepared = prepare(data=data, settings=settings)
    progress(15, "affinity")

    with timings.step("affinity"):
        model = AffinityModel(data, settings.weights)
        candidates = candidates_for(prepared=prepared, model=model, settings=settings)
        fixed_score = model.scores(prepared.fixed_sub, prepared.fixed_rev)
    progress(45, "solve")

    with timings.step("solve"):
        problem, solution, candidates = _search(
            model=model,
            prepared=prepared,
            settings=settings,
            candidates=candidates,
            fixed_score=fixed_score,
        )
    progress(70, "bound")

    with timings.step("lp_bound"):
        lp = lp_bound(problem) if settings.wants_lp_bound(len(problem.cand_sub)) else None
    with timings.step("greedy"):
        greedy_objective, greedy_filled = greedy(problem)
    progress(80, "explain")

    sub, rev, score = _assignment(problem, solution)
    kept = PairSet.of(prepared.ex_sub, prepared.ex_rev, data.n_rev).contains(sub, rev)
    explanations = _warnings(data, prepared) + explain(
        problem, solution, _context(data, settings, prepared, sub, rev)
    )
    with timings.step("why"):
        why = model.why(sub, rev)

    summary = proposal_summary(
        data=data,
        settings=settings,
        problem=problem,
        solution=solution,
        final_sub=sub,
        final_rev=rev,
        final_score=score,
        kept=kept,
        max_load=prepared.max_load,
        lp=lp,
        greedy_objective=greedy_objective,
        greedy_filled=greedy_filled,
        n_candidates=len(candidates),
        explanations=explanations,
        timings=timings,
    )
    # Which text similarity scored, and its calibration (affinity.TextScale).
    summary["text"] = {"variant": model.text_variant, **model.text_scale.to_json()}
    return Proposal(
        sub=sub,
        rev=rev,
        score=score,
        kept=kept,
        why=why,
        summary=summary,
    )


# --- the search --------------------------------------------------------------------------


def _search(
    *,
    model: AffinityModel,
    prepared: Prepared,
    settings: RunSettings,
    candidates: Candidates,
    fixed_score: np.ndarray,
) -> tuple[Problem, Solution, Candidates]:
    """The best assignment over the candidates, widened where they fell short: for
    unfilled slots, and by pricing rounds. Returns the last problem, its solution and the
    candidates it was built from."""

    def solve_over(cands: Candidates) -> tuple[Problem, Solution]:
        problem = build_problem(
            data=model.data,
            candidates=cands,
            k=settings.k,
            max_load=prepared.max_load,
            min_load=settings.effective_min_load,
            fixed_sub=prepared.fixed_sub,
            fixed_rev=prepared.fixed_rev,
            fixed_score=fixed_score,
            coverage=settings.coverage,
        )
        return problem, solve(
            problem, time_limit=settings.time_limit_s, milp_max_pairs=settings.milp_max_pairs
        )

    problem, solution = solve_over(candidates)
    wider = _for_unfilled_slots(model, prepared, problem, solution, candidates, settings)
    if wider is not None:
        candidates = wider
        problem, solution = solve_over(candidates)
    # Pricing rounds re-solve the whole problem: cheap with a flow, not with an integer
    # program (whose time limit would apply again) nor with the coverage relaxation (a
    # flow per iteration), so only flows get them.
    rounds = settings.pricing_rounds if solution.solver == "min_cost_flow" else 0
    for _round in range(rounds):
        wider = _pricing_round(model, prepared, problem, solution, candidates, settings)
        if wider is None:
            break
        candidates = wider
        problem, solution = solve_over(candidates)
    return problem, solution, candidates


def _for_unfilled_slots(model, prepared, problem, solution, candidates, settings):
    """Top-k lists can miss reviewers who still have room: look again, for the unfilled
    submissions only, among reviewers with spare capacity. The wider candidates, or None
    when there is nothing to add."""
    if not solution.unfilled.any():
        return None
    n_rev = model.data.n_rev
    load = np.bincount(problem.cand_rev[solution.chosen], minlength=n_rev)
    spare = problem.cap - load > 0
    if not spare.any():
        return None
    extra = build_candidates(
        model=model,
        forbidden=prepared.forbidden,
        must=PairSet(np.empty(0, dtype=np.int64), n_rev),
        per_submission=settings.candidates_per_submission,
        per_reviewer=0,
        coverage=settings.coverage,
        rows=np.flatnonzero(solution.unfilled > 0),
        allowed_reviewers=spare,
    )
    merged = _merge(candidates, extra, n_rev)
    return merged if len(merged) > len(candidates) else None


def _pricing_round(model, prepared, problem, solution, candidates, settings):
    """The candidates with the pairs outside them that could improve the solution (see
    candidates.improving_pairs), or None when there are none."""
    data = model.data
    n_sub, n_rev = data.n_sub, data.n_rev
    chosen_sub, chosen_rev, chosen_score = _assignment(problem, solution)
    sub_floor = np.full(n_sub, np.inf)
    np.minimum.at(sub_floor, chosen_sub, chosen_score)
    # A submission with an open slot takes anything allowed.
    sub_floor[solution.unfilled > 0] = -np.inf
    rev_floor = np.full(n_rev, np.inf)
    np.minimum.at(rev_floor, chosen_rev, chosen_score)
    load = np.bincount(chosen_rev, minlength=n_rev)
    rev_floor[load < prepared.max_load] = -np.inf
    extra = improving_pairs(
        model=model,
        forbidden=prepared.forbidden,
        known=PairSet.of(candidates.sub, candidates.rev, n_rev),
        rows=prepared.open_rows,
        sub_floor=sub_floor.astype(np.float32),
        rev_floor=rev_floor.astype(np.float32),
        per_submission=settings.pricing_per_submission,
    )
    if len(extra) == 0:
        return None
    merged = _merge(candidates, extra, n_rev)
    return merged if len(merged) > len(candidates) else None


def _merge(a: Candidates, b: Candidates, n_rev: int) -> Candidates:
    sub = np.concatenate([a.sub, b.sub])
    rev = np.concatenate([a.rev, b.rev])
    score = np.concatenate([a.score, b.score])
    keys, first = np.unique(sub * n_rev + rev, return_index=True)
    return Candidates(sub=keys // n_rev, rev=keys % n_rev, score=score[first])


def _assignment(problem: Problem, solution: Solution):
    """(submission, reviewer, score) of every pair of the solution, fixed ones first."""
    chosen = solution.chosen
    return (
        np.concatenate([problem.fixed_sub, problem.cand_sub[chosen]]),
        np.concatenate([problem.fixed_rev, problem.cand_rev[chosen]]),
        np.concatenate([problem.fixed_score, problem.cand_score[chosen]]),
    )


# --- explanations ------------------------------------------------------------------------


def _context(
    data: MatchingData,
    settings: RunSettings,
    prepared: Prepared,
    final_sub: np.ndarray,
    final_rev: np.ndarray,
) -> Context:
    n_sub, n_rev = data.n_sub, data.n_rev
    forbidden = prepared.forbidden
    f_sub, f_rev = forbidden.keys // max(n_rev, 1), forbidden.keys % max(n_rev, 1)
    # "AI Office only" submissions are forbidden to every reviewer not cleared for them,
    # documents not in English to every reviewer who does not read them (data.blocked):
    # what is left per submission, less the forbidden pairs among those.
    allowed = ~data.blocked(f_sub, f_rev)
    forbidden_per_sub = (
        n_rev - data.readers_per_sub() + np.bincount(f_sub[allowed], minlength=n_sub)
    )
    return Context(
        data=data,
        k=settings.k,
        max_load=prepared.max_load,
        min_load=settings.effective_min_load,
        forbidden_per_sub=forbidden_per_sub,
        forbidden_per_rev=np.bincount(f_rev, minlength=n_rev),
        final_sub=final_sub,
        final_rev=final_rev,
        coverage=settings.coverage,
        time_limit=settings.time_limit_s,
        forbidden=forbidden,
    )


def _warnings(data: MatchingData, prepared: Prepared) -> list[dict[str, Any]]:
    """Existing assignments that are conflicted now: dropped, or kept because their review
    was started."""
    items = []
    for code, which in (
        ("existing_conflicted", prepared.dropped),
        ("existing_conflicted_started", prepared.kept_blocked),
    ):
        if which.any():
            sub, rev = prepared.ex_sub[which], prepared.ex_rev[which]
            items.append(
                explanation_item(code, count=int(which.sum()), pairs=_name_pairs(data, sub, rev))
            )
    return items


def _name_pairs(data: MatchingData, sub: np.ndarray, rev: np.ndarray) -> list[str]:
    return [
        f"{data.rev_emails[r]} → {data.sub_codes[s]}"
        for s, r in zip(sub[:NAMED_PAIRS].tolist(), rev[:NAMED_PAIRS].tolist(), strict=True)
    ]
