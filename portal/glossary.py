"""The terminology glossaries (portal/locale/glossary/<language>.csv) and where they apply.

Each row gives an English term, its official translation (from the AI Act's language
version, or the portal's own choice), the source and a note. The note may list further
accepted forms of the translation, as `label: form, form` parts separated by `;`, where the
label is one of FORM_LABELS (`plural: KI-Modelle mit allgemeinem Verwendungszweck`,
`inflected: systemischen Risikos, systemische Risiken`). Other notes are for people.

The English term is found in a text case-insensitively, on word boundaries, in the singular
or the plural, with a hyphen or a space between its words alike ("red-teaming", "red
teaming"). A translation carries the term when it contains the official form or one of the
accepted forms, case-insensitively (a German noun starts a compound: "Einreichungsfrist"
carries "Einreichung").
"""

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from portal.translation_checks import PLACEHOLDER, TAG

GLOSSARY_DIR = Path(__file__).resolve().parent / "locale" / "glossary"
FORM_LABELS = {"plural", "genitive", "dative", "accusative", "inflected", "feminine", "forms"}
# English plurals that do not add -s or -es.
_IRREGULAR_PLURALS = {"criterion": "criteria"}
_ADJECTIVE_ENDING = re.compile(r"(?:e|er|es|en|em)$")
_ENDINGS = r"(?:s|x|e|es|en|er|em|n|ns|ern)?"
_NOT_PROSE = re.compile(rf"{PLACEHOLDER.pattern}|{TAG.pattern}|`[^`]*`|“[a-z_]+”|\[[a-z_]+\]")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def prose(text: str) -> str:
    """A message without what is not prose: placeholders, tags, `code` and “field_names”."""
    return _NOT_PROSE.sub(" ", text)


def normalise(text: str) -> str:
    """Lower case, one kind of apostrophe and of space: what the comparison ignores."""
    return _SPACES.sub(" ", text.replace("\u2019", "'")).casefold()


@dataclass(frozen=True)
class Term:
    english: str
    official: str
    source: str
    note: str
    forms: tuple[str, ...] = field(default=())

    @property
    def pattern(self) -> re.Pattern:
        return _english_pattern(self.english)

    def occurs_in(self, text: str) -> bool:
        return bool(self.pattern.search(prose(text)))

    def carried_by(self, translation: str) -> bool:
        translated = normalise(translation)
        return any(_form_pattern(form).search(translated) for form in (self.official, *self.forms))

    def as_note(self) -> str:
        return f"{self.english} = {self.official}"


@cache
def _form_pattern(form: str) -> re.Pattern:
    """A translated form, each word with the endings of the plural and of declension.

    "risque systémique" matches "risques systémiques"; "systemisches Risiko" matches
    "systemischen Risikos" (an adjective's ending is replaced, a noun's added to). Irregular
    forms (umlauts, "Risiken") are listed in the glossary's note.
    """
    parts = []
    for word in _SPACES.sub(" ", form.strip()).split(" "):
        adjective = word[:1].islower() and len(word) > 6 and _ADJECTIVE_ENDING.search(word)
        stem = normalise(word[: adjective.start()] if adjective else word)
        parts.append(re.escape(stem) + _ENDINGS)
    return re.compile(r"[\s-]+".join(parts))


@cache
def _english_pattern(english: str) -> re.Pattern:
    words = [re.escape(word) for word in re.split(r"[\s-]+", english.strip())]
    last = words[-1]
    plural = _IRREGULAR_PLURALS.get(english.split()[-1].lower())
    endings = [f"{last}(?:s|es)?"]
    if plural:
        endings.append(re.escape(plural))
    if last.lower().endswith("y"):
        endings.append(last[:-1] + "ies")
    body = r"[\s-]+".join([*words[:-1], f"(?:{'|'.join(endings)})"])
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


def _forms(note: str) -> tuple[str, ...]:
    forms = []
    note = re.sub(r"\([^)]*\)", "", note)  # a parenthesis explains a form
    for part in note.split(";"):
        label, sep, rest = part.partition(":")
        if sep and label.strip().lower() in FORM_LABELS:
            forms.extend(form.strip() for form in re.split(r"[,/]", rest) if form.strip())
    return tuple(forms)


@cache
def glossary(language: str) -> tuple[Term, ...]:
    """The glossary of a language, longest English terms first; empty if it has none."""
    path = GLOSSARY_DIR / f"{language}.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        terms = [
            Term(
                english=row["term_en"].strip(),
                official=row["term_official"].strip(),
                source=row["source"].strip(),
                note=row["note"].strip(),
                forms=_forms(row["note"]),
            )
            for row in csv.DictReader(handle)
            if row["term_en"].strip()
        ]
    return tuple(sorted(terms, key=lambda term: -len(term.english)))


def glossary_languages() -> list[str]:
    return sorted(path.stem for path in GLOSSARY_DIR.glob("*.csv"))


def terms_in(text: str, language: str) -> list[Term]:
    """The glossary terms of `language` whose English occurs in `text`."""
    return [term for term in glossary(language) if term.occurs_in(text)]
