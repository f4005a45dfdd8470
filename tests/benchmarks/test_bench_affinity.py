"""The affinity benchmark: its ordering loss on hand-made cases, and the labelled set's files."""

import csv
import importlib.util
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SET_DIR = ROOT / "benchmarks" / "expertise_set"


def _load_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_affinity", ROOT / "benchmarks" / "bench_affinity.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_affinity"] = module
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def _judged(reviewer, expertise, scores):
    return [(reviewer, e, s) for e, s in zip(expertise, scores, strict=True)]


# --- the loss ------------------------------------------------------------------------


def test_perfect_ranking_has_loss_zero():
    assert bench.ordering_loss(_judged("r", [5, 4, 2, 1], [0.9, 0.5, 0.2, 0.1])) == 0.0


def test_reversed_ranking_has_loss_one():
    assert bench.ordering_loss(_judged("r", [5, 4, 2, 1], [0.1, 0.2, 0.5, 0.9])) == 1.0


def test_tied_scores_count_half():
    assert bench.ordering_loss(_judged("r", [5, 3, 1], [0.4, 0.4, 0.4])) == 0.5


def test_mistakes_are_weighted_by_the_difference_of_judgements():
    # Pairs (5,3) weight 2 right, (5,1) weight 4 right, (3,1) weight 2 wrong: 2 / 8.
    assert bench.ordering_loss(_judged("r", [5, 3, 1], [0.9, 0.1, 0.5])) == 0.25
    # (3,2) weight 1 right; (3,1) weight 2 tied in the score, costs 1; (2,1) weight 1
    # wrong, costs 1: 2 / 4.
    assert bench.ordering_loss(_judged("r", [3, 2, 1], [0.5, 0.0, 0.5])) == 0.5


def test_equal_judgements_are_not_compared():
    judged = _judged("r", [4, 4, 1], [0.1, 0.9, 0.5])
    # Only (4,1) pairs count, each weight 3: one right, one wrong.
    assert bench.ordering_loss(judged) == 0.5
    with pytest.raises(ValueError, match="no pair"):
        bench.ordering_loss(_judged("r", [3, 3], [0.1, 0.2]))


def test_loss_pools_weights_over_reviewers():
    # Reviewer a: one wrong pair of weight 4; reviewer b: one right pair of weight 1.
    judged = _judged("a", [5, 1], [0.1, 0.9]) + _judged("b", [2, 1], [0.9, 0.1])
    assert bench.ordering_loss(judged) == 0.8
    assert bench.reviewer_terms(judged) == {"a": (4.0, 4.0), "b": (0.0, 1.0)}


def test_bootstrap_interval_resamples_reviewers():
    terms = {"a": (4.0, 4.0), "b": (0.0, 1.0), "c": (1.0, 4.0)}
    low, high = bench.bootstrap_interval(terms)
    assert (low, high) == bench.bootstrap_interval(terms)  # fixed seed
    assert 0.0 <= low < 5 / 9 < high <= 1.0
    one = {"a": (1.0, 4.0)}
    assert bench.bootstrap_interval(one) == (0.25, 0.25)


def test_paired_difference_compares_variants_on_the_same_resamples():
    worse = {"x": (2.0, 4.0), "y": (1.0, 2.0)}  # loss 3/6
    better = {"x": (1.0, 4.0), "y": (0.0, 2.0)}  # loss 1/6
    assert bench.paired_difference(better, better) == (0.0, 0.0, 0.0)
    diff, low, high = bench.paired_difference(worse, better)
    assert diff == pytest.approx(1 / 3)
    # Worse on every resample, whatever the mix of reviewers.
    assert 0.0 < low <= diff <= high
    with pytest.raises(ValueError, match="different reviewers"):
        bench.paired_difference(better, {"x": (1.0, 4.0)})


# --- the run -------------------------------------------------------------------------


def test_stand_in_scores_are_submissions_by_reviewers():
    subs = ["pathogen synthesis uplift", "exploit kernel heap", "persuasion attitudes"]
    docs = [["virology pathogen lab"], ["heap exploitation kernel", "fuzzing"]]
    for variant in ("tfidf_joined", "tfidf_per_doc"):
        scores = bench._stand_in(subs, docs, variant)
        assert scores.shape == (3, 2)
        assert scores[0, 0] > scores[0, 1]
        assert scores[1, 1] > scores[1, 0]
        assert scores[2].max() == 0.0
    with pytest.raises(NotImplementedError):
        bench._stand_in(subs, docs, "semantic_per_doc")


def test_main_prints_a_line_per_variant_and_skips_one_that_raises(monkeypatch, capsys):
    submissions, reviewers, judgements = bench.load_set()
    expertise = {(r, s): e for r, s, e in judgements}

    def oracle(sub_texts, rev_docs, variant):
        if variant == "semantic_per_doc":
            raise RuntimeError("the semantic extra is not installed")
        # The judgements themselves as scores (0 for pairs not judged): a perfect ranking.
        scores = np.zeros((len(sub_texts), len(rev_docs)))
        if len(sub_texts) == len(submissions):
            for i, sub in enumerate(submissions):
                for j, rev in enumerate(reviewers):
                    scores[i, j] = expertise.get((rev["id"], sub["id"]), 0)
        return scores

    monkeypatch.setattr(bench, "similarity_function", lambda: (oracle, "test oracle"))
    assert bench.main() == 0
    lines = capsys.readouterr().out.splitlines()
    results = [line for line in lines if line.startswith("bench: affinity ")]
    names = [line.split()[2] for line in results]
    assert names == [
        "tfidf_joined",
        "tfidf_per_doc",
        "combined",
        "tfidf_joined[titles_only]",
        "tfidf_per_doc[titles_only]",
        "combined[titles_only]",
    ]
    assert all(
        f"pairs={len(judgements)} loss=0.0000 ci_low=0.0000 ci_high=0.0000" in line
        for line in results
    )
    assert (
        "# affinity combined[titles_only] minus tfidf_joined: +0.0000 "
        "(95 % CI +0.0000 to +0.0000, same reviewer resamples)" in lines
    )
    assert (
        "# affinity semantic_per_doc skipped: RuntimeError: the semantic extra is not "
        "installed" in lines
    )


def test_tfidf_orders_the_set_better_than_a_constant_score():
    submissions, reviewers, judgements = bench.load_set()
    similarity, _ = bench.similarity_function()
    result = bench.measure(similarity, "tfidf_joined", submissions, reviewers, judgements)
    assert result["pairs"] == len(judgements)
    assert result["ci_low"] <= result["loss"] <= result["ci_high"] < 0.5


# --- the set's files -----------------------------------------------------------------


def _read_set():
    submissions = json.loads((SET_DIR / "submissions.json").read_text(encoding="utf-8"))
    reviewers = json.loads((SET_DIR / "reviewers.json").read_text(encoding="utf-8"))
    with (SET_DIR / "judgements.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    return submissions, reviewers, header, rows


def test_set_ids_are_unique_and_texts_present():
    submissions, reviewers, _, _ = _read_set()
    assert 60 <= len(submissions) <= 100
    assert 40 <= len(reviewers) <= 60
    assert len({s["id"] for s in submissions}) == len(submissions)
    assert len({r["id"] for r in reviewers}) == len(reviewers)
    for sub in submissions:
        assert sub["title"].strip() and len(sub["abstract"].split()) >= 30, sub["id"]
        assert set(sub["facets"]) == {"risk_area", "method", "access"}
    for rev in reviewers:
        docs = rev["documents"]
        assert 2 <= len(docs) <= 8, rev["id"]
        for doc in docs:
            assert doc["kind"] in ("paper", "statement"), rev["id"]
            if doc["kind"] == "paper":
                assert doc["title"].strip(), rev["id"]
            else:
                assert not doc["title"] and doc["abstract"].strip(), rev["id"]
        # The titles-only run has text for every reviewer.
        assert any(doc["title"] for doc in docs), rev["id"]


def test_set_judgements_refer_to_existing_ids_and_spread_over_the_scale():
    submissions, reviewers, header, rows = _read_set()
    assert header == ["reviewer", "submission", "expertise"]
    sub_ids = {s["id"] for s in submissions}
    rev_ids = {r["id"] for r in reviewers}
    pairs = Counter((reviewer, submission) for reviewer, submission, _ in rows)
    assert max(pairs.values()) == 1, "a pair judged twice"
    by_reviewer = defaultdict(list)
    for reviewer, submission, expertise in rows:
        assert reviewer in rev_ids and submission in sub_ids, (reviewer, submission)
        assert expertise in {"1", "2", "3", "4", "5"}, (reviewer, submission, expertise)
        by_reviewer[reviewer].append(int(expertise))
    assert set(by_reviewer) == rev_ids, "a reviewer without judgements"
    for reviewer, values in by_reviewer.items():
        assert 8 <= len(values) <= 12, reviewer
        assert len(set(values)) >= 2, reviewer
    assert set(Counter(int(e) for _, _, e in rows)) == {1, 2, 3, 4, 5}


def test_set_readme_states_rubric_provenance_and_licence():
    readme = (SET_DIR / "README.md").read_text(encoding="utf-8")
    assert "## The rubric" in readme
    for level in "12345":
        assert f"\n| {level} | " in readme
    assert "CC BY 4.0" in readme and "written for this project" in readme
