"""Sparse sets of (submission, reviewer) pairs, by position: what the steps of a run pass
each other instead of a Python object per pair."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def pair_keys(sub: np.ndarray, rev: np.ndarray, n_rev: int) -> np.ndarray:
    """One int64 key per pair, s * R + r: sorting keys sorts by submission, then reviewer."""
    return sub.astype(np.int64) * max(n_rev, 1) + rev.astype(np.int64)


def local_rows(block_rows: np.ndarray, subs: np.ndarray) -> np.ndarray:
    """Row numbers within a block of submissions of the given submission positions; -1 for
    a submission outside the block."""
    order = np.argsort(block_rows)
    sorted_rows = block_rows[order]
    pos = np.minimum(np.searchsorted(sorted_rows, subs), len(sorted_rows) - 1)
    return np.where(sorted_rows[pos] == subs, order[pos], -1)


@dataclass
class PairSet:
    """Sparse (submission, reviewer) pairs, as sorted unique int64 keys s * R + r."""

    keys: np.ndarray
    n_rev: int

    @classmethod
    def of(cls, sub: np.ndarray, rev: np.ndarray, n_rev: int) -> PairSet:
        return cls(np.unique(pair_keys(sub, rev, n_rev)), n_rev)

    def contains(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        keys = pair_keys(sub, rev, self.n_rev)
        if len(self.keys) == 0:
            return np.zeros(len(keys), dtype=bool)
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return self.keys[pos] == keys

    def rows_between(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Pairs whose submission is in [start, stop): (submission, reviewer) positions."""
        lo = np.searchsorted(self.keys, start * self.n_rev)
        hi = np.searchsorted(self.keys, stop * self.n_rev)
        chunk = self.keys[lo:hi]
        return chunk // self.n_rev, chunk % self.n_rev

    def in_block(self, block_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pairs of a block of submissions: (row within the block, reviewer)."""
        sub, rev = self.rows_between(int(block_rows.min()), int(block_rows.max()) + 1)
        local = local_rows(block_rows, sub)
        keep = local >= 0
        return local[keep], rev[keep]

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class Candidates:
    """The pairs the solver may choose, with their scores."""

    sub: np.ndarray  # int64 positions
    rev: np.ndarray
    score: np.ndarray  # float64, thousandths

    def __len__(self) -> int:
        return len(self.sub)
