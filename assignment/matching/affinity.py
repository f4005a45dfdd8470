"""One affinity score per submission-reviewer pair, from expertise, text and bids.

    score = expertise * overlap + text * text_term + bid bonus

- overlap (0..1): the reviewer's declared expertise in the submission's risk areas and
  methods. Each shared item counts by the reviewer's level (level_1..level_3), averaged
  over the submission's items; risk areas weigh `risk_area_share`, methods the rest (a
  submission without methods is judged on risk areas alone, and the other way round).
- similarity (raw, about -0.2..1.83): the submission's title and abstract against each of
  the reviewer's documents (publications, statement), the best three weighted 1, 1/2, 1/3
  (textsim.py): TF-IDF cosine, or with the `semantic` extra installed a mix of TF-IDF and
  sentence embeddings ("combined").
- text_term (0..TEXT_TERM_CAP): the similarity calibrated on its distribution in the
  workshop (TextScale): 0 at the median over a sample of all pairs, 1 at the 99th
  percentile, capped at TEXT_TERM_CAP. Raw cosines depend on how long and how alike the
  texts are (statements of 30 words, abstracts of 200); their median here was about 0.1
  of their 99th percentile, so with the raw cosine the median pair's text added about
  0.05 against 1.0 for one declared level-3 match, and text only broke ties. Calibrated,
  with the text weight at 1.0, a pair in the workshop's top 1 % of text similarity adds
  as much as one declared level-3 match; a strong text match (top 1 %) outweighs a weak
  declared match (level 1: 0.4) and, its cap at 1.5, even one at level 3 alone; pairs at
  or below the median add nothing, so unrelated texts do not add noise.
- bid bonus: eager > willing > no bid (0) > not willing. "Not willing" is a strong penalty,
  not a ban: such a pair is used only when nothing else fills the slot. A "conflict" bid
  is a conflict of interest and the pair is never a candidate.

The full P x R score matrix is never held: `AffinityModel.block` scores a block of
submissions against every reviewer, and candidates.py keeps only the pairs worth keeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .data import BID_NAMES, NO_BID, MatchingData, TextCorpus
from .pairs import local_rows, pair_keys
from .textsim import TextScorer, TfidfSpace, uses_semantic
from .weights import AffinityWeights

# Rows of the score matrix computed at once: BLOCK_ROWS x R float32 (10 MB at R = 5,000).
BLOCK_ROWS = 512
# Scores are compared and stored in thousandths (the flow solver needs integer costs).
SCALE = 1000
# The calibration sample: this many submissions and reviewers, evenly spaced by position
# (deterministic, so a hand-scored pair gets the numbers of a run); their pairs' median
# similarity and 99th percentile.
CALIBRATION_SAMPLE = 300
CALIBRATION_QUANTILE = 0.99
# The most a pair's calibrated text term can be (a weight of 1.0 then adds at most 1.5).
TEXT_TERM_CAP = 1.5
# Documents named in a pair's explanation, and terms of the best one.
WHY_DOCUMENTS = 2
WHY_TERMS = 5
WHY_TITLE_CHARS = 200


def text_variant() -> str:
    """The text similarity affinity uses: "combined" with the semantic extra installed,
    "tfidf_per_doc" without."""
    from . import semantic  # noqa: PLC0415 -- imports torch lazily; keep web processes light

    return "combined" if semantic.available() else "tfidf_per_doc"


@dataclass(frozen=True)
class TextScale:
    """Raw similarity to text term: (similarity - median) / (p99 - median), in 0..cap."""

    median: float
    high: float

    @classmethod
    def measure(cls, scorer: TextScorer) -> TextScale:
        """From the pairs of evenly spaced submissions and reviewers of `scorer`."""
        subs = _spread(scorer.n_sub, CALIBRATION_SAMPLE)
        revs = _spread(scorer.n_rev, CALIBRATION_SAMPLE)
        if len(subs) == 0 or len(revs) == 0:
            return cls(median=0.0, high=0.0)
        sims = scorer.subset(subs, revs).block(np.arange(len(subs))).ravel()
        median, high = np.quantile(sims, [0.5, CALIBRATION_QUANTILE])
        return cls(median=round(float(median), 6), high=round(float(high), 6))

    def term(self, similarity: np.ndarray, *, in_place: bool = False) -> np.ndarray:
        """The text term of raw similarities (float32); `in_place` reuses their array."""
        span = self.high - self.median
        if span <= 1e-6:
            # Texts that do not tell pairs apart (none, or all alike): text adds nothing.
            return np.zeros_like(similarity, dtype=np.float32)
        out = np.asarray(similarity, dtype=np.float32)
        out = out if in_place and out is similarity else out.copy()
        out -= np.float32(self.median)
        out *= np.float32(1 / span)
        return np.clip(out, 0, TEXT_TERM_CAP, out=out)

    def to_json(self) -> dict[str, float]:
        return {"median": self.median, "p99": self.high}


def _spread(n: int, most: int) -> np.ndarray:
    """Up to `most` positions of 0..n-1, evenly spaced, first and last included."""
    if n <= most:
        return np.arange(n, dtype=np.int64)
    return np.unique(np.linspace(0, n - 1, most).round().astype(np.int64))


class AffinityModel:
    """Scores for any block of submissions or any list of pairs, from a loaded instance."""

    def __init__(
        self,
        data: MatchingData,
        weights: AffinityWeights,
        corpus: TextCorpus | None = None,
        variant: str | None = None,
    ):
        """`corpus`: the whole workshop's texts, when `data` is only part of it (a few
        pairs scored by hand): TF-IDF is fitted on it and the text term calibrated against
        it, so the pairs score as in a run. `variant`: textsim's, text_variant() if None."""
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

        self.text_variant = variant or text_variant()
        self.text, self.text_scale = _text_model(data, corpus, self.text_variant)

        self.bid_bonus = weights.bid_bonus()
        order = np.argsort(pair_keys(data.bid_sub, data.bid_rev, n_rev), kind="stable")
        self._bid_keys = pair_keys(data.bid_sub, data.bid_rev, n_rev)[order]
        self._bid_values = data.bid_value[order]

    # --- scores ---------------------------------------------------------------------------

    def block(self, rows: np.ndarray) -> np.ndarray:
        """Scores of the given submissions (sorted positions) against every reviewer,
        bids included: len(rows) x R."""
        out = self._exp_left[rows] @ self._exp_right
        if self.weights.text:
            term = self.text_scale.term(self.text.block(rows), in_place=True)
            if self.weights.text != 1:
                term *= np.float32(self.weights.text)
            out += term
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
        """Overlap, raw text similarity, text term and bid of arbitrary pairs, vectorised."""
        overlap = (self._exp_left[sub] * self._exp_right.T[rev]).sum(axis=1)
        if self.weights.expertise:
            overlap = overlap / self.weights.expertise
        text = self.text.pairs(sub, rev)
        return {
            "overlap": overlap,
            "text": text,
            "text_term": self.text_scale.term(text),
            "bid": self.bids_of(sub, rev),
        }

    def scores(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        """Scores of arbitrary pairs, rounded to thousandths as the solver sees them."""
        parts = self.components(sub, rev)
        raw = (
            self.weights.expertise * parts["overlap"]
            + self.weights.text * parts["text_term"]
            + self.bid_bonus[parts["bid"]]
        )
        return np.rint(raw * SCALE) / SCALE

    def why(self, sub: np.ndarray, rev: np.ndarray) -> list[dict[str, Any]]:
        """Per pair, what the score rests on: shared risk areas and methods (codes), the bid,
        the text similarity (raw and as the term the score adds), the reviewer's documents
        that matched best (title, kind, similarity) with the terms the best one shares with
        the submission, and the expertise overlap."""
        data = self.data
        parts = self.components(sub, rev)
        documents = self._why_documents(sub, rev)
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
        term = np.round(parts["text_term"], 3).tolist()
        bids = parts["bid"].tolist()
        return [
            {
                "risk_areas": codes(shared_areas[i], area_codes),
                "methods": codes(shared_methods[i], method_codes),
                "bid": BID_NAMES.get(bids[i]),
                "text_similarity": text[i],
                "text_term": term[i],
                **documents[i],
                "expertise_overlap": overlap[i],
            }
            for i in range(len(sub))
        ]

    def _why_documents(self, sub: np.ndarray, rev: np.ndarray) -> list[dict[str, Any]]:
        """Per pair, {"documents": [...], "terms": [...]} (see why)."""
        data = self.data
        best = self.text.best_documents(sub, rev, WHY_DOCUMENTS)
        firsts = [(i, docs[0][0]) for i, docs in enumerate(best) if docs]
        terms: list[list[str]] = [[] for _ in range(len(best))]
        if firsts:
            index = np.array([i for i, _doc in firsts], dtype=np.int64)
            shared = self.text.shared_terms(
                np.asarray(sub)[index], np.array([d for _i, d in firsts]), WHY_TERMS
            )
            for i, words in zip(index.tolist(), shared, strict=True):
                terms[i] = words
        return [
            {
                "documents": [
                    {
                        "title": data.rev_doc_titles[doc][:WHY_TITLE_CHARS],
                        "kind": data.rev_doc_kinds[doc],
                        "similarity": round(similarity, 3),
                    }
                    for doc, similarity in docs
                ],
                "terms": terms[i],
            }
            for i, docs in enumerate(best)
        ]


def _text_model(
    data: MatchingData, corpus: TextCorpus | None, variant: str
) -> tuple[TextScorer, TextScale]:
    """The text scorer of the instance and its calibration, both fitted on `corpus` (the
    instance's own texts when None)."""
    embed = None
    if uses_semantic(variant):
        from . import semantic  # noqa: PLC0415 -- imports torch lazily, only when installed

        embed = semantic.stored_vectors
    docs = data.documents
    own = corpus is None
    if own:
        corpus = TextCorpus(sub_texts=data.sub_texts, documents=docs)
    space = TfidfSpace(list(corpus.sub_texts) + list(corpus.documents.texts))
    scorer = TextScorer.build(
        space=space, sub_texts=data.sub_texts, docs=docs, variant=variant, embed=embed
    )
    if own:
        return scorer, TextScale.measure(scorer)
    # Calibrated on the corpus' sample, as a run over the whole corpus is: only the sample's
    # texts are transformed (and embedded).
    sub_rows = _spread(len(corpus.sub_texts), CALIBRATION_SAMPLE)
    rev_rows = _spread(corpus.documents.n_rev, CALIBRATION_SAMPLE)
    sample_docs, _index = corpus.documents.subset(rev_rows)
    sample = TextScorer.build(
        space=space,
        sub_texts=[corpus.sub_texts[i] for i in sub_rows.tolist()],
        docs=sample_docs,
        variant=variant,
        embed=embed,
    )
    return scorer, TextScale.measure(sample)
