"""Why a run could not do everything asked, and what would fix it.

Each explanation is stored as {"code", "params", "text"}: the text is rendered when the run
finishes (in the worker's language), and `explanation_text` renders it again from code and
params in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from submissions.models.taxonomy import LABELS

from .affinity import PairSet
from .data import MatchingData
from .solve import Problem, Solution

# Short names of the specified systemic risks for sentences; other areas use their label.
SHORT_NAMES = {
    "cbrn": "CBRN",
}


def _n(value: int) -> str:
    return number_format(int(value), force_grouping=True)


def area_name(code: str) -> str:
    if code in SHORT_NAMES:
        return _(SHORT_NAMES[code])
    return str(LABELS.get(code, code))


def _text(code: str, p: dict[str, Any]) -> str:
    if code == "capacity_short":
        return ngettext(
            "%(count)s submission cannot get %(k)s reviewers: total reviewer capacity is "
            "%(capacity)s for %(slots)s slots; raise reviewers' maximum loads or approve "
            "more reviewers.",
            "%(count)s submissions cannot get %(k)s reviewers: total reviewer capacity is "
            "%(capacity)s for %(slots)s slots; raise reviewers' maximum loads or approve "
            "more reviewers.",
            p["count"],
        ) % {
            "count": _n(p["count"]),
            "k": p["k"],
            "capacity": _n(p["capacity"]),
            "slots": _n(p["slots"]),
        }
    if code == "too_few_candidates":
        return _(
            "Submission %(submission)s can get only %(assigned)s of %(k)s reviewers: too few "
            "non-conflicted candidates (%(free)s of %(total)s approved reviewers are free of "
            "conflicts with it); dismiss conflicts that do not apply or approve more "
            "reviewers."
        ) % {**p, "free": _n(p["free"]), "total": _n(p["total"])}
    if code == "candidates_full":
        return ngettext(
            "%(count)s submission cannot get %(k)s reviewers although total capacity would "
            "suffice: the reviewers free of conflicts with it are at their maximum load or "
            "share an organisation with its other reviewers; raise those reviewers' maximum "
            "loads.",
            "%(count)s submissions cannot get %(k)s reviewers although total capacity would "
            "suffice: the reviewers free of conflicts with them are at their maximum load or "
            "share an organisation with their other reviewers; raise those reviewers' "
            "maximum loads.",
            p["count"],
        ) % {"count": _n(p["count"]), "k": p["k"]}
    if code == "coverage_capacity":
        area = area_name(p["area"])
        return ngettext(
            "%(area)s coverage impossible for %(count)s submission: only %(experts)s approved "
            "reviewers declare %(area)s expertise and their combined capacity is "
            "%(capacity)s; raise capacity or approve more reviewers.",
            "%(area)s coverage impossible for %(count)s submissions: only %(experts)s approved "
            "reviewers declare %(area)s expertise and their combined capacity is "
            "%(capacity)s; raise capacity or approve more reviewers.",
            p["count"],
        ) % {
            "area": area,
            "count": _n(p["count"]),
            "experts": _n(p["experts"]),
            "capacity": _n(p["capacity"]),
        }
    if code == "coverage_capacity_one":
        area = area_name(p["area"])
        return ngettext(
            "%(area)s coverage impossible for %(count)s submission: only 1 approved reviewer "
            "declares %(area)s expertise and their capacity is %(capacity)s; raise capacity "
            "or approve more reviewers.",
            "%(area)s coverage impossible for %(count)s submissions: only 1 approved reviewer "
            "declares %(area)s expertise and their capacity is %(capacity)s; raise capacity "
            "or approve more reviewers.",
            p["count"],
        ) % {"area": area, "count": _n(p["count"]), "capacity": _n(p["capacity"])}
    if code == "coverage_no_experts":
        area = area_name(p["area"])
        return ngettext(
            "%(area)s coverage impossible for %(count)s submission: no approved reviewer "
            "declares %(area)s expertise; approve reviewers with that expertise.",
            "%(area)s coverage impossible for %(count)s submissions: no approved reviewer "
            "declares %(area)s expertise; approve reviewers with that expertise.",
            p["count"],
        ) % {"area": area, "count": _n(p["count"])}
    if code == "coverage_conflicted":
        area = area_name(p["area"])
        return ngettext(
            "%(area)s coverage impossible for %(count)s submission: every approved reviewer "
            "who declares %(area)s expertise has a conflict with it; dismiss conflicts that "
            "do not apply or approve more reviewers.",
            "%(area)s coverage impossible for %(count)s submissions: every approved reviewer "
            "who declares %(area)s expertise has a conflict with them; dismiss conflicts "
            "that do not apply or approve more reviewers.",
            p["count"],
        ) % {"area": area, "count": _n(p["count"])}
    if code == "min_load_slots":
        return ngettext(
            "%(count)s reviewer stays below the minimum load of %(min)s: the %(slots)s open "
            "slots are fewer than the %(needed)s needed to give every reviewer the minimum; "
            "lower the minimum load.",
            "%(count)s reviewers stay below the minimum load of %(min)s: the %(slots)s open "
            "slots are fewer than the %(needed)s needed to give every reviewer the minimum; "
            "lower the minimum load.",
            p["count"],
        ) % {
            "count": _n(p["count"]),
            "min": p["min"],
            "slots": _n(p["slots"]),
            "needed": _n(p["needed"]),
        }
    if code == "min_load_candidates":
        return ngettext(
            "%(count)s reviewer stays below the minimum load of %(min)s: too few open "
            "submissions are free of conflicts with them; lower the minimum load or dismiss "
            "conflicts that do not apply.",
            "%(count)s reviewers stay below the minimum load of %(min)s: too few open "
            "submissions are free of conflicts with them; lower the minimum load or dismiss "
            "conflicts that do not apply.",
            p["count"],
        ) % {"count": _n(p["count"]), "min": p["min"]}
    if code == "existing_conflicted":
        return ngettext(
            "%(count)s existing assignment is now conflicted and is dropped from the "
            "proposal: %(pairs)s.",
            "%(count)s existing assignments are now conflicted and are dropped from the "
            "proposal: %(pairs)s.",
            p["count"],
        ) % {"count": _n(p["count"]), "pairs": ", ".join(p["pairs"])}
    if code == "existing_conflicted_started":
        return ngettext(
            "%(count)s existing assignment is conflicted but its review was started, so it "
            "stays; remove it by hand if it must go: %(pairs)s.",
            "%(count)s existing assignments are conflicted but their reviews were started, "
            "so they stay; remove them by hand if they must go: %(pairs)s.",
            p["count"],
        ) % {"count": _n(p["count"]), "pairs": ", ".join(p["pairs"])}
    if code == "coverage_too_large":
        return _(
            "Coverage was left out: an integer program over %(pairs)s candidate pairs is too "
            "large to solve in reasonable time, so the assignment is the optimal one without "
            "coverage; lower the candidates per submission or run coverage on a smaller call."
        ) % {"pairs": _n(p["pairs"])}
    if code == "coverage_dropped":
        return (
            _(
                "The integer program found no assignment within its time limit of "
                "%(seconds)s s, so coverage was left out: the assignment is optimal without "
                "it; raise the time limit to try again with coverage."
            )
            % p
        )
    if code == "time_limit":
        return (
            _(
                "The integer program stopped at its time limit of %(seconds)s s: the assignment "
                "is the best found, not proven optimal; raise the time limit or turn coverage "
                "off."
            )
            % p
        )
    return code


def explanation_text(item: dict[str, Any]) -> str:
    """The sentence of a stored explanation, in the active language."""
    return _text(item["code"], item["params"])


def _item(code: str, **params) -> dict[str, Any]:
    return {"code": code, "params": params, "text": _text(code, params)}


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
        """Which pairs may ever be assigned (no conflict, not declined, cleared)."""
        data = self.data
        blocked = data.sub_confidential[sub] & ~data.rev_cleared[rev]
        return ~self.forbidden.contains(sub, rev) & ~blocked


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

    if len(short):
        free = n_rev - ctx.forbidden_per_sub
        too_few = short[free[short] < ctx.k]
        for s in too_few.tolist():
            items.append(
                _item(
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
                    _item(
                        "capacity_short",
                        count=len(rest),
                        k=ctx.k,
                        capacity=capacity,
                        slots=slots,
                    )
                )
            else:
                items.append(_item("candidates_full", count=len(rest), k=ctx.k))

    if ctx.coverage and solution.status not in ("coverage_dropped", "coverage_too_large"):
        items.extend(_coverage_items(problem, ctx))

    if ctx.min_load:
        items.extend(_min_load_items(problem, ctx))

    if solution.status in ("time_limit", "coverage_dropped"):
        items.append(_item(solution.status, seconds=int(ctx.time_limit or 0)))
    if solution.status == "coverage_too_large":
        items.append(_item("coverage_too_large", pairs=len(problem.cand_sub)))
    return items


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
            items.append(_item("coverage_no_experts", area=code, count=len(subs)))
            continue
        # Submissions whose every expert is forbidden (conflict, declined, confidential).
        pair_sub = np.repeat(subs, len(experts))
        pair_rev = np.tile(experts, len(subs))
        allowed = ctx.allowed(pair_sub, pair_rev).reshape(len(subs), len(experts))
        conflicted = ~allowed.any(axis=1)
        if conflicted.any():
            items.append(_item("coverage_conflicted", area=code, count=int(conflicted.sum())))
        rest = int((~conflicted).sum())
        if rest:
            items.append(
                _item(
                    "coverage_capacity" if len(experts) > 1 else "coverage_capacity_one",
                    area=code,
                    count=rest,
                    experts=len(experts),
                    capacity=int(ctx.max_load[experts].sum()),
                )
            )
    return items


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
            _item(
                "min_load_slots",
                count=len(below),
                min=ctx.min_load,
                slots=open_slots,
                needed=needed,
            )
        ]
    return [_item("min_load_candidates", count=len(below), min=ctx.min_load)]
