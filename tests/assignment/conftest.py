"""Fixtures of the automatic assignment tests: a workshop and the hand-checked instance
(3 submissions x 4 reviewers with a known optimum of 4.0 at k = 2). Helpers: helpers.py."""

import pytest

from tests.assignment.helpers import Instance
from tests.factories import WorkshopFactory


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Frontier risks call 2027")


@pytest.fixture
def instance(workshop):
    return Instance(workshop)


@pytest.fixture
def hand_instance(instance):
    """3 submissions x 4 reviewers, scores (expertise only, HAND_WEIGHTS):

            A     B     C     D
        S1  1     1     0     .25
        S2  1     0     .5    0
        S3  0     0     .25   1

    A takes one review, the others two; k = 2. Optimum 4.0: S1 {B, D}, S2 {A, C},
    S3 {C, D}. Greedy (best pair first) puts A on S1 and ends at 3.75.
    """
    instance.submission("S1", areas=["cbrn"])
    instance.submission("S2", areas=["cyber_offence"])
    instance.submission("S3", areas=["loss_of_control"])
    instance.reviewer("A", expertise={"cbrn": 3, "cyber_offence": 3}, max_reviews=1)
    instance.reviewer("B", expertise={"cbrn": 3}, max_reviews=2)
    instance.reviewer("C", expertise={"cyber_offence": 2, "loss_of_control": 1}, max_reviews=2)
    instance.reviewer("D", expertise={"loss_of_control": 3, "cbrn": 1}, max_reviews=2)
    return instance


@pytest.fixture
def hand(hand_instance):
    """The hand instance, under the shorter name the page tests use."""
    return hand_instance
