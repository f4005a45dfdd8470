"""Ranking quality of the text-similarity variants on the labelled expertise set.

    .venv/bin/python benchmarks/bench_affinity.py      (or: make bench)

Prints, after header lines starting with '#', one line per variant and per reviewer text:

    bench: affinity <variant> pairs=<n> loss=<n> ci_low=<n> ci_high=<n> seconds=<n>

- The set is benchmarks/expertise_set/ (its README has the rubric and the provenance):
  submissions, reviewers with their documents, and judged (reviewer, submission,
  expertise 1..5) pairs. `pairs` counts the judged pairs.
- Each variant scores every submission against every reviewer with
  `assignment.matching.textsim.similarity(sub_texts, rev_docs, variant)` (P x R); only the
  judged pairs are used. `<variant>[titles_only]` is the same variant with each reviewer's
  documents reduced to their titles (statements dropped), the case of a reviewer who lists
  publications without abstracts.
- loss: the ordering loss of Stelmakh et al. (2023, "A Gold Standard Dataset for the
  Reviewer Assignment Problem"): over all pairs of submissions judged by the same reviewer
  with different expertise, the fraction ordered wrongly by the score, each pair weighted
  by the difference of the judgements, a tie in the score counting half. 0 is a perfect
  ordering, 0.5 what a constant score gets, 1 the reverse; lower is better.
- ci_low, ci_high: 95 % percentile bootstrap interval of the loss, resampling reviewers
  with replacement (1,000 resamples, fixed seed).
- After each variant but the first measured, a '#' line gives its loss minus the first
  one's with a paired 95 % interval (the same reviewer resamples for both): intervals of
  two losses can overlap while their difference is clearly not zero.
- seconds: wall time of the similarity call (fitting included), after a first call on
  one text each has loaded the libraries (and a model).

Until `assignment.matching.textsim` exists, a stand-in here computes the two TF-IDF
variants (a header line says so). A variant that raises (the semantic ones without the
optional `semantic` extra) is skipped with a '#' line giving the reason. The script
fails only if no variant could be measured or the set is malformed.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SET_DIR = Path(__file__).resolve().parent / "expertise_set"
VARIANTS = ["tfidf_joined", "tfidf_per_doc", "semantic_per_doc", "combined"]
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20231
# Stand-in per-document aggregation: mean of the best k documents' similarities.
STAND_IN_TOP_K = 3

Similarity = Callable[[list[str], list[list[str]], str], np.ndarray]


# --- the set -------------------------------------------------------------------------


def load_set(directory: Path = SET_DIR) -> tuple[list[dict], list[dict], list[tuple]]:
    """Submissions, reviewers and judgements [(reviewer_id, submission_id, expertise)]."""
    submissions = json.loads((directory / "submissions.json").read_text(encoding="utf-8"))
    reviewers = json.loads((directory / "reviewers.json").read_text(encoding="utf-8"))
    with (directory / "judgements.csv").open(encoding="utf-8", newline="") as handle:
        judgements = [
            (row["reviewer"], row["submission"], int(row["expertise"]))
            for row in csv.DictReader(handle)
        ]
    return submissions, reviewers, judgements


def submission_text(submission: dict) -> str:
    return f"{submission['title']}\n{submission['abstract']}".strip()


def document_text(document: dict) -> str:
    return "\n".join(part for part in (document["title"], document["abstract"]) if part)


def reviewer_documents(reviewer: dict, *, titles_only: bool = False) -> list[str]:
    """The reviewer's texts, one per document; with titles_only, the titles alone."""
    if titles_only:
        return [doc["title"] for doc in reviewer["documents"] if doc["title"]]
    return [document_text(doc) for doc in reviewer["documents"]]


# --- the loss ------------------------------------------------------------------------


def reviewer_terms(
    judged: Iterable[tuple[str, int, float]],
) -> dict[str, tuple[float, float]]:
    """Per reviewer: (weighted wrong orderings, total weight) over pairs of their judged
    submissions with different expertise. `judged` is (reviewer, expertise, score)."""
    by_reviewer: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for reviewer, expertise, score in judged:
        by_reviewer[reviewer].append((expertise, score))
    terms = {}
    for reviewer, items in by_reviewer.items():
        expertise = np.array([e for e, _ in items], dtype=float)
        score = np.array([s for _, s in items], dtype=float)
        true_diff = expertise[:, None] - expertise[None, :]
        pred_diff = score[:, None] - score[None, :]
        upper = np.triu(np.ones_like(true_diff, dtype=bool), k=1) & (true_diff != 0)
        weight = np.abs(true_diff[upper])
        agreement = np.sign(true_diff[upper]) * np.sign(pred_diff[upper])
        # Wrong order costs the full weight, a tie in the score half of it.
        wrong = np.where(agreement < 0, 1.0, np.where(agreement == 0, 0.5, 0.0))
        terms[reviewer] = (float((weight * wrong).sum()), float(weight.sum()))
    return terms


def ordering_loss(judged: Iterable[tuple[str, int, float]]) -> float:
    """The weighted ordering loss over all reviewers (see the module docstring)."""
    terms = reviewer_terms(judged).values()
    total = sum(weight for _, weight in terms)
    if total == 0:
        raise ValueError("no pair of submissions with different expertise")
    return sum(wrong for wrong, _ in terms) / total


def _resampled_losses(
    terms: dict[str, tuple[float, float]], order: list[str], *, resamples: int, seed: int
) -> np.ndarray:
    """The loss on each bootstrap resample of the reviewers (the same resamples for the
    same seed and number of reviewers, so two variants can be compared pair-wise)."""
    wrong = np.array([terms[reviewer][0] for reviewer in order])
    weight = np.array([terms[reviewer][1] for reviewer in order])
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(order), size=(resamples, len(order)))
    return wrong[picks].sum(axis=1) / np.maximum(weight[picks].sum(axis=1), 1e-12)


def bootstrap_interval(
    terms: dict[str, tuple[float, float]],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """95 % percentile interval of the loss, resampling reviewers with replacement."""
    losses = _resampled_losses(terms, sorted(terms), resamples=resamples, seed=seed)
    low, high = np.percentile(losses, [2.5, 97.5])
    return float(low), float(high)


def paired_difference(
    terms: dict[str, tuple[float, float]],
    baseline: dict[str, tuple[float, float]],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float, float]:
    """Loss minus the baseline's, with a 95 % interval from the same reviewer resamples."""
    order = sorted(terms)
    if order != sorted(baseline):
        raise ValueError("the two variants were measured on different reviewers")
    kwargs = {"resamples": resamples, "seed": seed}
    diffs = _resampled_losses(terms, order, **kwargs) - _resampled_losses(baseline, order, **kwargs)
    low, high = np.percentile(diffs, [2.5, 97.5])

    def loss(t: dict[str, tuple[float, float]]) -> float:
        return sum(w for w, _ in t.values()) / sum(t_ for _, t_ in t.values())

    return loss(terms) - loss(baseline), float(low), float(high)


# --- the similarity ------------------------------------------------------------------


def _stand_in(sub_texts: list[str], rev_docs: list[list[str]], variant: str) -> np.ndarray:
    """TF-IDF joined and per document, as the portal's affinity computes TF-IDF."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if variant not in ("tfidf_joined", "tfidf_per_doc"):
        raise NotImplementedError(
            f"the stand-in has no {variant!r} (assignment.matching.textsim is missing)"
        )
    if variant == "tfidf_joined":
        rev_texts = ["\n".join(docs) for docs in rev_docs]
    else:
        rev_texts = [doc for docs in rev_docs for doc in docs]
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    vectorizer.fit(sub_texts + rev_texts)
    cosine = (vectorizer.transform(sub_texts) @ vectorizer.transform(rev_texts).T).toarray()
    if variant == "tfidf_joined":
        return cosine
    scores = np.zeros((len(sub_texts), len(rev_docs)))
    start = 0
    for column, docs in enumerate(rev_docs):
        block = np.sort(cosine[:, start : start + len(docs)], axis=1)[:, ::-1]
        scores[:, column] = block[:, :STAND_IN_TOP_K].mean(axis=1) if docs else 0.0
        start += len(docs)
    return scores


def similarity_function() -> tuple[Similarity, str]:
    """The portal's similarity if it is there, else the stand-in; and which it is."""
    sys.path.insert(0, str(ROOT))
    # textsim may read the portal's settings (whether the semantic extra is enabled).
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    try:
        from assignment.matching.textsim import similarity
    except ModuleNotFoundError as exc:
        if exc.name != "assignment.matching.textsim":
            raise
        return _stand_in, "stand-in (assignment.matching.textsim not found)"
    return similarity, "assignment.matching.textsim"


# --- the run -------------------------------------------------------------------------


def measure(
    similarity: Similarity,
    variant: str,
    submissions: Sequence[dict],
    reviewers: Sequence[dict],
    judgements: Sequence[tuple],
    *,
    titles_only: bool = False,
) -> dict:
    sub_index = {sub["id"]: i for i, sub in enumerate(submissions)}
    rev_index = {rev["id"]: j for j, rev in enumerate(reviewers)}
    sub_texts = [submission_text(sub) for sub in submissions]
    rev_docs = [reviewer_documents(rev, titles_only=titles_only) for rev in reviewers]
    # Libraries and models load before the clock starts, as in a warm worker.
    similarity(sub_texts[:1], rev_docs[:1], variant)
    started = time.perf_counter()
    scores = np.asarray(similarity(sub_texts, rev_docs, variant), dtype=float)
    seconds = time.perf_counter() - started
    if scores.shape != (len(submissions), len(reviewers)):
        raise ValueError(f"similarity returned shape {scores.shape}")
    judged = [
        (reviewer, expertise, scores[sub_index[submission], rev_index[reviewer]])
        for reviewer, submission, expertise in judgements
    ]
    terms = reviewer_terms(judged)
    low, high = bootstrap_interval(terms)
    return {
        "terms": terms,
        "pairs": len(judged),
        "loss": ordering_loss(judged),
        "ci_low": low,
        "ci_high": high,
        "seconds": seconds,
    }


def main() -> int:
    submissions, reviewers, judgements = load_set()
    similarity, source = similarity_function()
    by_reviewer: dict[str, list[int]] = defaultdict(list)
    for reviewer, _, expertise in judgements:
        by_reviewer[reviewer].append(expertise)
    comparable = sum(
        sum(1 for i, a in enumerate(values) for b in values[i + 1 :] if a != b)
        for values in by_reviewer.values()
    )
    print(
        f"# affinity: expertise set with {len(reviewers)} reviewers, {len(submissions)} "
        f"submissions, {len(judgements)} judged pairs, {comparable} comparable pairs of "
        f"submissions; similarity from {source}"
    )
    measured = 0
    baseline = None
    for titles_only in (False, True):
        for variant in VARIANTS:
            name = f"{variant}[titles_only]" if titles_only else variant
            try:
                result = measure(
                    similarity,
                    variant,
                    submissions,
                    reviewers,
                    judgements,
                    titles_only=titles_only,
                )
            except Exception as exc:  # noqa: BLE001 -- a variant that cannot run is skipped
                print(f"# affinity {name} skipped: {type(exc).__name__}: {exc}")
                continue
            measured += 1
            print(
                f"bench: affinity {name} pairs={result['pairs']} loss={result['loss']:.4f} "
                f"ci_low={result['ci_low']:.4f} ci_high={result['ci_high']:.4f} "
                f"seconds={result['seconds']:.3f}",
                flush=True,
            )
            if baseline is None:
                baseline = (name, result["terms"])
            else:
                diff, low, high = paired_difference(result["terms"], baseline[1])
                print(
                    f"# affinity {name} minus {baseline[0]}: {diff:+.4f} "
                    f"(95 % CI {low:+.4f} to {high:+.4f}, same reviewer resamples)"
                )
    if not measured:
        print("bench_affinity: no variant could be measured", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
