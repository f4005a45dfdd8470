"""Stored text embeddings (the optional semantic model): storage, the task that fills
the store, and the signals that queue it. The model itself is replaced by a fake here, so
these run without the extra; tests/assignment/matching/test_semantic.py runs the model."""

import hashlib

import numpy as np
import pytest

from assignment.matching import semantic
from assignment.matching.affinity import AffinityModel
from assignment.matching.data import load_matching_data
from assignment.matching.weights import AffinityWeights
from assignment.services.embeddings import workshop_texts, workshop_texts_embed
from assignment.tasks import task_embed_texts
from expertise.models import Publication, TextEmbedding
from submissions.models import Submission
from tests.factories import ReviewerApplicationFactory, UserFactory


def fake_vector(text: str) -> np.ndarray:
    """A deterministic unit vector per text (words hashed into 384 buckets)."""
    vector = np.zeros(semantic.DIMS, dtype=np.float32)
    for word in text.lower().split():
        vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % semantic.DIMS] += 1
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector


@pytest.fixture
def fake_model(monkeypatch):
    """The semantic extra as if installed, with the fake embedding; records what it embeds."""
    embedded: list[str] = []

    def embed(texts):
        embedded.extend(texts)
        return np.array([fake_vector(t) for t in texts], dtype=np.float32).reshape(-1, 384)

    monkeypatch.setattr(semantic, "available", lambda: True)
    monkeypatch.setattr(semantic, "embed", embed)
    return embedded


@pytest.fixture
def texts(instance):
    instance.submission("S1", abstract="Pathogen uplift")
    instance.submission("S2", abstract="Hacking agents")
    draft = instance.submission("S3", abstract="Not yet submitted")
    Submission.objects.filter(pk=draft.pk).update(state=Submission.State.DRAFT)
    a = instance.reviewer("A", statement="Virology and pathogen work")
    Publication.objects.create(user=a, title="Wet-lab study", abstract="Novices")
    pending = ReviewerApplicationFactory(
        workshop=instance.workshop, user=UserFactory(), state="pending", statement="Applicant"
    )
    Publication.objects.create(user=pending.user, title="Applicant's paper")
    declined = ReviewerApplicationFactory(
        workshop=instance.workshop, user=UserFactory(), state="declined", statement="No"
    )
    Publication.objects.create(user=declined.user, title="Declined applicant's paper")
    return instance


def test_the_workshop_texts_are_what_a_run_may_compare(texts, django_assert_num_queries):
    with django_assert_num_queries(3):
        found = workshop_texts(workshop_id=texts.workshop.pk)

    assert sorted(found) == sorted(
        [
            "S1\nPathogen uplift",
            "S2\nHacking agents",
            "Wet-lab study\nNovices",
            "Applicant's paper",
            "Virology and pathogen work",
            "Applicant",
        ]
    )


def test_the_task_embeds_each_text_once(texts, fake_model):
    task_embed_texts.delay(workshop_id=texts.workshop.pk)

    assert TextEmbedding.objects.filter(model=semantic.MODEL_NAME).count() == 6
    row = TextEmbedding.objects.get(text_hash=semantic.text_hash("S1\nPathogen uplift"))
    assert row.dims == 384
    np.testing.assert_array_equal(
        np.frombuffer(bytes(row.vector), dtype="<f4"), fake_vector("S1\nPathogen uplift")
    )
    # Run again: nothing new to embed.
    fake_model.clear()
    assert workshop_texts_embed(workshop_id=texts.workshop.pk) == 0
    assert fake_model == []


def test_an_edited_text_gets_a_new_vector(texts, fake_model):
    workshop_texts_embed(workshop_id=texts.workshop.pk)
    sub = texts.subs["S1"]
    sub.abstract = "Pathogen uplift, revised"
    Submission.objects.filter(pk=sub.pk).update(abstract=sub.abstract)
    fake_model.clear()

    assert workshop_texts_embed(workshop_id=texts.workshop.pk) == 1
    assert fake_model == ["S1\nPathogen uplift, revised"]


def test_nothing_is_embedded_without_the_extra(texts, monkeypatch):
    monkeypatch.setattr(semantic, "available", lambda: False)

    assert workshop_texts_embed(workshop_id=texts.workshop.pk) == 0
    assert not TextEmbedding.objects.exists()


def test_stored_vectors_reads_the_store_and_embeds_only_what_is_missing(db, fake_model):
    first = semantic.stored_vectors(["alpha beta", "gamma"])
    fake_model.clear()

    again = semantic.stored_vectors(["gamma", "alpha beta", "delta", "gamma"])

    assert fake_model == ["delta"]
    np.testing.assert_array_equal(again[[1, 0, 3]], first[[0, 1, 1]])
    assert again.shape == (4, 384) and again.dtype == np.float32
    assert semantic.stored_vectors([]).shape == (0, 384)


def test_a_run_computes_missing_vectors_itself_and_scores_combined(texts, fake_model):
    data = load_matching_data(workshop=texts.workshop)

    model = AffinityModel(data, AffinityWeights())

    assert model.text_variant == "combined"
    assert TextEmbedding.objects.count() == 4  # 2 eligible submissions, A's 2 documents
    # The combined similarity mixes TF-IDF and the (fake) semantic cosine half and half.
    tfidf = AffinityModel(data, AffinityWeights(), variant="tfidf_per_doc")
    sub, rev = np.array([0, 1]), np.array([0, 0])
    semantic_part = model.text.pairs(sub, rev) - 0.5 * tfidf.text.pairs(sub, rev)
    # S1 shares "pathogen" with A's statement; S2 nothing with A.
    expected = 0.5 * fake_vector("S1\nPathogen uplift") @ fake_vector("Virology and pathogen work")
    assert semantic_part.tolist() == pytest.approx([expected, 0.0], abs=1e-6)
    assert expected > 0


def test_saving_a_submission_or_publication_queues_the_embedding(
    texts, fake_model, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(task_embed_texts, "delay", lambda **kw: queued.append(kw))
    a = texts.revs["A"]
    # A's approved application in this workshop, and a pending one in another.
    other = ReviewerApplicationFactory(user=a, state="pending")

    with django_capture_on_commit_callbacks(execute=True):
        Publication.objects.create(user=a, title="New paper")
    with django_capture_on_commit_callbacks(execute=True):
        texts.subs["S1"].save()

    assert queued == [
        {"workshop_id": min(texts.workshop.pk, other.workshop_id)},
        {"workshop_id": max(texts.workshop.pk, other.workshop_id)},
        {"workshop_id": texts.workshop.pk},
    ]


def test_nothing_is_queued_without_the_extra(
    texts, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(semantic, "available", lambda: False)

    with django_capture_on_commit_callbacks() as callbacks:
        Publication.objects.create(user=texts.revs["A"], title="New paper")
        texts.subs["S1"].save()

    assert [c for c in callbacks if "task_embed_texts" in repr(c)] == []
    assert not TextEmbedding.objects.exists()
