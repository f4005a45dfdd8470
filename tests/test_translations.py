"""Every shipped catalogue covers every user-facing string in the code as it is now.

The test extracts the messages afresh (makemessages on a copy of the source), so a new
string that nobody translated fails here, not in front of a user who reads that language.
Every language in settings.LANGUAGES but English is shipped, and each of its translations
must carry the placeholders and HTML tags of its English source. Both domains are checked:
`django` (Python and templates) and `djangojs` (the scripts in static/portal/, served by the
JavaScript catalogue).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from portal.translation_checks import entry_pairs, mismatch

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "manage.py",
    "portal",
    "criteria",
    "submissions",
    "reviews",
    "assignment",
    "reports",
    "imports",
    "discussion",
    "expertise",
    "privacy",
    "debate",
    "api",
    "templates",
    "static",
]
DOMAINS = ["django", "djangojs"]
LOCALE = ROOT / "portal" / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(locale: Path, language: str, domain: str = "django") -> Path:
    return locale / language / "LC_MESSAGES" / f"{domain}.po"


def test_french_and_german_are_shipped():
    assert {"da", "fr", "de"} <= set(SHIPPED)


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> dict[tuple[str, str], polib.POFile]:
    copy = tmp_path_factory.mktemp("i18n")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            # Third-party scripts (static/vendor) carry no strings of ours.
            ignore = shutil.ignore_patterns("__pycache__", "vendor")
            shutil.copytree(source, copy / name, ignore=ignore)
        else:
            shutil.copy(source, copy / name)
    languages = [arg for code in SHIPPED for arg in ("-l", code)]
    for domain in DOMAINS:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-d",
                domain,
                *languages,
                "--no-obsolete",
                "-v",
                "0",
            ],
            cwd=copy,
            check=True,
            env={"DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"},
        )
    locale = copy / "portal" / "locale"
    return {
        (code, domain): polib.pofile(str(catalogue(locale, code, domain)))
        for code in SHIPPED
        for domain in DOMAINS
    }


def test_the_scripts_strings_are_extracted(fresh_catalogues):
    # A script that takes its strings from the page again, or a catalogue that makemessages
    # no longer finds, would pass the completeness check below with nothing to check.
    msgids = {entry.msgid for entry in fresh_catalogues["fr", "djangojs"]}
    assert {"Not saved: %(reason)s", "Bid on %(title)s saved."} <= msgids


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(fresh_catalogues, language, domain):
    untranslated = [
        entry.msgid
        for entry in fresh_catalogues[language, domain]
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert untranslated == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_placeholders_and_tags(language, domain):
    offending = []
    for entry in polib.pofile(str(catalogue(LOCALE, language, domain))).translated_entries():
        for source, text in entry_pairs(entry):
            problem = mismatch(source, text)
            if problem:
                offending.append(f"{entry.msgid!r} -> {text!r}: {problem}")
    assert offending == []


@pytest.mark.parametrize(
    ("source", "translation", "problem"),
    [
        ("Hello %(name)s", "Bonjour %(nom)s", "placeholders missing: %(name)s"),
        ("%(count)d left", "%(count)d übrig, %s", "placeholders not in the source: %s"),
        ("At most {max} characters.", "Höchstens max Zeichen.", "placeholders missing: {max}"),
        (
            '<a href="%(url)s">Sign in</a>',
            '<a href="/">Connexion</a>',
            'tags missing: <a href="%(url)s">',
        ),
        ("Edit<span> %(code)s</span>", "Modifier %(code)s</span>", "tags missing: <span>"),
        ("100 %% sure, %(a)s", "%(a)s, sicher zu 100 %%", None),
    ],
)
def test_the_check_names_what_a_translation_lost(source, translation, problem):
    found = mismatch(source, translation)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_compiled_catalogue_is_up_to_date(language, domain):
    source_path = catalogue(LOCALE, language, domain)
    compiled = source_path.with_suffix(".mo")
    assert compiled.exists(), "run `make messages` to compile the catalogue"
    source = polib.pofile(str(source_path))
    binary = polib.mofile(str(compiled))
    # Keyed by context too: one msgid may have several translations, one per context.
    assert {(e.msgctxt, e.msgid): e.msgstr for e in source.translated_entries()} == {
        (e.msgctxt, e.msgid): e.msgstr for e in binary if e.msgid
    }
