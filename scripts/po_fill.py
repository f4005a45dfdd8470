"""Dump the untranslated entries of a gettext catalogue, and fill them from a JSON mapping.

    python scripts/po_fill.py dump portal/locale/fr/LC_MESSAGES/django.po --hint da > todo.json
    python scripts/po_fill.py apply portal/locale/fr/LC_MESSAGES/django.po done.json

`dump` writes a JSON list of the entries that are untranslated or fuzzy: msgid, msgid_plural,
msgctxt, comments, where they occur, and (with --hint xx) the translation of the same entry
in another catalogue, as a reminder of the meaning.

`apply` reads a JSON object mapping each msgid (or "msgctxt\\x04msgid" for an entry with a
context) to its translation: a string, or for a plural entry a list with one string per
plural form. The entries it fills lose their fuzzy flag and previous msgid. A translation
whose placeholders (%(name)s, %s, {name}) or HTML tags differ from its msgid's is refused
and named; nothing is written if any is refused, unless --force.
"""

import argparse
import json
import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from portal.translation_checks import mismatch  # noqa: E402


def key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def needs_work(entry: polib.POEntry) -> bool:
    return not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)


def dump(catalogue: Path, hint: str | None) -> list[dict]:
    po = polib.pofile(str(catalogue))
    hints = {}
    if hint:
        other = catalogue.parents[2] / hint / "LC_MESSAGES" / catalogue.name
        hints = {key(e): e.msgstr_plural or e.msgstr for e in polib.pofile(str(other))}
    return [
        {
            "key": key(entry),
            "msgid": entry.msgid,
            "msgid_plural": entry.msgid_plural or None,
            "msgctxt": entry.msgctxt,
            "comment": entry.comment or None,
            "occurrences": [f"{path}:{line}" for path, line in entry.occurrences][:3],
            "hint": hints.get(key(entry)),
        }
        for entry in po
        if needs_work(entry)
    ]


def apply(catalogue: Path, mapping: dict, *, force: bool = False) -> tuple[int, list[str]]:
    po = polib.pofile(str(catalogue))
    filled, refused = 0, []
    for entry in po:
        if entry.obsolete or key(entry) not in mapping:
            continue
        value = mapping[key(entry)]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            problems = [
                mismatch(entry.msgid_plural if i else entry.msgid, form)
                for i, form in enumerate(forms)
            ]
            nplurals = max(len(entry.msgstr_plural), 2)
            if len(forms) < nplurals:
                forms = forms + [forms[-1]] * (nplurals - len(forms))
        else:
            forms = value
            problems = [mismatch(entry.msgid, value)]
        problems = [p for p in problems if p]
        if problems:
            refused.append(f"{entry.msgid!r}: {'; '.join(problems)}")
            if not force:
                continue
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = forms
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    if not refused or force:
        po.save(str(catalogue))
    return filled, refused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dump_parser = commands.add_parser("dump", help="untranslated entries as JSON")
    dump_parser.add_argument("catalogue", type=Path)
    dump_parser.add_argument("--hint", help="language whose catalogue gives a hint of meaning")
    apply_parser = commands.add_parser("apply", help="fill entries from a JSON mapping")
    apply_parser.add_argument("catalogue", type=Path)
    apply_parser.add_argument("mapping", type=Path)
    apply_parser.add_argument("--force", action="store_true", help="write despite mismatches")
    args = parser.parse_args()
    if args.command == "dump":
        json.dump(dump(args.catalogue, args.hint), sys.stdout, ensure_ascii=False, indent=1)
        return 0
    mapping = json.loads(args.mapping.read_text(encoding="utf-8"))
    filled, refused = apply(args.catalogue, mapping, force=args.force)
    for line in refused:
        print(f"refused: {line}", file=sys.stderr)
    remaining = sum(needs_work(e) for e in polib.pofile(str(args.catalogue)))
    print(f"filled {filled}, refused {len(refused)}, still untranslated {remaining}")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
