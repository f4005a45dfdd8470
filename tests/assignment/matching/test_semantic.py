"""The semantic model itself (all-MiniLM-L6-v2 from the `semantic` extra). Skipped
without the extra: `make test-semantic` runs these in a venv that has it."""

import os

import numpy as np
import pytest

pytest.importorskip("sentence_transformers")

from assignment.matching import semantic  # noqa: E402 -- after the skip
from assignment.matching.textsim import similarity  # noqa: E402

pytestmark = pytest.mark.skipif(
    not semantic.available(), reason="the semantic model's package is not installed"
)

SUBMISSION = "Can chatbots help amateurs culture dangerous viruses? A wet-lab uplift trial."
BIO = ["Novices growing pathogens in the laboratory with assistance from a language model"]
CYBER = ["Autonomous agents exploiting web vulnerabilities in capture-the-flag contests"]


def test_the_model_loads_from_the_package_offline():
    vectors = semantic.embed(["A man is eating food.", "A man is eating a piece of bread."])

    assert semantic.model_dir().name == "model"
    assert (semantic.model_dir() / "model.safetensors").is_file()
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert vectors.shape == (2, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # The model card's example pair: close in meaning.
    assert vectors[0] @ vectors[1] > 0.7
    assert semantic.embed([]).shape == (0, 384)


def test_semantic_similarity_sees_meaning_tfidf_misses():
    tfidf = similarity([SUBMISSION], [BIO, CYBER], "tfidf_per_doc")
    sem = similarity([SUBMISSION], [BIO, CYBER], "semantic_per_doc")
    combined = similarity([SUBMISSION], [BIO, CYBER], "combined")

    # No word in common with either reviewer: TF-IDF cannot tell them apart.
    assert tfidf.tolist() == [[0.0, 0.0]]
    assert sem[0, 0] > sem[0, 1] + 0.1
    assert combined[0, 0] > combined[0, 1]
    np.testing.assert_allclose(combined, 0.5 * tfidf + 0.5 * sem, atol=1e-6)


def test_vectors_are_stored_once_per_text(db):
    from expertise.models import TextEmbedding

    first = semantic.stored_vectors([SUBMISSION, BIO[0]])
    again = semantic.stored_vectors([BIO[0]])

    assert TextEmbedding.objects.filter(model=semantic.MODEL_NAME).count() == 2
    np.testing.assert_array_equal(again[0], first[1])
    np.testing.assert_allclose(first, semantic.embed([SUBMISSION, BIO[0]]), atol=1e-5)
