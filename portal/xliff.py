"""Exchange of a gettext catalogue with translators as XLIFF 2 (manage.py translations_export,
translations_import).

The file: one `<unit>` per catalogue entry, its id a hash of the entry's context and msgid
(stable across exports while the English stays the same). The unit's `<notes>` carry the
context, where the message occurs (file:line), the developers' comments, the glossary terms
whose English occurs in the message ("glossary: systemic risk = risque systémique"), the
length limit where one is known, and for a plural entry which numbers each form is for.

A plural entry is one unit with one `<segment>` per plural form of the target language
(`id="f0"`, `"f1"`, ...), in the order of the catalogue's `msgstr[0]`, `msgstr[1]`, ...: the
first segment's source is the English singular, every other segment's the English plural.

Placeholders (`%(name)s`, `{name}`) and HTML tags stay in `<source>` and `<target>` as plain
text (XML-escaped); a target holding inline elements (`<ph>`, `<pc>`) is refused, so a tool
must be set to keep them as text. A segment's `state` is `initial` for an entry that is
untranslated or fuzzy, `translated` otherwise; on import a target whose state is `initial`
becomes a fuzzy translation (compiled catalogues leave it out), any other a translation.

The import refuses the whole file if any unit is invalid, and names each problem with the
line of its unit: an unknown or repeated unit id, a source that is not the catalogue's, a
wrong number of segments, placeholders or tags that differ from the source's, a newline at
the start or end that the source lacks (or the reverse), or a target over its length limit.
The file is parsed with defusedxml: a DTD, entity declarations or external references are
refused (an XML bomb never expands).
"""

import gettext as gettext_module
import hashlib
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import django
import polib
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings
from django.utils import translation

from portal.glossary import terms_in
from portal.languages import LANGUAGE_NAMES
from portal.translation_checks import mismatch

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
LOCALE_DIR = Path(settings.BASE_DIR) / "portal" / "locale"
MAX_FILE_BYTES = 50 * 1024 * 1024
# An email subject line must stay short; any other message may grow to four times its
# English and 50 characters more (a model field's max_length is not known here).
SUBJECT_MAX_LENGTH = 200
# Plural rules Django's own catalogues do not carry.
_PLURAL_FORMS = {
    "mt": "nplurals=4; plural=(n==1 ? 0 : n==0 || (n%100>1 && n%100<11) ? 1 : "
    "(n%100>10 && n%100<20) ? 2 : 3);",
}
_DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def _english_name(language: str) -> str:
    """The language's name in English, whatever language is active (a catalogue's header)."""
    with translation.override("en"):
        return str(LANGUAGE_NAMES[language])


class ExchangeError(Exception):
    """The exchange cannot be done at all (an unknown language, no msgfmt)."""


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def exchange_languages() -> list[str]:
    """Languages a catalogue can be exchanged for: the EU's official ones but English."""
    return [code for code in LANGUAGE_NAMES if code != settings.LANGUAGE_CODE]


def catalogue_path(language: str, domain: str = "django") -> Path:
    if language not in exchange_languages():
        raise ExchangeError(f"{language!r} is not an official EU language other than English")
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def entry_key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def unit_id(entry: polib.POEntry) -> str:
    return "m" + hashlib.sha256(entry_key(entry).encode("utf-8")).hexdigest()[:20]


def max_length(entry: polib.POEntry, source: str) -> int:
    subject = entry.msgctxt == "email subject" or any(
        path.endswith("_subject.txt") for path, _line in entry.occurrences
    )
    return SUBJECT_MAX_LENGTH if subject else 4 * len(source) + 50


def plural_forms(language: str, po: polib.POFile | None = None) -> str:
    if po is not None and po.metadata.get("Plural-Forms"):
        return po.metadata["Plural-Forms"]
    if language in _PLURAL_FORMS:
        return _PLURAL_FORMS[language]
    django_po = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES"
    if (django_po / "django.po").exists():
        return polib.pofile(str(django_po / "django.po")).metadata.get(
            "Plural-Forms", _DEFAULT_PLURAL_FORMS
        )
    return _DEFAULT_PLURAL_FORMS


def plural_count(forms: str) -> int:
    return int(forms.split("nplurals=")[1].split(";")[0].strip())


def plural_examples(forms: str) -> list[list[int]]:
    """For each plural form, the first few numbers it is used for."""
    rule = gettext_module.c2py(forms.split("plural=")[1].rstrip(" ;"))
    examples: list[list[int]] = [[] for _ in range(plural_count(forms))]
    for n in range(0, 1001):
        index = rule(n)
        if index < len(examples) and len(examples[index]) < 4:
            examples[index].append(n)
    return examples


def _reference_catalogue(domain: str) -> polib.POFile:
    for code, _name in settings.LANGUAGES:
        path = LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.po"
        if code != settings.LANGUAGE_CODE and path.exists():
            return polib.pofile(str(path))
    raise ExchangeError(f"no shipped {domain} catalogue to take the English messages from")


def load_catalogue(language: str, domain: str = "django") -> tuple[polib.POFile, bool]:
    """The language's catalogue and whether it exists; a new language's is built from the
    English of a shipped catalogue, every message untranslated."""
    path = catalogue_path(language, domain)
    if path.exists():
        return polib.pofile(str(path)), True
    reference = _reference_catalogue(domain)
    forms = plural_forms(language)
    po = polib.POFile(wrapwidth=79)
    po.header = f"{_english_name(language)} translation of the GPAI evaluation portal."
    po.metadata = {
        "Project-Id-Version": reference.metadata.get("Project-Id-Version", "portal"),
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": reference.metadata.get("POT-Creation-Date", ""),
        "PO-Revision-Date": "",
        "Last-Translator": "",
        "Language-Team": _english_name(language),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": forms,
    }
    for entry in reference:
        if entry.obsolete:
            continue
        po.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgctxt=entry.msgctxt,
                msgstr="",
                msgstr_plural=(
                    dict.fromkeys(range(plural_count(forms)), "") if entry.msgid_plural else {}
                ),
                occurrences=list(entry.occurrences),
                comment=entry.comment,
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
            )
        )
    return po, False


# --- export ------------------------------------------------------------------------------


def _sources(entry: polib.POEntry, count: int) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgid] + [entry.msgid_plural] * (count - 1)
    return [entry.msgid]


def _targets(entry: polib.POEntry, count: int) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(index, "") for index in range(count)]
    return [entry.msgstr]


def _note(notes: ET.Element, category: str, text: str) -> None:
    ET.SubElement(notes, q("note"), category=category).text = text


def export_xliff(language: str, domain: str = "django") -> tuple[bytes, int, int]:
    """The XLIFF document of a language's catalogue, its number of units and of units
    that still need a translation."""
    po, _exists = load_catalogue(language, domain)
    forms = plural_forms(language, po)
    count = plural_count(forms)
    examples = plural_examples(forms)
    root = ET.Element(
        q("xliff"), {"version": "2.0", "srcLang": settings.LANGUAGE_CODE, "trgLang": language}
    )
    file = ET.SubElement(
        root,
        q("file"),
        {"id": domain, "original": f"portal/locale/{language}/LC_MESSAGES/{domain}.po"},
    )
    file.set(f"{{{XML_NS}}}space", "preserve")
    notes = ET.SubElement(file, q("notes"))
    _note(notes, "plural-forms", forms)
    units = todo = 0
    for entry in po:
        if entry.obsolete:
            continue
        units += 1
        fuzzy = "fuzzy" in entry.flags
        unit = ET.SubElement(file, q("unit"), id=unit_id(entry))
        notes = ET.SubElement(unit, q("notes"))
        if entry.msgctxt:
            _note(notes, "context", entry.msgctxt)
        for path, line in entry.occurrences:
            _note(notes, "location", f"{path}:{line}" if line else path)
        for comment in (entry.comment, entry.tcomment):
            if comment:
                _note(notes, "comment", comment)
        english = " ".join(filter(None, [entry.msgid, entry.msgid_plural]))
        for term in terms_in(english, language):
            _note(notes, "glossary", f"glossary: {term.as_note()}")
        if max_length(entry, entry.msgid) == SUBJECT_MAX_LENGTH:
            _note(notes, "max-length", str(SUBJECT_MAX_LENGTH))
        if entry.msgid_plural:
            for index, numbers in enumerate(examples):
                shown = f"n = {', '.join(map(str, numbers))}, …" if numbers else "no whole n"
                _note(notes, "plural-form", f"segment f{index}: {shown}")
        translated = entry.translated() and not fuzzy
        todo += not translated
        for index, (source, target) in enumerate(
            zip(_sources(entry, count), _targets(entry, count), strict=True)
        ):
            segment = ET.SubElement(unit, q("segment"), id=f"f{index}")
            segment.set("state", "translated" if translated else "initial")
            ET.SubElement(segment, q("source")).text = source
            if target:
                ET.SubElement(segment, q("target")).text = target
    ET.register_namespace("", NS)
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n", units, todo


# --- import ------------------------------------------------------------------------------


class _LineTreeBuilder(ET.TreeBuilder):
    """Remembers the line each element starts on (expat's, for the problems' report)."""

    def __init__(self):
        super().__init__()
        self.parser = None
        self.lines: dict[ET.Element, int] = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


@dataclass
class ImportResult:
    problems: list[str] = field(default_factory=list)
    units: int = 0
    changed: int = 0
    created: bool = False
    written: bool = False


def _parse(data: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    parser.feed(data)
    return parser.close(), builder.lines


def _same_language(code: str | None, language: str) -> bool:
    return (code or "").replace("_", "-").lower() == language.lower()


def _check_root(root: ET.Element, line: int, language: str) -> list[str]:
    if root.tag != q("xliff") or not root.get("version", "").startswith("2."):
        return [f"line {line}: not an XLIFF 2 document (namespace {NS})"]
    problems = []
    if not (root.get("srcLang") or "").lower().startswith(settings.LANGUAGE_CODE):
        problems.append(f"line {line}: srcLang is {root.get('srcLang')!r}, not 'en'")
    if not _same_language(root.get("trgLang"), language):
        problems.append(
            f"line {line}: trgLang is {root.get('trgLang')!r}, but the import is for {language!r}"
        )
    return problems


def _segment_problems(entry, source, segment_source, target, where) -> list[str]:
    problems = []
    if segment_source != source:
        problems.append(f"{where}: the source is not the catalogue's English (export again)")
    if not target:
        return problems
    problem = mismatch(source, target)
    if problem:
        problems.append(f"{where}: {problem}")
    for edge, test in (("start", str.startswith), ("end", str.endswith)):
        if test(source, "\n") != test(target, "\n"):
            problems.append(f"{where}: a newline at the {edge} differs from the source's")
    limit = max_length(entry, source)
    if len(target) > limit:
        problems.append(f"{where}: {len(target)} characters, more than the limit of {limit}")
    return problems


def _read_unit(unit, line, entry, count) -> tuple[list[str], list[str | None], bool]:
    """A unit's problems, its targets (None: not given) and whether it is fuzzy."""
    segments = unit.findall(q("segment"))
    expected = count if entry.msgid_plural else 1
    if len(segments) != expected:
        return [f"line {line}: {len(segments)} segments, {expected} expected"], [], False
    problems: list[str] = []
    targets: list[str | None] = []
    fuzzy = False
    for index, (segment, source) in enumerate(zip(segments, _sources(entry, count), strict=True)):
        where = f"line {line}: unit {unit.get('id')}, segment f{index}"
        source_element, target_element = segment.find(q("source")), segment.find(q("target"))
        if any(len(element) for element in (source_element, target_element) if element is not None):
            problems.append(f"{where}: inline elements; placeholders and tags must be text")
            continue
        segment_source = source_element.text or "" if source_element is not None else None
        target = None if target_element is None else (target_element.text or "")
        problems += _segment_problems(entry, source, segment_source, target, where)
        targets.append(target)
        fuzzy = fuzzy or (bool(target) and segment.get("state", "initial") == "initial")
    return problems, targets, fuzzy


def _apply(entry: polib.POEntry, targets: list[str | None], fuzzy: bool) -> bool:
    """Puts a unit's targets in its entry; whether the entry changed."""
    if all(target is None for target in targets):
        return False
    before = (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags))
    if entry.msgid_plural:
        entry.msgstr_plural = {
            index: target if target is not None else entry.msgstr_plural.get(index, "")
            for index, target in enumerate(targets)
        }
        translated = all(entry.msgstr_plural.values())
    else:
        entry.msgstr = targets[0] or ""
        translated = bool(entry.msgstr)
    if "fuzzy" in entry.flags and (translated and not fuzzy):
        entry.flags.remove("fuzzy")
    elif fuzzy and "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    if "fuzzy" not in entry.flags:
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return before != (entry.msgstr, dict(entry.msgstr_plural), list(entry.flags))


def _validate(root, lines, po, count, language) -> tuple[list[str], list]:
    problems = _check_root(root, lines.get(root, 1), language)
    if problems and root.tag != q("xliff"):
        return problems, []
    entries = {unit_id(entry): entry for entry in po if not entry.obsolete}
    seen: dict[str, int] = {}
    readings = []
    for unit in root.iter(q("unit")):
        line, uid = lines.get(unit, 0), unit.get("id", "")
        if uid in seen:
            problems.append(f"line {line}: unit id {uid!r} repeats the unit of line {seen[uid]}")
            continue
        seen[uid] = line
        if uid not in entries:
            problems.append(f"line {line}: unknown unit id {uid!r} (export the file again)")
            continue
        unit_problems, targets, fuzzy = _read_unit(unit, line, entries[uid], count)
        problems += unit_problems
        readings.append((entries[uid], targets, fuzzy))
    return problems, readings


def import_xliff(
    language: str, data: bytes, *, domain: str = "django", dry_run: bool = False
) -> ImportResult:
    """Validates an XLIFF file for `language` and, when every unit is valid and not
    `dry_run`, writes the catalogue (gettext's formatting) and compiles it."""
    result = ImportResult()
    if len(data) > MAX_FILE_BYTES:
        result.problems.append(f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        return result
    try:
        root, lines = _parse(data)
    except DefusedXmlException as error:
        result.problems.append(f"refused: {error} (a DTD or entities are never accepted)")
        return result
    except ET.ParseError as error:
        result.problems.append(f"line {error.position[0]}: not well-formed XML: {error}")
        return result
    po, exists = load_catalogue(language, domain)
    count = plural_count(plural_forms(language, po))
    result.problems, readings = _validate(root, lines, po, count, language)
    result.units = len(readings)
    result.created = not exists
    if result.problems:
        return result
    result.changed = sum(_apply(entry, targets, fuzzy) for entry, targets, fuzzy in readings)
    if dry_run or not (result.changed or result.created):
        return result
    write_catalogue(po, catalogue_path(language, domain))
    result.written = True
    return result


def write_catalogue(po: polib.POFile, path: Path) -> None:
    """Saves a catalogue as gettext's own tools format it, and compiles it beside.

    Both are made as temporary files next to the targets and put in place only once
    msgfmt accepted them: a translation msgfmt refuses (a python-format string ending in
    "%", say) raises ExchangeError with msgfmt's message and leaves both files as they were.
    """
    msgcat, msgfmt = shutil.which("msgcat"), shutil.which("msgfmt")
    if msgcat is None or msgfmt is None:
        raise ExchangeError("msgcat and msgfmt (gettext) are needed: apt-get install gettext")
    path.parent.mkdir(parents=True, exist_ok=True)
    mo = path.with_suffix(".mo")
    po_tmp, mo_tmp = path.with_name(f".{path.name}.new"), mo.with_name(f".{mo.name}.new")
    try:
        po.save(str(po_tmp))
        # Our own paths, gettext's tools found on PATH.
        for command in (
            [msgcat, "-o", str(po_tmp), str(po_tmp)],
            [msgfmt, "--check-format", "-o", str(mo_tmp), str(po_tmp)],
        ):
            done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
            if done.returncode:
                raise ExchangeError(
                    f"{Path(command[0]).name} refused the catalogue; nothing was written:\n"
                    + done.stderr.replace(str(po_tmp), str(path)).strip()
                )
        os.replace(po_tmp, path)
        os.replace(mo_tmp, mo)
    finally:
        po_tmp.unlink(missing_ok=True)
        mo_tmp.unlink(missing_ok=True)
