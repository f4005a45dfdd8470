"""Small instances for the bidding and staff pages of automatic assignment.

The hand-checked instance is the core's (tests/reviews/matching/conftest.py): 3
submissions x 4 reviewers with a known optimum of 4.0 at k = 2.
"""

import pytest
from django.urls import reverse

from reviews.matching.options import RunSettings
from reviews.matching.services import assignment_run_create, assignment_run_execute
from tests.factories import ReviewerApplicationFactory
from tests.reviews.matching.conftest import HAND_WEIGHTS, Instance

# The optimum of the hand instance at k = 2 (tests/reviews/matching/conftest.py).
OPTIMUM = {("S1", "B"), ("S1", "D"), ("S2", "A"), ("S2", "C"), ("S3", "C"), ("S3", "D")}


def approve(user, workshop, **kwargs):
    return ReviewerApplicationFactory(workshop=workshop, user=user, state="approved", **kwargs)


@pytest.fixture
def instance(workshop):
    return Instance(workshop)


@pytest.fixture
def hand(instance):
    instance.submission("S1", areas=["cbrn"])
    instance.submission("S2", areas=["cyber_offence"])
    instance.submission("S3", areas=["loss_of_control"])
    instance.reviewer("A", expertise={"cbrn": 3, "cyber_offence": 3}, max_reviews=1)
    instance.reviewer("B", expertise={"cbrn": 3}, max_reviews=2)
    instance.reviewer("C", expertise={"cyber_offence": 2, "loss_of_control": 1}, max_reviews=2)
    instance.reviewer("D", expertise={"loss_of_control": 3, "cbrn": 1}, max_reviews=2)
    return instance


def hand_form(**overrides):
    """The settings form as staff would post it for the hand instance (k = 2, expertise
    only, levels 1/4, 1/2, 1)."""
    data = {
        "k": 2,
        "min_load": 0,
        "max_load": "",
        "existing": "keep",
        "w_expertise": HAND_WEIGHTS.expertise,
        "w_text": HAND_WEIGHTS.text,
        "w_risk_area_share": HAND_WEIGHTS.risk_area_share,
        "w_level_1": HAND_WEIGHTS.level_1,
        "w_level_2": HAND_WEIGHTS.level_2,
        "w_level_3": HAND_WEIGHTS.level_3,
        "w_bid_eager": HAND_WEIGHTS.bid_eager,
        "w_bid_willing": HAND_WEIGHTS.bid_willing,
        "w_bid_not_willing": HAND_WEIGHTS.bid_not_willing,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def done_run(instance, user, **settings):
    """A run solved in-process (no Celery), for the preview tests."""
    settings.setdefault("k", 2)
    settings.setdefault("weights", HAND_WEIGHTS)
    run = assignment_run_create(
        workshop=instance.workshop, user=user, settings=RunSettings(**settings)
    )
    return assignment_run_execute(run_id=run.pk)


def run_url(run, name="matching_run"):
    return reverse(f"reviews:{name}", args=[run.workshop.code, run.code])


def names(instance, rows):
    return {
        (instance.name_of_sub(row.submission_id), instance.name_of_rev(row.reviewer_id))
        for row in rows
    }
