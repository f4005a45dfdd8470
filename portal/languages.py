"""The 24 official languages of the EU (shared/domain.md section 5), as ISO 639-1 codes, and
the ones the portal is offered in: English and every language with a complete catalogue."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

EU_LANGUAGES = [
    ("bg", _("Bulgarian")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("fr", _("French")),
    ("ga", _("Irish")),
    ("hr", _("Croatian")),
    ("hu", _("Hungarian")),
    ("it", _("Italian")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("mt", _("Maltese")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("sv", _("Swedish")),
]
LANGUAGE_NAMES = dict(EU_LANGUAGES)
ENGLISH = "en"


def reads_language(languages: list[str] | None, language: str) -> bool:
    """Whether a reviewer who reviews in `languages` (their application's list) can review
    documents in `language`. Every reviewer reads English, the call's working language; an
    empty list means English only."""
    return language == ENGLISH or language in (languages or ())


_CODES = set(LANGUAGE_NAMES)

# The portal's own order for the languages it has always shipped; others follow by code.
_FIRST = ["en", "da", "fr", "de"]


def _mo_message_count(path: Path) -> int:
    """How many messages a compiled catalogue holds (its header included)."""
    with path.open("rb") as compiled:
        head = compiled.read(12)
    if len(head) < 12:
        return 0
    byteorder = "little" if head[:4] == b"\xde\x12\x04\x95" else "big"
    return int.from_bytes(head[8:12], byteorder)


def _po_scan(path: Path) -> tuple[int, bool]:
    """How many messages a catalogue's source holds (its header included, obsolete ones
    not), and whether every one is translated (every plural form) and none fuzzy."""
    messages, complete, empty = 0, True, False
    with path.open(encoding="utf-8") as source:
        for line in source:
            if empty and not line.startswith('"'):
                complete = False  # a msgstr "" that no continuation line follows
            empty = False
            if line.startswith("msgid "):
                messages += 1
            elif line.startswith("#,") and "fuzzy" in line and messages:
                complete = False
            elif line.startswith("msgstr") and line.split(" ", 1)[-1].strip() == '""':
                empty = True
    return messages, complete and not empty


def complete_languages(locale_dir: Path, domain: str = "django") -> list[str]:
    """The languages whose catalogue under `locale_dir` is complete and compiled, in the
    portal's order: every message of the source translated, none fuzzy, and the compiled
    catalogue holding as many messages as the source (not compiled since a message was
    added). A catalogue that is imported or extracted but not fully translated is not
    offered. Read once per process, by the settings: a line scan, not a full parse."""
    found = []
    for folder in sorted(locale_dir.iterdir()) if locale_dir.is_dir() else []:
        source = folder / "LC_MESSAGES" / f"{domain}.po"
        compiled = source.with_suffix(".mo")
        known = folder.name in _CODES and folder.name != "en"
        if not (known and source.exists() and compiled.exists()):
            continue
        messages, translated = _po_scan(source)
        if translated and _mo_message_count(compiled) == messages:
            found.append(folder.name)
    return sorted(found, key=lambda code: (_FIRST.index(code) if code in _FIRST else 99, code))


def site_languages() -> list[tuple[str, str]]:
    """The languages the portal is offered in (settings.LANGUAGES), for model choices:
    a callable, so that a language added by an import needs no migration."""
    from django.conf import settings  # noqa: PLC0415 -- read when called, after settings

    return list(settings.LANGUAGES)
