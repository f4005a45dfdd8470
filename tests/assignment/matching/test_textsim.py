"""Per-document text similarity (textsim.py): the aggregation, the variants, and the
evaluation function `similarity`. Pure: no database."""

import numpy as np
import pytest

from assignment.matching import semantic
from assignment.matching.textsim import (
    TOP_K,
    Documents,
    SemanticUnavailable,
    TextScorer,
    TfidfSpace,
    similarity,
    top_k_weighted,
)

SUBMISSION = (
    "Uplift of novices synthesising pathogens: a virology wet-lab study of language model "
    "assistance"
)
# A reviewer with two papers on the submission's topic among eight.
PROLIFIC = [
    "Measuring novice uplift in pathogen synthesis with language model assistance",
    "Virology protocols: troubleshooting wet-lab pathogen work with chatbots",
    "Capture the flag hacking with autonomous agents",
    "Persuasion and election manipulation by chatbots",
    "Self-replication of agents in cloud environments",
    "Jailbreak robustness of refusal training",
    "Deceptive alignment in reinforcement learning from human feedback",
    "Watermarking generated images",
]
# A reviewer with one short statement, loosely related.
LOOSE = ["Novices and language models"]


def test_top_k_weighted_sums_the_best_k_by_rank_and_fewer_when_there_are_fewer():
    sims = np.array([[0.5, 0.5, 0.1, 0.9, 0.2, 0.3]], dtype=np.float32)
    counts = np.array([3, 0, 1, 2])  # owners with 3, 0, 1 and 2 documents

    # Best + second / 2 + third / 3; ties take consecutive ranks.
    assert top_k_weighted(sims, counts, k=3)[0].tolist() == pytest.approx(
        [0.5 + 0.5 / 2 + 0.1 / 3, 0.0, 0.9, 0.3 + 0.2 / 2]
    )
    assert top_k_weighted(sims, counts, k=2)[0].tolist() == pytest.approx([0.75, 0.0, 0.9, 0.4])
    # k = 1 is the maximum.
    assert top_k_weighted(sims, counts, k=1)[0].tolist() == pytest.approx([0.5, 0.0, 0.9, 0.3])


def test_top_k_weighted_matches_a_plain_loop_on_random_blocks():
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 6, size=40)
    sims = rng.choice([0.0, 0.1, 0.2, 0.5], size=(5, int(counts.sum()))).astype(np.float32)
    out = top_k_weighted(sims, counts, k=3)

    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for row in range(5):
        for owner, (start, count) in enumerate(zip(starts, counts, strict=True)):
            best = sorted(sims[row, start : start + count], reverse=True)[:3]
            expected = sum(value / (rank + 1) for rank, value in enumerate(best))
            assert out[row, owner] == pytest.approx(expected, abs=1e-6)


def test_per_document_finds_the_matching_papers_a_joined_text_dilutes():
    joined = similarity([SUBMISSION], [PROLIFIC, LOOSE], "tfidf_joined")
    per_doc = similarity([SUBMISSION], [PROLIFIC, LOOSE], "tfidf_per_doc")

    # Joined, the two papers on pathogens drown in six on other topics.
    assert joined[0, 0] < joined[0, 1]
    # One by one, they are what the reviewer is compared on.
    assert per_doc[0, 0] > per_doc[0, 1] + 0.02
    assert per_doc.shape == joined.shape == (1, 2)
    assert per_doc.dtype == np.float32


def test_a_reviewer_is_scored_on_their_best_document_and_more_matching_ones_add_less():
    paper, other = PROLIFIC[0], PROLIFIC[2]
    per_doc = similarity(
        [SUBMISSION], [[paper], [paper, other, other], [paper, paper], []], "tfidf_per_doc"
    )
    alone, beside_unrelated, twice, none = per_doc[0]

    assert alone > 0.2
    # Unrelated papers beside the matching one take nothing away.
    assert beside_unrelated == pytest.approx(alone)
    # A second matching paper adds half its similarity.
    assert twice == pytest.approx(1.5 * alone)
    assert none == 0.0


def test_blank_documents_are_ignored():
    with_blank = similarity([SUBMISSION], [[PROLIFIC[0], "  ", ""]], "tfidf_per_doc")
    alone = similarity([SUBMISSION], [[PROLIFIC[0]]], "tfidf_per_doc")

    assert with_blank[0, 0] == pytest.approx(alone[0, 0])


def test_similarity_of_many_submissions_is_computed_in_blocks(monkeypatch):
    from assignment.matching import textsim

    subs = [SUBMISSION, "Election persuasion by chatbots", "Agents hacking", "Nothing"] * 5
    whole = similarity(subs, [PROLIFIC, LOOSE, PROLIFIC[2:4]], "tfidf_per_doc")
    # A block of 9 documents per chunk: one submission at a time.
    monkeypatch.setattr(textsim, "BLOCK_CELLS", 9)
    blocked = similarity(subs, [PROLIFIC, LOOSE, PROLIFIC[2:4]], "tfidf_per_doc")

    np.testing.assert_allclose(blocked, whole, rtol=1e-6)
    assert whole.shape == (20, 3)


def test_pairs_best_documents_and_shared_terms_agree_with_blocks():
    docs = Documents.of([PROLIFIC, LOOSE])
    subs = [SUBMISSION, "Persuasion in elections"]
    space = TfidfSpace(subs + docs.texts)
    scorer = TextScorer.build(space=space, sub_texts=subs, docs=docs, variant="tfidf_per_doc")
    block = scorer.block(np.arange(2))

    sub, rev = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    np.testing.assert_allclose(scorer.pairs(sub, rev), block[sub, rev], rtol=1e-6)
    best = scorer.best_documents(sub, rev, 2)
    assert [d for d, _s in best[0]] == [0, 1]  # the two pathogen papers, best first
    assert best[0][0][1] >= best[0][1][1] > 0
    assert [d for d, _s in best[2]] == [3]  # the persuasion paper alone shares a term
    terms = scorer.shared_terms(np.array([0]), np.array([0]))[0]
    # Exact terms only (no stemming): "novice" is not "novices".
    assert sorted(terms) == ["assistance", "language", "model", "uplift"]


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="unknown text similarity variant"):
        similarity([SUBMISSION], [LOOSE], "bm25")


def test_empty_inputs_give_empty_matrices():
    assert similarity([], [LOOSE], "tfidf_per_doc").shape == (0, 1)
    assert similarity([SUBMISSION], [], "tfidf_per_doc").shape == (1, 0)
    assert similarity(["the and of"], [["of the"]], "tfidf_joined").tolist() == [[0.0]]


@pytest.mark.skipif(semantic.available(), reason="the semantic extra is installed")
@pytest.mark.parametrize("variant", ["semantic_per_doc", "combined"])
def test_semantic_variants_say_what_is_missing_without_the_extra(variant):
    with pytest.raises(SemanticUnavailable, match=r"pip install -e \.\[semantic\]"):
        similarity([SUBMISSION], [LOOSE], variant)


def test_top_k_is_small():
    assert TOP_K == 3
