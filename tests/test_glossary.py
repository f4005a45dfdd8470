"""Wherever an English glossary term occurs in a message, its translation uses the official term.

For every shipped catalogue with a glossary (portal/locale/glossary/<language>.csv), each
translated message whose English contains a glossary term (portal.glossary: any case, on
word boundaries, singular or plural) must contain the term's official translation or one of
the forms its note lists. Where the English word is used in another sense than the
glossary's, the message is listed in EXCEPTIONS with the reason.
"""

import re

import polib
import pytest
from django.conf import settings

from portal.glossary import glossary, glossary_languages, terms_in
from portal.translation_checks import entry_pairs
from tests.test_translations import LOCALE, catalogue

# (language or "*", English term, pattern the msgid matches, reason)
EXCEPTIONS = [
    (
        "*",
        "score",
        r"\bbid\b|matcher|greedy|LP bound|^Scores CSV$",
        "the automatic assignment's numeric score of a reviewer-submission pair (Punktzahl, "
        "obtenir), not a reviewer's score on a criterion",
    ),
    (
        "*",
        "review",
        r"^Review and publish…$",
        "to check a proposed assignment before publishing it, not a peer review",
    ),
    (
        "*",
        "review",
        r"(?i)\bneeds? review\b",
        "a criteria translation a translator must check again after the English changed, "
        "not a peer review",
    ),
    (
        "de",
        "submission",
        r"^For example submission, workshop, user, organisation\.$",
        "the names of the portal's object types, as the audit log's filter takes them",
    ),
]
SHIPPED_WITH_GLOSSARY = [
    code for code, _name in settings.LANGUAGES if code in set(glossary_languages())
]


def excepted(language: str, english: str, msgid: str) -> bool:
    return any(
        lang in ("*", language) and term == english and re.search(pattern, msgid)
        for lang, term, pattern, _reason in EXCEPTIONS
    )


def offending_entries(po: polib.POFile, language: str) -> list[str]:
    offending = []
    for entry in po.translated_entries():
        for source, text in entry_pairs(entry):
            for term in terms_in(source, language):
                if not term.carried_by(text) and not excepted(language, term.english, source):
                    offending.append(f"{term.as_note()}: {source!r} -> {text!r}")
    return offending


def test_french_and_german_have_glossaries():
    assert {"fr", "de"} <= set(SHIPPED_WITH_GLOSSARY)


@pytest.mark.parametrize("language", SHIPPED_WITH_GLOSSARY)
def test_glossary_terms_are_translated_by_their_official_form(language):
    po = polib.pofile(str(catalogue(LOCALE, language)))
    assert offending_entries(po, language) == []


@pytest.mark.parametrize("language", SHIPPED_WITH_GLOSSARY)
def test_every_exception_is_still_needed(language):
    """An exception that no longer matches a message that would fail is removed."""
    po = polib.pofile(str(catalogue(LOCALE, language)))
    for lang, english, pattern, _reason in EXCEPTIONS:
        if lang not in ("*", language):
            continue
        term = next(term for term in glossary(language) if term.english == english)
        sources = [e.msgid for e in po.translated_entries()] + [
            e.msgid_plural for e in po.translated_entries() if e.msgid_plural
        ]
        assert any(re.search(pattern, s) and term.occurs_in(s) for s in sources), pattern


def test_the_check_names_a_translation_without_the_official_term():
    po = polib.POFile()
    po.append(
        polib.POEntry(msgid="The systemic risks of %(model)s", msgstr="Les risques de %(model)s")
    )
    po.append(
        polib.POEntry(msgid="Systemic risk", msgstr="Risque systémique")
    )  # carried: case and plural do not matter
    po.append(polib.POEntry(msgid="Two systemic risks", msgstr="Deux risques systémiques"))
    assert offending_entries(po, "fr") == [
        "systemic risk = risque systémique: 'The systemic risks of %(model)s' -> "
        "'Les risques de %(model)s'"
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Red teaming results", ["red-teaming"]),
        ("Three criteria", ["criterion"]),
        ("The reviewer's score", ["reviewer", "score"]),
        ("Preview the page", []),  # word boundaries: "preview" is not "review"
        ("%(reviewer)s was added", []),  # placeholders are not prose
    ],
)
def test_english_terms_are_found_on_word_boundaries_in_any_number(text, found):
    assert sorted(term.english for term in terms_in(text, "fr")) == sorted(found)


def test_german_inflected_forms_are_accepted():
    risk = next(term for term in glossary("de") if term.english == "systemic risk")
    assert risk.carried_by("die Bewertung systemischer Risiken")
    assert risk.carried_by("des systemischen Risikos")
    assert not risk.carried_by("das Risiko")
