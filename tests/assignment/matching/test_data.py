"""Loading an instance takes the same few queries whatever its size."""

import numpy as np
import pytest

from assignment.matching.data import STATEMENT, load_matching_data, load_text_corpus
from assignment.models import Bid
from expertise.models import Publication
from tests.factories import AssignmentFactory, ReviewerTieFactory, UserFactory


@pytest.mark.parametrize("size", [2, 6])
def test_load_query_count_does_not_grow(instance, django_assert_num_queries, size):
    for i in range(size):
        sub = instance.submission(f"S{i}", areas=["cbrn"], methods=["benchmark"], org=f"O{i % 2}")
        reviewer = instance.reviewer(
            f"R{i}", expertise={"cbrn": 2, "benchmark": 1}, orgs=[f"O{(i + 1) % 2}"]
        )
        ReviewerTieFactory(user=reviewer, organisation=instance.org(f"O{i % 2}"))
        Bid.objects.create(
            workshop=instance.workshop, submission=sub, reviewer=reviewer, value="willing"
        )
        AssignmentFactory(submission=sub, workshop=sub.workshop, reviewer=reviewer)
        for j in range(i % 3):
            Publication.objects.create(user=reviewer, title=f"Paper {i}.{j}", abstract="Text")

    with django_assert_num_queries(15):
        data = load_matching_data(workshop=instance.workshop)

    assert (data.n_sub, data.n_rev) == (size, size)
    assert len(data.conflict_sub) > 0
    assert np.diff(data.rev_doc_ptr).tolist() == [i % 3 for i in range(size)]


def test_documents_are_publications_then_the_statement(instance):
    a = instance.reviewer("A", statement="I red-team biology uplift.")
    b = instance.reviewer("B", statement="   ")
    instance.reviewer("C")
    second = Publication.objects.create(
        user=a, title="Agents that hack", abstract="Capture the flag.", year=2020
    )
    first = Publication.objects.create(
        user=a, title="Virology uplift trials", abstract="", kind=Publication.Kind.EVALUATION
    )
    Publication.objects.create(user=b, title="Persuasion at scale", abstract="Debates.")
    # A publication of someone who is not a reviewer of this workshop is not loaded.
    Publication.objects.create(user=UserFactory(), title="Unrelated", abstract="x")

    data = load_matching_data(workshop=instance.workshop)

    assert data.rev_doc_ptr.tolist() == [0, 3, 4, 4]
    assert data.rev_doc_texts == [
        second.text,
        first.text,
        "I red-team biology uplift.",
        "Persuasion at scale\nDebates.",
    ]
    assert data.rev_doc_titles == [
        "Agents that hack",
        "Virology uplift trials",
        "",
        "Persuasion at scale",
    ]
    assert data.rev_doc_kinds == ["publication", "evaluation", STATEMENT, "publication"]
    # The joined statement stays for the joined variant.
    assert data.rev_statements == ["I red-team biology uplift.", "   ", ""]


def test_narrowed_instance_loads_only_its_reviewers_documents(instance):
    a = instance.reviewer("A", statement="About A")
    b = instance.reviewer("B", statement="About B")
    Publication.objects.create(user=a, title="Paper of A")
    Publication.objects.create(user=b, title="Paper of B")

    data = load_matching_data(workshop=instance.workshop, reviewer_ids=[b.pk])

    assert data.rev_doc_texts == ["Paper of B", "About B"]


def test_text_corpus_is_the_whole_workshop_in_run_order(instance, django_assert_num_queries):
    instance.submission("S1", abstract="On uplift")
    instance.submission("S2", abstract="On hacking")
    a = instance.reviewer("A", statement="About A")
    Publication.objects.create(user=a, title="Paper of A", abstract="Abstract")

    with django_assert_num_queries(3):
        corpus = load_text_corpus(workshop=instance.workshop)

    data = load_matching_data(workshop=instance.workshop)
    assert corpus.sub_texts == data.sub_texts == ["S1\nOn uplift", "S2\nOn hacking"]
    assert corpus.documents.texts == data.rev_doc_texts == ["Paper of A\nAbstract", "About A"]
    assert corpus.documents.ptr.tolist() == [0, 2]
