"""The candidate pairs: the few pairs per submission and per reviewer the solver may choose
from, so that the full P x R score matrix is never held.

Scores are computed in blocks of submissions (AffinityModel.block), and only the
candidates are kept: per submission its best `candidates_per_submission` reviewers, per
reviewer their best `candidates_per_reviewer` submissions (so nobody with capacity is
invisible to the solver), every bid pair and every existing assignment, and, with coverage
on, each submission's best reviewers for each of its specified risks. Forbidden pairs
(conflicts, declined assignments, "AI Office only" submissions for reviewers not cleared,
documents in a language the reviewer does not read) never become candidates. The language
rule is a mask per block: the block's columns of the reviewers x languages matrix
(data.rev_reads), one fancy index, so it costs no more than the block of scores itself;
English documents need no filter.

Top-k lists are a restriction: when capacity is tight the best solution over all pairs
uses pairs further down the lists. After a first solve, `improving_pairs` scans every pair
once more (blockwise again) and adds those that could improve the solution, a round of
column generation; on the 10,000 x 5,000 benchmark one round recovers most of what 100
candidates per submission would give, at a fraction of the cost.
"""

from __future__ import annotations

import numpy as np

from .affinity import BLOCK_ROWS, SCALE, AffinityModel
from .pairs import Candidates, PairSet, pair_keys

# With coverage on: per submission and specified risk, this many best-matching reviewers
# who declare that risk are candidates, whatever their overall rank.
COVERAGE_CANDIDATES = 5


def _top_per_row(values: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of the `count` largest finite values of each row."""
    n_rows, n_cols = values.shape
    if count <= 0 or n_cols == 0 or n_rows == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if count < n_cols:
        cols = np.argpartition(-values, count - 1, axis=1)[:, :count]
    else:
        cols = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols))
    rows = np.broadcast_to(np.arange(n_rows)[:, None], cols.shape)
    rows, cols = rows.ravel(), cols.ravel()
    finite = np.isfinite(values[rows, cols])
    return rows[finite], cols[finite]


def _rule_out(
    values: np.ndarray, model: AffinityModel, block_rows: np.ndarray, *excluded: PairSet
) -> None:
    """Set to -inf, in a block of scores, every pair of `excluded`, every "AI Office only"
    submission for the reviewers not cleared for it, and every submission not in English
    for the reviewers who do not read its language."""
    for pairs in excluded:
        sub, rev = pairs.in_block(block_rows)
        values[sub, rev] = -np.inf
    confidential = model.data.sub_confidential[block_rows]
    if confidential.any():
        values[np.ix_(confidential, ~model.data.rev_cleared)] = -np.inf
    lang = model.data.sub_lang[block_rows]
    foreign = np.flatnonzero(lang)
    if len(foreign):
        # Rows of the block not in English: (rows x R) of "does not read it".
        values[foreign] = np.where(
            model.data.rev_reads[:, lang[foreign]].T, values[foreign], -np.inf
        )


class _BestPerReviewer:
    """Per reviewer, the `keep` best submissions seen so far, merged block by block."""

    def __init__(self, keep: int, n_rev: int):
        self.keep = keep
        self.value = np.full((keep, n_rev), -np.inf, dtype=np.float32)
        self.sub = np.zeros((keep, n_rev), dtype=np.int64)

    def merge(self, masked: np.ndarray, block_rows: np.ndarray) -> None:
        if not self.keep:
            return
        merged_val = np.concatenate([self.value, masked], axis=0)
        merged_sub = np.concatenate(
            [self.sub, np.broadcast_to(block_rows[:, None], masked.shape)], axis=0
        )
        top = np.argpartition(-merged_val, self.keep - 1, axis=0)[: self.keep]
        self.value = np.take_along_axis(merged_val, top, axis=0)
        self.sub = np.take_along_axis(merged_sub, top, axis=0)

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(submission, reviewer, score) of every finite entry."""
        finite = np.isfinite(self.value)
        cols = np.broadcast_to(np.arange(self.value.shape[1]), self.value.shape)
        return self.sub[finite], cols[finite], self.value[finite]


def _coverage_picks(
    model: AffinityModel, masked: np.ndarray, block_rows: np.ndarray, selected: np.ndarray
) -> None:
    """Mark, per submission of the block and specified risk it has, its best reviewers
    among those who declare that risk."""
    data = model.data
    for a in np.flatnonzero(data.area_specified):
        experts = data.rev_area_level[:, a] > 0
        needs = data.sub_area[block_rows, a]
        if not needs.any() or not experts.any():
            continue
        sub_block = np.where(experts[None, :], masked[needs], -np.inf)
        r_idx, c_idx = _top_per_row(sub_block, COVERAGE_CANDIDATES)
        selected[np.flatnonzero(needs)[r_idx], c_idx] = True


def build_candidates(
    *,
    model: AffinityModel,
    forbidden: PairSet,
    must: PairSet,
    per_submission: int,
    per_reviewer: int,
    coverage: bool,
    rows: np.ndarray | None = None,
    allowed_reviewers: np.ndarray | None = None,
) -> Candidates:
    """Candidate pairs with their scores (see the module docstring for which).

    `rows` limits the work to some submissions, `allowed_reviewers` (bool, length R) to some
    reviewers: a second round uses both to find more candidates for unfilled slots.
    """
    data = model.data
    n_rev = data.n_rev
    rows = np.arange(data.n_sub) if rows is None else np.asarray(rows, dtype=np.int64)
    found_sub, found_rev, found_score = [], [], []
    best = _BestPerReviewer(min(per_reviewer, len(rows)), n_rev)

    for start in range(0, len(rows), BLOCK_ROWS):
        block_rows = rows[start : start + BLOCK_ROWS]
        scores = model.block(block_rows)
        masked = scores.copy()
        _rule_out(masked, model, block_rows, forbidden)
        if allowed_reviewers is not None:
            masked[:, ~allowed_reviewers] = -np.inf

        selected = np.zeros(scores.shape, dtype=bool)
        r_idx, c_idx = _top_per_row(masked, per_submission)
        selected[r_idx, c_idx] = True
        m_sub, m_rev = must.in_block(block_rows)
        selected[m_sub, m_rev] = True
        if coverage:
            _coverage_picks(model, masked, block_rows, selected)
        best.merge(masked, block_rows)

        selected &= np.isfinite(masked)
        r_idx, c_idx = np.nonzero(selected)
        found_sub.append(block_rows[r_idx])
        found_rev.append(c_idx)
        found_score.append(scores[r_idx, c_idx])

    if best.keep:
        extra_sub, extra_rev, extra_score = best.pairs()
        found_sub.append(extra_sub)
        found_rev.append(extra_rev)
        found_score.append(extra_score)

    sub = np.concatenate(found_sub) if found_sub else np.empty(0, dtype=np.int64)
    rev = np.concatenate(found_rev) if found_rev else np.empty(0, dtype=np.int64)
    score = np.concatenate(found_score) if found_score else np.empty(0, dtype=np.float32)
    keys, first = np.unique(pair_keys(sub, rev, n_rev), return_index=True)
    return Candidates(
        sub=keys // max(n_rev, 1),
        rev=keys % max(n_rev, 1),
        score=np.rint(score[first].astype(np.float64) * SCALE) / SCALE,
    )


def improving_pairs(
    *,
    model: AffinityModel,
    forbidden: PairSet,
    known: PairSet,
    rows: np.ndarray,
    sub_floor: np.ndarray,
    rev_floor: np.ndarray,
    per_submission: int,
) -> Candidates:
    """Pairs outside the candidates that could improve a solution: a pair beats the worst
    reviewer its submission has (`sub_floor`) and the worst submission its reviewer has
    when the reviewer is full (`rev_floor`, -inf for reviewers with room). These are the
    pairs with a positive reduced profit for the duals a solution suggests; adding them
    and solving again is one round of column generation (pricing)."""
    found_sub, found_rev, found_score = [], [], []
    for start in range(0, len(rows), BLOCK_ROWS):
        block_rows = rows[start : start + BLOCK_ROWS]
        scores = model.block(block_rows)
        gain = scores - np.maximum(sub_floor[block_rows][:, None], rev_floor[None, :])
        _rule_out(gain, model, block_rows, forbidden, known)
        gain[gain <= 0] = -np.inf
        r_idx, c_idx = _top_per_row(gain, per_submission)
        found_sub.append(block_rows[r_idx])
        found_rev.append(c_idx)
        found_score.append(scores[r_idx, c_idx])
    if not found_sub:
        empty = np.empty(0, dtype=np.int64)
        return Candidates(empty, empty, np.empty(0, dtype=np.float64))
    score = np.concatenate(found_score).astype(np.float64)
    return Candidates(
        sub=np.concatenate(found_sub).astype(np.int64),
        rev=np.concatenate(found_rev).astype(np.int64),
        score=np.rint(score * SCALE) / SCALE,
    )
