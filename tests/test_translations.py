"""The Danish catalogue covers every user-facing string in the code as it is now.

The test extracts the messages afresh (makemessages on a copy of the source), so a new
string that nobody translated fails here, not in front of a Danish-speaking user.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

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
]
CATALOGUE = ROOT / "portal" / "locale" / "da" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> polib.POFile:
    copy = tmp_path_factory.mktemp("i18n")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "da", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        env={"DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    return polib.pofile(str(copy / "portal" / "locale" / "da" / "LC_MESSAGES" / "django.po"))


def test_every_message_has_a_danish_translation(fresh_catalogue):
    untranslated = [
        entry.msgid
        for entry in fresh_catalogue
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert untranslated == []


def test_compiled_catalogue_is_up_to_date():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists(), "run `make messages` to compile the catalogue"
    source = polib.pofile(str(CATALOGUE))
    binary = polib.mofile(str(compiled))
    # Keyed by context too: one msgid may have several translations, one per context.
    assert {(e.msgctxt, e.msgid): e.msgstr for e in source.translated_entries()} == {
        (e.msgctxt, e.msgid): e.msgstr for e in binary if e.msgid
    }
