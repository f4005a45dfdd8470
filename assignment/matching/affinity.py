"""One affinity score per submission-reviewer pair, and the sparse candidate pairs.

    score = expertise * overlap + text * similarity + bid bonus

- overlap (0..1): the reviewer's declared expertise in the submission's risk areas and
  methods. Each shared item counts by the reviewer's level (level_1..level_3), averaged
  over the submission's items; risk areas weigh `risk_area_share`, methods the rest (a
  submission without methods is judged on risk areas alone, and the other way round).
- similarity (0..1): TF-IDF cosine between the reviewer's statement of expertise and the
  submission's title and abstract (scikit-learn's TfidfVectorizer, English stop words,
  sublinear term frequency; rows are L2-normalised, so the cosine is a dot product).
- bid bonus: eager > willing > no bid (0) > not willing. "Not willing" is a strong penalty,
  not a ban: such a pair is used only when nothing else fills the slot. A "conflict" bid
  is a conflict of interest and the pair is never a candidate.

The full P x R score matrix is never held: it is computed in blocks of submissions, and
only the candidates are kept: per submission its best `candidates_per_submission`
reviewers, per reviewer their best `candidates_per_reviewer` submissions (so nobody with
capacity is invisible to the solver), every bid pair and every existing assignment, and,
with coverage on, each submission's best reviewers for each of its specified risks.
Forbidden pairs (conflicts, declined assignments, "AI Office only" submissions for
reviewers not cleared) never become candidates.

Top-k lists are a restriction: when capacity is tight the best solution over all pairs
uses pairs further down the lists. After a first solve, `improving_pairs` scans every pair
once more (blockwise again) and adds those that could improve the solution, a round of
column generation; on the 10,000 x 5,000 benchmark one round recovers most of what 100
candidates per submission would give, at a fraction of the cost.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .data import BID_CODES, BID_NAMES, NO_BID, MatchingData

# Rows of the score matrix computed at once: BLOCK_ROWS x R float32 (10 MB at R = 5,000).
BLOCK_ROWS = 512
# Above this many bytes the reviewers' TF-IDF matrix stays sparse for the block products.
DENSE_TEXT_LIMIT = 256 * 1024 * 1024
# With coverage on: per submission and specified risk, this many best-matching reviewers
# who declare that risk are candidates, whatever their overall rank.
COVERAGE_CANDIDATES = 5
# Scores are compared and stored in thousandths (the flow solver needs integer costs).
SCALE = 1000


@dataclass(frozen=True)
class AffinityWeights:
    """Weights of the affinity score; staff can override any of them per run.

    Defaults: expertise counts twice as much as text similarity (declared expertise is
    specific to this portal's taxonomy; free-text statements are noisier); an "eager" bid
    adds as much as half a perfect expertise match, "willing" a quarter; "not willing"
    subtracts more than any pair can otherwise score, so it loses to every other option.
    """

    expertise: float = 1.0
    text: float = 0.5
    risk_area_share: float = 0.6
    level_1: float = 0.4
    level_2: float = 0.7
    level_3: float = 1.0
    bid_eager: float = 0.5
    bid_willing: float = 0.25
    bid_not_willing: float = -2.0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(_("Affinity weights must be numbers."))
            if not math.isfinite(value) or abs(value) > 100:
                raise ValidationError(_("Affinity weights must be between -100 and 100."))
        if self.expertise < 0 or self.text < 0:
            raise ValidationError(_("The expertise and text weights cannot be negative."))
        if not 0 <= self.risk_area_share <= 1:
            raise ValidationError(_("The risk-area share must be between 0 and 1."))
        if not 0 <= self.level_1 <= self.level_2 <= self.level_3:
            raise ValidationError(_("Expertise level weights must grow with the level."))
        if not self.bid_eager >= self.bid_willing >= 0 >= self.bid_not_willing:
            raise ValidationError(
                _("Bid weights must keep the order eager ≥ willing ≥ 0 ≥ not willing.")
            )

    def to_json(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | AffinityWeights | None) -> AffinityWeights:
        if isinstance(data, AffinityWeights):
            return data
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def bid_bonus(self) -> np.ndarray:
        """Bonus by bid code (data.BID_CODES); the conflict code is never scored."""
        bonus = np.zeros(max(BID_CODES.values()) + 1, dtype=np.float32)
        bonus[BID_CODES["eager"]] = self.bid_eager
        bonus[BID_CODES["willing"]] = self.bid_willing
        bonus[BID_CODES["not_willing"]] = self.bid_not_willing
        return bonus


def _pair_keys(sub: np.ndarray, rev: np.ndarray, n_rev: int) -> np.ndarray:
    return sub.astype(np.int64) * max(n_rev, 1) + rev.astype(np.int64)


class AffinityModel:
    """Scores for any block of submissions or any list of pairs, from a loaded instance."""

    def __init__(
        self, data: MatchingData, weights: AffinityWeights, idf_texts: list[str] | None = None
    ):
        self.data = data
        self.weights = weights
        n_rev = data.n_rev
        # Submission scope, each row summing to its share of the overlap.
        n_areas = data.sub_area.sum(axis=1, keepdims=True)
        n_methods = data.sub_method.sum(axis=1, keepdims=True)
        area_share = np.where(n_areas > 0, weights.risk_area_share, 0.0)
        method_share = np.where(n_methods > 0, 1.0 - weights.risk_area_share, 0.0)
        total = area_share + method_share
        total[total == 0] = 1.0
        self.sub_area_w = (data.sub_area / np.maximum(n_areas, 1) * (area_share / total)).astype(
            np.float32
        )
        self.sub_method_w = (
            data.sub_method / np.maximum(n_methods, 1) * (method_share / total)
        ).astype(np.float32)
        levels = np.array(
            [0.0, weights.level_1, weights.level_2, weights.level_3], dtype=np.float32
        )
        self.rev_area_w = levels[data.rev_area_level]
        self.rev_method_w = levels[data.rev_method_level]
        self._exp_right = np.ascontiguousarray(
            np.concatenate([self.rev_area_w, self.rev_method_w], axis=1).T * weights.expertise
        )
        self._exp_left = np.concatenate([self.sub_area_w, self.sub_method_w], axis=1)

        # scipy and scikit-learn are imported where they are used: web processes import
        # this module (for AffinityWeights) and should not pay for them.
        self.sub_text, self.rev_text = _tfidf(data.sub_texts, data.rev_statements, idf_texts)
        rev_t = self.rev_text.T.tocsr()
        if rev_t.shape[0] * max(n_rev, 1) * 4 <= DENSE_TEXT_LIMIT:
            self._text_right = rev_t.toarray().astype(np.float32)
        else:
            self._text_right = rev_t

        self.bid_bonus = weights.bid_bonus()
        order = np.argsort(_pair_keys(data.bid_sub, data.bid_rev, n_rev), kind="stable")
        self._bid_keys = _pair_keys(data.bid_sub, data.bid_rev, n_rev)[order]
        self._bid_values = data.bid_value[order]

    # --- scores ---------------------------------------------------------------------------

    def block(self, rows: np.ndarray) -> np.ndarray:
        """Expertise and text part of the score for the given submissions: len(rows) x R."""
        out = self._exp_left[rows] @ self._exp_right
        from scipy import sparse

        text = self.sub_text[rows] @ self._text_right
        if sparse.issparse(text):
            text = text.toarray()
        out += self.weights.text * np.asarray(text, dtype=np.float32)
        return out.astype(np.float32, copy=False)

    def bids_of(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        """Bid codes of the given pairs (NO_BID where there is none)."""
        keys = _pair_keys(sub, rev, self.data.n_rev)
        if len(self._bid_keys) == 0:
            return np.full(len(keys), NO_BID, dtype=np.int8)
        pos = np.minimum(np.searchsorted(self._bid_keys, keys), len(self._bid_keys) - 1)
        return np.where(self._bid_keys[pos] == keys, self._bid_values[pos], NO_BID).astype(np.int8)

    def components(self, sub: np.ndarray, rev: np.ndarray) -> dict[str, np.ndarray]:
        """Overlap, similarity and bid of arbitrary pairs, vectorised."""
        overlap = (self._exp_left[sub] * self._exp_right.T[rev]).sum(axis=1)
        if self.weights.expertise:
            overlap = overlap / self.weights.expertise
        text = np.asarray(self.sub_text[sub].multiply(self.rev_text[rev]).sum(axis=1)).ravel()
        return {"overlap": overlap, "text": text, "bid": self.bids_of(sub, rev)}

    def scores(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        """Scores of arbitrary pairs, rounded to thousandths as the solver sees them."""
        parts = self.components(sub, rev)
        raw = (
            self.weights.expertise * parts["overlap"]
            + self.weights.text * parts["text"]
            + self.bid_bonus[parts["bid"]]
        )
        return np.rint(raw * SCALE) / SCALE

    def why(self, sub: np.ndarray, rev: np.ndarray) -> list[dict[str, Any]]:
        """Per pair, what the score rests on: shared risk areas and methods (codes), the bid,
        the text similarity and the expertise overlap."""
        data = self.data
        parts = self.components(sub, rev)
        shared_areas = data.sub_area[sub] & (data.rev_area_level[rev] > 0)
        shared_methods = data.sub_method[sub] & (data.rev_method_level[rev] > 0)
        area_codes = np.array(data.area_codes, dtype=object)
        method_codes = np.array(data.method_codes, dtype=object)
        # Few distinct combinations repeat across thousands of pairs: decode each once.
        decoded: dict[bytes, list[str]] = {}

        def codes(row: np.ndarray, names: np.ndarray) -> list[str]:
            key = row.tobytes() + names[:1].tobytes()
            if key not in decoded:
                decoded[key] = names[row].tolist()
            return decoded[key]

        overlap = np.round(parts["overlap"], 3).tolist()
        text = np.round(parts["text"], 3).tolist()
        bids = parts["bid"].tolist()
        return [
            {
                "risk_areas": codes(shared_areas[i], area_codes),
                "methods": codes(shared_methods[i], method_codes),
                "bid": BID_NAMES.get(bids[i]),
                "text_similarity": text[i],
                "expertise_overlap": overlap[i],
            }
            for i in range(len(sub))
        ]


def _tfidf(sub_texts: list[str], rev_texts: list[str], idf_texts: list[str] | None = None):
    """TF-IDF rows (CSR) for submissions and reviewers over one vocabulary fitted on both.

    `idf_texts` replaces both as the corpus the vocabulary and document frequencies are
    fitted on: scoring a few pairs by hand then gives the same numbers as a whole run.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = list(sub_texts) + list(rev_texts)
    fit_on = corpus if idf_texts is None else list(idf_texts)
    if not any(text.strip() for text in fit_on):
        empty_s = sparse.csr_matrix((len(sub_texts), 1), dtype=np.float32)
        empty_r = sparse.csr_matrix((len(rev_texts), 1), dtype=np.float32)
        return empty_s, empty_r
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, dtype=np.float32, max_features=50_000
    )
    try:
        vectorizer.fit(fit_on)
        matrix = vectorizer.transform(corpus).tocsr()
    except ValueError:
        # Only stop words: nothing to compare.
        matrix = sparse.csr_matrix((len(corpus), 1), dtype=np.float32)
    return matrix[: len(sub_texts)], matrix[len(sub_texts) :]


# --- candidates ----------------------------------------------------------------------------


@dataclass
class PairSet:
    """Sparse (submission, reviewer) pairs, as sorted unique int64 keys s * R + r."""

    keys: np.ndarray
    n_rev: int

    @classmethod
    def of(cls, sub: np.ndarray, rev: np.ndarray, n_rev: int) -> PairSet:
        return cls(np.unique(_pair_keys(sub, rev, n_rev)), n_rev)

    def contains(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        keys = _pair_keys(sub, rev, self.n_rev)
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

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class Candidates:
    sub: np.ndarray  # int64 positions
    rev: np.ndarray
    score: np.ndarray  # float64, thousandths

    def __len__(self) -> int:
        return len(self.sub)


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
    not_cleared = ~data.rev_cleared
    bonus = model.bid_bonus
    bid_keys = model._bid_keys
    bid_values = model._bid_values
    expert_cols = {a: data.rev_area_level[:, a] > 0 for a in np.flatnonzero(data.area_specified)}
    found_sub, found_rev, found_score = [], [], []
    # Per reviewer, the best submissions seen so far (merged block by block).
    keep_r = min(per_reviewer, len(rows))
    best_val = np.full((keep_r, n_rev), -np.inf, dtype=np.float32)
    best_sub = np.zeros((keep_r, n_rev), dtype=np.int64)

    for start in range(0, len(rows), BLOCK_ROWS):
        block_rows = rows[start : start + BLOCK_ROWS]
        scores = model.block(block_rows)
        # Bids of these submissions.
        lo = np.searchsorted(bid_keys, block_rows.min() * n_rev)
        hi = np.searchsorted(bid_keys, (block_rows.max() + 1) * n_rev)
        b_keys, b_vals = bid_keys[lo:hi], bid_values[lo:hi]
        b_local = _local_rows(block_rows, b_keys // n_rev)
        ok = b_local >= 0
        scores[b_local[ok], (b_keys % n_rev)[ok]] += bonus[b_vals[ok]]

        masked = scores.copy()
        f_sub, f_rev = _pairs_in_rows(forbidden, block_rows)
        masked[f_sub, f_rev] = -np.inf
        confidential = data.sub_confidential[block_rows]
        if confidential.any():
            masked[np.ix_(confidential, not_cleared)] = -np.inf
        if allowed_reviewers is not None:
            masked[:, ~allowed_reviewers] = -np.inf

        selected = np.zeros(scores.shape, dtype=bool)
        r_idx, c_idx = _top_per_row(masked, per_submission)
        selected[r_idx, c_idx] = True
        m_sub, m_rev = _pairs_in_rows(must, block_rows)
        selected[m_sub, m_rev] = True
        if coverage:
            for a, experts in expert_cols.items():
                needs = data.sub_area[block_rows, a]
                if not needs.any() or not experts.any():
                    continue
                sub_block = np.where(experts[None, :], masked[needs], -np.inf)
                r_idx, c_idx = _top_per_row(sub_block, COVERAGE_CANDIDATES)
                selected[np.flatnonzero(needs)[r_idx], c_idx] = True
        if keep_r:
            merged_val = np.concatenate([best_val, masked], axis=0)
            merged_sub = np.concatenate(
                [best_sub, np.broadcast_to(block_rows[:, None], masked.shape)], axis=0
            )
            top = np.argpartition(-merged_val, keep_r - 1, axis=0)[:keep_r]
            best_val = np.take_along_axis(merged_val, top, axis=0)
            best_sub = np.take_along_axis(merged_sub, top, axis=0)

        selected &= np.isfinite(masked)
        r_idx, c_idx = np.nonzero(selected)
        found_sub.append(block_rows[r_idx])
        found_rev.append(c_idx)
        found_score.append(scores[r_idx, c_idx])

    if keep_r:
        finite = np.isfinite(best_val)
        cols = np.broadcast_to(np.arange(n_rev), best_val.shape)
        extra_sub, extra_rev = best_sub[finite], cols[finite]
        found_sub.append(extra_sub)
        found_rev.append(extra_rev)
        found_score.append(best_val[finite])

    sub = np.concatenate(found_sub) if found_sub else np.empty(0, dtype=np.int64)
    rev = np.concatenate(found_rev) if found_rev else np.empty(0, dtype=np.int64)
    score = np.concatenate(found_score) if found_score else np.empty(0, dtype=np.float32)
    keys, first = np.unique(_pair_keys(sub, rev, n_rev), return_index=True)
    return Candidates(
        sub=keys // max(n_rev, 1),
        rev=keys % max(n_rev, 1),
        score=np.rint(score[first].astype(np.float64) * SCALE) / SCALE,
    )


def _local_rows(block_rows: np.ndarray, subs: np.ndarray) -> np.ndarray:
    """Row numbers within the block of the given submission positions; -1 if absent."""
    order = np.argsort(block_rows)
    sorted_rows = block_rows[order]
    pos = np.minimum(np.searchsorted(sorted_rows, subs), len(sorted_rows) - 1)
    return np.where(sorted_rows[pos] == subs, order[pos], -1)


def _pairs_in_rows(pairs: PairSet, block_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sub, rev = pairs.rows_between(int(block_rows.min()), int(block_rows.max()) + 1)
    local = _local_rows(block_rows, sub)
    keep = local >= 0
    return local[keep], rev[keep]


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
    data = model.data
    n_rev = data.n_rev
    not_cleared = ~data.rev_cleared
    bonus = model.bid_bonus
    bid_keys, bid_values = model._bid_keys, model._bid_values
    found_sub, found_rev, found_score = [], [], []
    for start in range(0, len(rows), BLOCK_ROWS):
        block_rows = rows[start : start + BLOCK_ROWS]
        scores = model.block(block_rows)
        lo = np.searchsorted(bid_keys, block_rows.min() * n_rev)
        hi = np.searchsorted(bid_keys, (block_rows.max() + 1) * n_rev)
        b_keys, b_vals = bid_keys[lo:hi], bid_values[lo:hi]
        b_local = _local_rows(block_rows, b_keys // n_rev)
        ok = b_local >= 0
        scores[b_local[ok], (b_keys % n_rev)[ok]] += bonus[b_vals[ok]]
        gain = scores - np.maximum(sub_floor[block_rows][:, None], rev_floor[None, :])
        f_sub, f_rev = _pairs_in_rows(forbidden, block_rows)
        gain[f_sub, f_rev] = -np.inf
        k_sub, k_rev = _pairs_in_rows(known, block_rows)
        gain[k_sub, k_rev] = -np.inf
        confidential = data.sub_confidential[block_rows]
        if confidential.any():
            gain[np.ix_(confidential, not_cleared)] = -np.inf
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
