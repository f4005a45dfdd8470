"""What the settings make of the existing state, before any score: the pairs a run may never
assign, the pairs it must consider, the assignments that stay, and the loads.

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

from dataclasses import dataclass

import numpy as np

from .affinity import AffinityModel
from .candidates import build_candidates
from .data import BID_CODES, MatchingData
from .options import RunSettings
from .pairs import Candidates, PairSet


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
    ex_blocked = forbidden.contains(ex_sub, ex_rev) | data.blocked(ex_sub, ex_rev)
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
