"""One affinity score per submission-reviewer pair, from expertise, text and bids.

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

The full P x R score matrix is never held: `AffinityModel.block` scores a block of
submissions against every reviewer, and candidates.py keeps only the pairs worth keeping.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .data import BID_NAMES, NO_BID, MatchingData
from .pairs import local_rows, pair_keys
from .weights import AffinityWeights

# Rows of the score matrix computed at once: BLOCK_ROWS x R float32 (10 MB at R = 5,000).
BLOCK_ROWS = 512
# Above this many bytes the reviewers' TF-IDF matrix stays sparse for the block products.
DENSE_TEXT_LIMIT = 256 * 1024 * 1024
# Scores are compared and stored in thousandths (the flow solver needs integer costs).
SCALE = 1000


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

        self.sub_text, self.rev_text = _tfidf(data.sub_texts, data.rev_statements, idf_texts)
        rev_t = self.rev_text.T.tocsr()
        if rev_t.shape[0] * max(n_rev, 1) * 4 <= DENSE_TEXT_LIMIT:
            # Already float32: a second astype would copy, touching every page of a
            # matrix (terms x reviewers, 200 MB at 10,000 terms and 5,000 reviewers) that
            # toarray leaves mostly untouched zeros (0.25 s of a 10,000-submission export).
            self._text_right = rev_t.astype(np.float32, copy=False).toarray()
        else:
            self._text_right = rev_t

        self.bid_bonus = weights.bid_bonus()
        order = np.argsort(pair_keys(data.bid_sub, data.bid_rev, n_rev), kind="stable")
        self._bid_keys = pair_keys(data.bid_sub, data.bid_rev, n_rev)[order]
        self._bid_values = data.bid_value[order]

    # --- scores ---------------------------------------------------------------------------

    def block(self, rows: np.ndarray) -> np.ndarray:
        """Scores of the given submissions (sorted positions) against every reviewer,
        bids included: len(rows) x R."""
        from scipy import sparse  # noqa: PLC0415 -- heavy: only where pairs are scored

        out = self._exp_left[rows] @ self._exp_right
        text = self.sub_text[rows] @ self._text_right
        if sparse.issparse(text):
            text = text.toarray()
        out += self.weights.text * np.asarray(text, dtype=np.float32)
        scores = out.astype(np.float32, copy=False)
        n_rev = self.data.n_rev
        lo = np.searchsorted(self._bid_keys, rows.min() * n_rev)
        hi = np.searchsorted(self._bid_keys, (rows.max() + 1) * n_rev)
        b_keys, b_vals = self._bid_keys[lo:hi], self._bid_values[lo:hi]
        b_local = local_rows(rows, b_keys // n_rev)
        ok = b_local >= 0
        scores[b_local[ok], (b_keys % n_rev)[ok]] += self.bid_bonus[b_vals[ok]]
        return scores

    def bids_of(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        """Bid codes of the given pairs (NO_BID where there is none)."""
        keys = pair_keys(sub, rev, self.data.n_rev)
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
    # Only a run, an import or a hand edit scores pairs: web processes, which import this
    # module through the services, should not load scipy and scikit-learn (0.25 s and
    # 50 MB, 1 s and 150 MB).
    from scipy import sparse  # noqa: PLC0415 -- heavy, see above
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 -- as above

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
