"""Scores and reasons for pairs chosen outside the solver (hand edits, imports)."""

from __future__ import annotations

from typing import Any

import numpy as np

from portal.models import Workshop

from .affinity import AffinityModel
from .data import load_matching_data, load_text_corpus
from .weights import AffinityWeights


def score_pairs(
    *,
    workshop: Workshop,
    submission_ids: np.ndarray,
    reviewer_ids: np.ndarray,
    weights: AffinityWeights,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """(scores, why) for the given (submission id, reviewer id) pairs, aligned.

    Every id must belong to an eligible submission and an approved reviewer of the
    workshop; callers check that first.
    """
    submission_ids = np.asarray(submission_ids, dtype=np.int64)
    reviewer_ids = np.asarray(reviewer_ids, dtype=np.int64)
    data = load_matching_data(
        workshop=workshop,
        submission_ids=set(submission_ids.tolist()),
        reviewer_ids=set(reviewer_ids.tolist()),
    )
    sub = data.sub_positions(submission_ids)
    rev = data.rev_positions(reviewer_ids)
    if (sub < 0).any() or (rev < 0).any():
        raise ValueError("pairs outside the instance")
    # Fitted and calibrated on the whole workshop's texts, as a run is.
    model = AffinityModel(data, weights, corpus=load_text_corpus(workshop=workshop))
    return model.scores(sub, rev), model.why(sub, rev)
