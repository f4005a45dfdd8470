"""Whether a translation carries its source's placeholders and HTML tags.

A translator may reorder a sentence, but every `%(name)s`, `%s`, `{name}` and every tag of
the English must come back unchanged: a missing placeholder loses a value (or raises), a
changed tag breaks the page. The catalogue tests and scripts/po_fill.py use these checks.
"""

import re
from collections import Counter

# printf-style (`%(name)s`, `%s`, `%d`, `%.1f`, `%%`) and str.format-style (`{name}`).
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]|\{[\w.]*\}")
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^<>]*>")


def placeholders(text: str) -> Counter:
    """The placeholders in a text, each with how often it occurs (`%%` is not one)."""
    return Counter(match for match in PLACEHOLDER.findall(text) if match != "%%")


def tags(text: str) -> Counter:
    """The HTML tags in a text, attributes included, each with how often it occurs."""
    return Counter(" ".join(match.split()) for match in TAG.findall(text))


def mismatch(source: str, translation: str) -> str | None:
    """Why a translation does not carry its source's placeholders and tags, or None."""
    problems = []
    for name, extract in (("placeholders", placeholders), ("tags", tags)):
        missing = extract(source) - extract(translation)
        extra = extract(translation) - extract(source)
        if missing:
            problems.append(f"{name} missing: {', '.join(sorted(missing.elements()))}")
        if extra:
            problems.append(f"{name} not in the source: {', '.join(sorted(extra.elements()))}")
    return "; ".join(problems) or None


def entry_pairs(entry) -> list[tuple[str, str]]:
    """A catalogue entry's (English, translation) pairs: one per plural form.

    The first plural form translates the singular msgid, every other form the plural one.
    """
    if entry.msgid_plural:
        return [
            (entry.msgid_plural if index else entry.msgid, text)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]
