"""The language of the evaluation: documents not in English go only to reviewers who
review in their language, or the run says why it cannot."""

import numpy as np
from django.utils import translation

from assignment.interchange import instance_rows
from assignment.matching.data import load_matching_data
from assignment.matching.explain import explanation_text
from assignment.matching.options import RunSettings
from tests.assignment.helpers import HAND_WEIGHTS, named_pairs, solve_instance


def texts(proposal):
    return [item["text"] for item in proposal.summary["explanations"]]


def test_a_polish_evaluation_never_goes_to_a_reviewer_without_polish(instance):
    # A and B match the Polish evaluation best but do not read Polish.
    instance.submission("PL", areas=["cbrn"], language="pl")
    instance.reviewer("A", expertise={"cbrn": 3}, languages=["en", "de"])
    instance.reviewer("B", expertise={"cbrn": 3}, languages=[])
    instance.reviewer("C", expertise={"cbrn": 1}, languages=["en", "pl"])
    instance.reviewer("D", languages=["pl"])

    proposal, data = solve_instance(instance, k=2)

    assert named_pairs(instance, data, proposal) == {("PL", "C"), ("PL", "D")}
    assert texts(proposal) == []


def test_an_english_evaluation_goes_to_any_reviewer(instance):
    instance.submission("EN", areas=["cbrn"])
    instance.reviewer("A", expertise={"cbrn": 3}, languages=["pl"])
    instance.reviewer("B", expertise={"cbrn": 3}, languages=[])
    instance.reviewer("C", languages=["de"])

    proposal, data = solve_instance(instance, k=3)

    assert named_pairs(instance, data, proposal) == {("EN", "A"), ("EN", "B"), ("EN", "C")}


def test_the_languages_are_loaded_as_matrices(instance):
    instance.submission("EN")
    instance.submission("PL", language="pl")
    instance.submission("DE", language="de")
    instance.reviewer("A", languages=["pl", "de"])
    instance.reviewer("B", languages=[])

    data = load_matching_data(workshop=instance.workshop)

    assert data.lang_codes == ["en", "de", "pl"]
    assert data.sub_lang.tolist() == [0, 2, 1]
    # An empty list is English only.
    assert data.rev_reads.tolist() == [[True, True, True], [True, False, False]]


def test_too_few_readers_are_explained_per_language_with_the_numbers(instance):
    for name in ("P1", "P2", "P3"):
        instance.submission(name, areas=["cbrn"], language="pl")
    instance.submission("EN", areas=["cbrn"])
    instance.reviewer("A", expertise={"cbrn": 3}, languages=["pl"], max_reviews=10)
    for name in ("B", "C", "D"):
        instance.reviewer(name, expertise={"cbrn": 3}, languages=["en"], max_reviews=10)

    proposal, data = solve_instance(instance, k=3)

    assert texts(proposal) == [
        "3 evaluations in Polish cannot get 3 reviewers: only 1 approved reviewer reads "
        "Polish; 2 more are needed. Approve reviewers who review in Polish, or assign by hand."
    ]
    assert proposal.summary["explanations"][0]["params"] == {
        "language": "pl",
        "count": 3,
        "k": 3,
        "readers": 1,
        "needed": 2,
    }
    pairs = named_pairs(instance, data, proposal)
    assert {p for p in pairs if p[0] != "EN"} == {("P1", "A"), ("P2", "A"), ("P3", "A")}
    assert len([p for p in pairs if p[0] == "EN"]) == 3
    assert {u["missing"] for u in proposal.summary["unfilled"]} == {2}


def test_no_reader_at_all_and_other_causes_are_still_explained(instance):
    instance.submission("ET", language="et")
    instance.submission("S1", areas=["cbrn"], org="Acme")
    instance.reviewer("A", orgs=["Acme"])
    instance.reviewer("B")

    proposal, _data = solve_instance(instance, k=2)

    assert texts(proposal)[0] == (
        "1 evaluation in Estonian cannot get 2 reviewers: no approved reviewer reads "
        "Estonian; 2 more are needed. Approve reviewers who review in Estonian, or assign by "
        "hand."
    )
    # S1 is short because of a conflict, said as before.
    assert texts(proposal)[1].startswith(
        f"Submission {instance.subs['S1'].code} can get only 1 of 2 reviewers"
    )


def test_the_shortage_is_said_in_the_readers_language():
    item = {
        "code": "language_short",
        "params": {"language": "pl", "count": 3, "k": 3, "readers": 1, "needed": 2},
    }
    with translation.override("de"):
        german = explanation_text(item)
    with translation.override("fr"):
        french = explanation_text(item)

    assert german == (
        "3 Bewertungen auf Polnisch können keine 3 Gutachter erhalten: nur 1 zugelassener "
        "Gutachter liest Polnisch; 2 weitere werden benötigt. Lassen Sie Gutachter zu, die "
        "auf Polnisch begutachten, oder weisen Sie von Hand zu."
    )
    assert french == (
        "3 évaluations en langue « Polonais » ne peuvent pas obtenir 3 examinateurs : seul 1 "
        "examinateur approuvé lit la langue « Polonais » ; il en faut 2 de plus. Approuvez "
        "des examinateurs qui examinent en langue « Polonais », ou affectez à la main."
    )


def test_a_reader_with_a_conflict_leaves_too_few_candidates(instance):
    # Three read Polish (k = 2 is possible in principle), but two share the lab's
    # organisation: the per-submission sentence counts only the Polish readers.
    sub = instance.submission("PL", language="pl", org="Acme")
    instance.reviewer("A", languages=["pl"], orgs=["Acme"])
    instance.reviewer("B", languages=["pl"], orgs=["Acme"])
    instance.reviewer("C", languages=["pl"])
    instance.reviewer("D", languages=["en"])

    proposal, data = solve_instance(instance, k=2)

    assert named_pairs(instance, data, proposal) == {("PL", "C")}
    assert texts(proposal) == [
        f"Submission {sub.code} can get only 1 of 2 reviewers: too few non-conflicted "
        "candidates (1 of 4 approved reviewers are free of conflicts with it); dismiss "
        "conflicts that do not apply or approve more reviewers."
    ]


def test_the_matcher_export_forbids_pairs_in_a_language_the_reviewer_does_not_read(instance):
    instance.submission("PL", language="pl")
    instance.submission("EN")
    instance.reviewer("A", languages=["pl"])
    instance.reviewer("B", languages=["en"])

    rows = instance_rows(
        workshop=instance.workshop,
        settings=RunSettings(k=1, weights=HAND_WEIGHTS),
        files={"constraints"},
    )

    never = [row for row in rows["constraints"] if row[2] == -1]
    assert never == [(instance.subs["PL"].code, "b@example.org", -1)]
    assert np.array_equal(load_matching_data(workshop=instance.workshop).sub_lang, [1, 0])


def test_readers_at_their_maximum_load_are_explained_per_language(instance):
    for name in ("P1", "P2", "P3", "P4"):
        instance.submission(name, areas=["cbrn"], language="pl")
    instance.reviewer("A", expertise={"cbrn": 3}, languages=["pl"], max_reviews=3)
    instance.reviewer("B", expertise={"cbrn": 2}, languages=["en", "pl"], max_reviews=3)
    instance.reviewer("C", expertise={"cbrn": 3}, languages=["en"], max_reviews=10)

    proposal, data = solve_instance(instance, k=2)

    # 8 slots, 6 reviews of Polish capacity: one evaluation is left without reviewers.
    assert [u["missing"] for u in proposal.summary["unfilled"]] == [2]
    assert proposal.summary["explanations"][0]["params"] == {
        "language": "pl",
        "count": 1,
        "k": 2,
        "readers": 2,
        "capacity": 6,
    }
    assert texts(proposal) == [
        "1 evaluation in Polish cannot get 2 reviewers: "
        "the 2 approved reviewers who read Polish are at their maximum load (6 reviews "
        "together); raise their maximum loads or approve more reviewers who review in Polish."
    ]
    assert all(r != "C" for _s, r in named_pairs(instance, data, proposal))
