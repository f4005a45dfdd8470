"""Why a run could not do everything asked, and what would fix it.

Each explanation is stored as {"code", "params", "text"}: the text is rendered when the run
finishes (in the worker's language), and `explanation_text` renders it again from code and
params in the reader's language (the sentences: texts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .data import MatchingData
from .pairs import PairSet
from .problem import Problem, Solution
from .texts import sentence


def explanation_text(item: dict[str, Any]) -> str:
    """The sentence of a stored explanation, in the active language."""
    return sentence(item["code"], item["params"])


def explanation_item(code: str, **params) -> dict[str, Any]:
    """An explanation as a run stores it: code, params, and the sentence as first shown."""
    return {"code": code, "params": params, "text": sentence(code, params)}


@dataclass
class Context:
    """What the explanations need besides the problem and its solution."""

    data: MatchingData
    k: int
    max_load: np.ndarray  # per reviewer
    min_load: int  # the minimum asked for (0 if none)
    forbidden_per_sub: np.ndarray  # reviewers that may never review the submission
    forbidden_per_rev: np.ndarray  # submissions the reviewer may never review
    final_sub: np.ndarray  # the assignment: fixed and chosen pairs
    final_rev: np.ndarray
    coverage: bool
    time_limit: float | None
    forbidden: PairSet

    def allowed(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        """Which pairs may ever be assigned (no conflict, not declined, cleared, the
        reviewer reads the documents' language)."""
        return ~self.forbidden.contains(sub, rev) & ~self.data.blocked(sub, rev)


def explain(problem: Problem, solution: Solution, ctx: Context) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    data = ctx.data
    n_rev = data.n_rev
    unfilled = solution.unfilled
    short = np.flatnonzero(unfilled > 0)
    fixed_count = len(problem.fixed_sub)
    slots = int(problem.demand.sum()) + fixed_count
    capacity = int(problem.cap.sum()) + fixed_count
    assigned = np.bincount(ctx.final_sub, minlength=data.n_sub)

    if len(short) and n_rev < ctx.k:
        # Fewer approved reviewers than reviews per submission: no submission can be full,
        # whatever the conflicts, so conflicts are not the thing to mention.
        items.append(explanation_item("too_few_reviewers", count=len(short), k=ctx.k, total=n_rev))
        short = short[:0]
    if len(short):
        short = _language_items(ctx, short, items)
    if len(short):
        free = n_rev - ctx.forbidden_per_sub
        too_few = short[free[short] < ctx.k]
        for s in too_few.tolist():
            items.append(
                explanation_item(
                    "too_few_candidates",
                    submission=data.sub_codes[s],
                    assigned=int(assigned[s]),
                    k=ctx.k,
                    free=int(free[s]),
                    total=n_rev,
                )
            )
        rest = np.setdiff1d(short, too_few)
        if len(rest):
            if capacity < slots:
                items.append(
                    explanation_item(
                        "capacity_short",
                        count=len(rest),
                        k=ctx.k,
                        capacity=capacity,
                        slots=slots,
                    )
                )
            else:
                items.append(explanation_item("candidates_full", count=len(rest), k=ctx.k))

    if ctx.coverage:
        items.extend(_coverage_items(problem, ctx))

    if ctx.min_load:
        items.extend(_min_load_items(problem, ctx))

    if solution.status == "time_limit":
        items.append(explanation_item("time_limit", seconds=int(ctx.time_limit or 0)))
    if solution.status in ("near_optimal", "near_optimal_time_limit"):
        # Coverage by Lagrangian relaxation (coverage.py): say so, with its proven gap.
        items.append(
            explanation_item(
                "coverage_relaxed",
                pairs=len(problem.cand_sub),
                gap=round(100 * float(solution.mip_gap or 0), 2),
                seconds=int(ctx.time_limit or 0)
                if solution.status == "near_optimal_time_limit"
                else 0,
            )
        )
    return items


def _language_items(ctx: Context, short: np.ndarray, items: list[dict[str, Any]]) -> np.ndarray:
    """Per language other than English, the unfilled submissions in it that its readers
    cannot serve: fewer than k approved reviewers read it (how many do, how many more are
    needed), or every one who does is at their maximum load. One explanation per language
    and cause; returns the unfilled submissions left for the other explanations."""
    data = ctx.data
    readers = data.rev_reads.sum(axis=0)
    load = np.bincount(ctx.final_rev, minlength=data.n_rev)
    # Per language: readers with room left (English, column 0, is never asked).
    with_room = data.rev_reads[load < ctx.max_load].sum(axis=0)
    lang = data.sub_lang[short]
    scarce = (lang > 0) & (readers[lang] < ctx.k)
    full = (lang > 0) & ~scarce & (with_room[lang] == 0)
    for code, which in (("language_short", scarce), ("language_capacity", full)):
        for column in np.unique(lang[which]).tolist():
            n_readers = int(readers[column])
            extra = (
                {"needed": ctx.k - n_readers}
                if code == "language_short"
                else {"capacity": int(ctx.max_load[data.rev_reads[:, column]].sum())}
            )
            items.append(
                explanation_item(
                    code,
                    language=data.lang_codes[column],
                    count=int((lang[which] == column).sum()),
                    k=ctx.k,
                    readers=n_readers,
                    **extra,
                )
            )
    return short[~scarce & ~full]


def _coverage_items(problem: Problem, ctx: Context) -> list[dict[str, Any]]:
    """Per specified risk, the submissions left without an expert, grouped by cause."""
    data = ctx.data
    items = []
    missed = coverage_missed(data, ctx.final_sub, ctx.final_rev)  # P x A bool
    for a in np.flatnonzero(data.area_specified).tolist():
        subs = np.flatnonzero(missed[:, a])
        if len(subs) == 0:
            continue
        code = data.area_codes[a]
        experts = np.flatnonzero(data.rev_area_level[:, a] > 0)
        if len(experts) == 0:
            items.append(explanation_item("coverage_no_experts", area=code, count=len(subs)))
            continue
        # Submissions whose every expert is forbidden (conflict, declined, confidential).
        pair_sub = np.repeat(subs, len(experts))
        pair_rev = np.tile(experts, len(subs))
        allowed = ctx.allowed(pair_sub, pair_rev).reshape(len(subs), len(experts))
        conflicted = ~allowed.any(axis=1)
        if conflicted.any():
            items.append(
                explanation_item("coverage_conflicted", area=code, count=int(conflicted.sum()))
            )
        rest = subs[~conflicted]
        if len(rest):
            items.extend(_coverage_rest(ctx, code, rest, experts))
    return items


def _coverage_rest(
    ctx: Context, code: str, subs: np.ndarray, experts: np.ndarray
) -> list[dict[str, Any]]:
    """Submissions missing risk `code` that some expert may review, by cause: every such
    expert is at their maximum load; or those with room all share an organisation with a
    reviewer the submission has (the same-organisation rule); or neither (the solver found
    no exchange: its candidates or its search fell short)."""
    data = ctx.data
    load = np.bincount(ctx.final_rev, minlength=data.n_rev)
    has_room = load[experts] < ctx.max_load[experts]
    causes = {"capacity": 0, "same_organisation": 0, "not_found": 0}
    for s in subs.tolist():
        allowed = ctx.allowed(np.full(len(experts), s), experts) & has_room
        if not allowed.any():
            causes["capacity"] += 1
        elif _all_share_an_organisation(ctx, s, experts[allowed]):
            causes["same_organisation"] += 1
        else:
            causes["not_found"] += 1
    items = []
    if causes["capacity"]:
        items.append(
            explanation_item(
                "coverage_capacity" if len(experts) > 1 else "coverage_capacity_one",
                area=code,
                count=causes["capacity"],
                experts=len(experts),
                capacity=int(ctx.max_load[experts].sum()),
            )
        )
    for cause in ("same_organisation", "not_found"):
        if causes[cause]:
            items.append(explanation_item(f"coverage_{cause}", area=code, count=causes[cause]))
    return items


def _all_share_an_organisation(ctx: Context, s: int, experts: np.ndarray) -> bool:
    data = ctx.data
    on_sub = ctx.final_rev[ctx.final_sub == s]
    taken = np.unique(data.member_org[np.isin(data.member_rev, on_sub)])
    if len(taken) == 0:
        return False
    member = np.isin(data.member_rev, experts) & np.isin(data.member_org, taken)
    blocked = np.unique(data.member_rev[member])
    return len(blocked) == len(np.unique(experts))


def coverage_missed(data: MatchingData, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
    """P x A: the submission has the specified risk and none of its reviewers declares it."""
    covered = np.zeros(data.sub_area.shape, dtype=bool)
    if len(sub):
        np.logical_or.at(covered, sub, data.rev_area_level[rev] > 0)
    return data.sub_area & data.area_specified[None, :] & ~covered


def _min_load_items(problem: Problem, ctx: Context) -> list[dict[str, Any]]:
    data = ctx.data
    wanted = np.minimum(ctx.min_load, ctx.max_load)
    load = np.bincount(ctx.final_rev, minlength=data.n_rev)
    below = np.flatnonzero(load < wanted)
    if len(below) == 0:
        return []
    needed = int(wanted.sum())
    open_slots = int(problem.demand.sum()) + len(problem.fixed_sub)
    if open_slots < needed:
        return [
            explanation_item(
                "min_load_slots",
                count=len(below),
                min=ctx.min_load,
                slots=open_slots,
                needed=needed,
            )
        ]
    return [explanation_item("min_load_candidates", count=len(below), min=ctx.min_load)]
