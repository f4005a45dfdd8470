"""Text in the affinity score: per-document similarity, its calibration against declared
expertise, and what the "why" of a pair says about it."""

import numpy as np
import pytest

from assignment.matching.affinity import TEXT_TERM_CAP, AffinityModel
from assignment.matching.data import load_matching_data
from assignment.matching.scoring import score_pairs
from assignment.matching.weights import AffinityWeights
from expertise.models import Publication
from tests.assignment.helpers import done_run, run_url

# Six submissions on six topics, each named by its title and abstract.
TOPICS = {
    "S1": ("cbrn", "Pathogen synthesis uplift", "Novices, virology wet-lab protocols, assistance"),
    "S2": ("cyber_offence", "Autonomous hacking agents", "Capture the flag, exploits, agents"),
    "S3": ("harmful_manipulation", "Election persuasion", "Chatbots persuading voters at scale"),
    "S4": ("loss_of_control", "Self-replication in the cloud", "Agents copying their weights"),
    "S5": ("cbrn", "Chemical weapons knowledge", "Nerve agents, precursors, refusal rates"),
    "S6": ("cyber_offence", "Vulnerability discovery", "Fuzzing, memory bugs, patches"),
}
# Reviewers writing on the same topics, without declared expertise.
WRITERS = {
    "R3": "Opinion change after conversations, persuasion studies",
    "R4": "Replication of autonomous systems",
    "R5": "Chemistry knowledge of language models",
    "R6": "Software security and fuzzing",
}


@pytest.fixture
def call(instance):
    """S1 (CBRN, on pathogen uplift) and two reviewers for it: W declares CBRN at level 1
    and writes on something else; T declares nothing but has a paper on S1's topic."""
    for name, (area, title, abstract) in TOPICS.items():
        instance.submission(name, areas=[area], abstract=f"{title}. {abstract}")
        instance.subs[name].title = title
        instance.subs[name].save()
    instance.reviewer("W", expertise={"cbrn": 1}, statement="Audits of recommender systems")
    t = instance.reviewer("T")
    Publication.objects.create(
        user=t,
        title="Novice uplift in the wet lab",
        abstract="Whether chatbots help novices follow virology protocols; a randomised study.",
    )
    Publication.objects.create(user=t, title="Deep learning for protein folding", abstract="")
    for name, statement in WRITERS.items():
        instance.reviewer(name, statement=statement)
    return instance


def _pair(instance, data, sub, rev):
    return (
        data.sub_positions(np.array([instance.subs[sub].pk]))[0],
        data.rev_positions(np.array([instance.revs[rev].pk]))[0],
    )


def test_a_strong_text_match_outweighs_a_weak_declared_match(call):
    data = load_matching_data(workshop=call.workshop)
    model = AffinityModel(data, AffinityWeights())
    s1 = np.array([_pair(call, data, "S1", name)[0] for name in ("W", "T")])
    revs = np.array([_pair(call, data, "S1", name)[1] for name in ("W", "T")])

    weak, strong = model.scores(s1, revs)
    parts = model.components(s1, revs)

    # W: level 1 on S1's only risk area; T: top of the call's text similarity.
    assert parts["overlap"].tolist() == pytest.approx([0.4, 0.0])
    assert parts["text_term"][0] == 0.0
    assert parts["text_term"][1] > 0.8
    assert (weak, strong) == (0.4, pytest.approx(parts["text_term"][1], abs=1e-3))
    assert strong > weak + 0.4
    # Before calibration (text weight 0.5 on the raw cosine) W won.
    raw = parts["text"]
    assert 0.5 * raw[1] < 0.4 + 0.5 * raw[0]


def test_the_median_pair_adds_no_text_and_the_top_one_percent_adds_one(call):
    data = load_matching_data(workshop=call.workshop)
    model = AffinityModel(data, AffinityWeights())
    sub, rev = np.divmod(np.arange(data.n_sub * data.n_rev), data.n_rev)

    parts = model.components(sub, rev)
    scale = model.text_scale

    assert 0 <= scale.median < scale.high
    # (Pairs and blocks are computed apart: float32 rounding may differ in the last bits.)
    assert np.median(parts["text_term"]) <= 1e-3
    assert 1.0 <= parts["text_term"].max() <= TEXT_TERM_CAP
    assert (parts["text_term"] >= 1.0).mean() <= 0.05
    # Scores of pairs and of blocks agree.
    block = model.block(np.arange(data.n_sub))
    np.testing.assert_allclose(model.scores(sub, rev), block[sub, rev], atol=1e-3)


def test_a_pair_scored_by_hand_scores_as_in_the_run(call):
    data = load_matching_data(workshop=call.workshop)
    model = AffinityModel(data, AffinityWeights())
    s, r = _pair(call, data, "S1", "T")

    scores, why = score_pairs(
        workshop=call.workshop,
        submission_ids=np.array([call.subs["S1"].pk]),
        reviewer_ids=np.array([call.revs["T"].pk]),
        weights=AffinityWeights(),
    )

    assert scores.tolist() == model.scores(np.array([s]), np.array([r])).tolist()
    assert why[0]["text_term"] == model.why(np.array([s]), np.array([r]))[0]["text_term"]


def test_why_names_the_documents_that_matched_and_the_shared_terms(call):
    data = load_matching_data(workshop=call.workshop)
    # TF-IDF alone, with or without the semantic extra: "nothing in common" is exact.
    model = AffinityModel(data, AffinityWeights(), variant="tfidf_per_doc")
    s, r = _pair(call, data, "S1", "T")
    s3, r3 = _pair(call, data, "S3", "R3")
    _s, w = _pair(call, data, "S1", "W")

    why_t, why_r3, why_w = model.why(np.array([s, s3, s]), np.array([r, r3, w]))

    assert [d["title"] for d in why_t["documents"]] == ["Novice uplift in the wet lab"]
    assert why_t["documents"][0]["kind"] == "publication"
    # The protein folding paper shares nothing: it is not named, and adds nothing.
    assert why_t["documents"][0]["similarity"] == pytest.approx(why_t["text_similarity"])
    assert {"uplift", "virology", "novices"} <= set(why_t["terms"])
    assert len(why_t["terms"]) == 5
    # A statement is named by its kind (the page labels it), not by a title.
    assert why_r3["documents"] == [
        {"title": "", "kind": "statement", "similarity": pytest.approx(why_r3["text_similarity"])}
    ]
    assert "persuasion" in why_r3["terms"]
    # Nothing in common: no documents, no terms.
    assert (why_w["documents"], why_w["terms"]) == ([], [])


def test_the_run_page_shows_the_documents_and_terms_of_a_pair(client, staff, call):
    run = done_run(call, staff, k=1, weights=AffinityWeights())
    client.force_login(staff)

    response = client.get(run_url(run), {"q": "t@example.org"})

    page = response.content.decode()
    assert "Closest documents:" in page
    assert "<q>Novice uplift in the wet lab</q>" in page
    assert "Shared terms:" in page
    assert "virology" in page


def test_the_run_says_which_text_similarity_scored_and_its_calibration(client, staff, call):
    run = done_run(call, staff, k=1, weights=AffinityWeights())
    client.force_login(staff)

    response = client.get(run_url(run))

    text = run.summary["text"]
    assert text["variant"] in ("tfidf_per_doc", "combined")
    assert 0 <= text["median"] < text["p99"]
    summary = response.context["summary"]
    assert (summary.text_median, summary.text_p99) == (text["median"], text["p99"])
    assert "the text term is 0 at the median similarity of the call" in response.content.decode()
