"""The catalogue exchange with translators: translations_export and translations_import."""

import gettext
import re
import shutil
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command

from portal import xliff
from portal.xliff import export_xliff, import_xliff, unit_id, write_catalogue

LOCALE = Path(xliff.__file__).resolve().parent / "locale"


@pytest.fixture
def locale(tmp_path, monkeypatch) -> Path:
    """A copy of the catalogues, so that an import never writes the real ones."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy)
    monkeypatch.setattr(xliff, "LOCALE_DIR", copy)
    return copy


def po_path(locale: Path, language: str) -> Path:
    return locale / language / "LC_MESSAGES" / "django.po"


def run_import(path: Path, language: str, *extra: str) -> str:
    out, err = StringIO(), StringIO()
    call_command(
        "translations_import", str(path), "--lang", language, *extra, stdout=out, stderr=err
    )
    return out.getvalue() + err.getvalue()


def refused(path: Path, language: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "translations_import", str(path), "--lang", language, stdout=StringIO(), stderr=err
        )
    return err.getvalue()


def test_french_round_trip_changes_nothing(locale, tmp_path):
    before = po_path(locale, "fr").read_bytes()
    out = tmp_path / "fr.xlf"
    call_command("translations_export", "--lang", "fr", "--output", str(out), stderr=StringIO())
    document = out.read_text(encoding="utf-8")
    assert 'srcLang="en" trgLang="fr"' in document
    assert (
        '<note category="glossary">glossary: systemic risk = risque systémique</note>' in document
    )

    assert "0 translations changed" in run_import(out, "fr")
    assert po_path(locale, "fr").read_bytes() == before


def test_writing_a_catalogue_keeps_gettext_formatting_byte_for_byte(tmp_path):
    """When an import does change entries, the rest of the file stays as msgmerge wrote it."""
    for language in ("da", "fr", "de"):
        target = tmp_path / language / "django.po"
        write_catalogue(polib.pofile(str(po_path(LOCALE, language))), target)
        assert target.read_bytes() == po_path(LOCALE, language).read_bytes()
        assert target.with_suffix(".mo").exists()


def exported(language: str) -> str:
    return export_xliff(language)[0].decode("utf-8")


def replace_in_unit(document: str, msgid: str, old: str, new: str) -> tuple[str, int]:
    """The document with `old` replaced by `new` in the target of msgid's unit, and the
    line that unit starts on."""
    uid = unit_id(polib.POEntry(msgid=msgid))
    start = document.index(f'<unit id="{uid}">')
    end = document.index("</unit>", start)
    unit = document[start:end]
    assert old in unit
    line = document.count("\n", 0, start) + 1
    return document[:start] + unit.replace(old, new) + document[end:], line


def test_a_broken_placeholder_is_refused_with_its_line(locale, tmp_path):
    document, line = replace_in_unit(
        exported("fr"),
        "%(reviewer)s on “%(submission)s”",
        "« %(submission)s »</target>",
        "« %(soumission)s »</target>",
    )
    path = tmp_path / "broken.xlf"
    path.write_text(document, encoding="utf-8")
    before = po_path(locale, "fr").read_bytes()

    report = refused(path, "fr")

    assert re.search(
        rf"^line {line}: unit m\w+, segment f0: placeholders missing: %\(submission\)s; "
        r"placeholders not in the source: %\(soumission\)s$",
        report,
        re.MULTILINE,
    )
    assert po_path(locale, "fr").read_bytes() == before


def test_a_broken_tag_is_refused(locale, tmp_path):
    msgid = (
        '<a href="%(url)s">Sign in</a> to apply to review the evaluations submitted to this call.'
    )
    document, line = replace_in_unit(exported("de"), msgid, "&lt;/a&gt;, um", ", um")
    path = tmp_path / "tag.xlf"
    path.write_text(document, encoding="utf-8")
    assert re.search(
        rf"^line {line}: unit m\w+, segment f0: tags missing: </a>$", refused(path, "de"), re.M
    )


def test_a_file_for_another_language_is_refused(locale, tmp_path):
    path = tmp_path / "fr.xlf"
    path.write_text(exported("fr"), encoding="utf-8")
    assert "line 2: trgLang is 'fr', but the import is for 'de'" in refused(path, "de")


def test_a_too_long_email_subject_and_an_unknown_unit_are_refused(locale, tmp_path):
    document, line = replace_in_unit(
        exported("fr"), "Eligibility decision: “%(title)s”", "</target>", "x" * 200 + "</target>"
    )
    document = document.replace('<unit id="m', '<unit id="mzz', 1)
    path = tmp_path / "long.xlf"
    path.write_text(document, encoding="utf-8")
    report = refused(path, "fr")
    assert re.search(rf"line {line}: .* characters, more than the limit of 200", report)
    assert "unknown unit id 'mzz" in report


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">
 <file id="django"><unit id="x"><segment><source>&lol3;</source></segment></unit></file>
</xliff>
"""


def test_an_xml_bomb_is_refused_unexpanded(locale, tmp_path):
    path = tmp_path / "bomb.xlf"
    path.write_text(BOMB, encoding="utf-8")
    assert "a DTD or entities are never accepted" in refused(path, "fr")
    result = import_xliff("fr", BOMB.encode())
    assert result.problems and not result.written


def test_a_dry_run_writes_nothing(locale, tmp_path):
    document, _line = replace_in_unit(
        exported("fr"), "%(reviewer)s on “%(submission)s”", " sur « ", " pour « "
    )
    path = tmp_path / "fr.xlf"
    path.write_text(document, encoding="utf-8")
    before = po_path(locale, "fr").read_bytes()
    assert "1 translations would change" in run_import(path, "fr", "--dry-run")
    assert po_path(locale, "fr").read_bytes() == before
    assert "1 translations changed" in run_import(path, "fr")
    entry = polib.pofile(str(po_path(locale, "fr"))).find("%(reviewer)s on “%(submission)s”")
    assert entry.msgstr == "%(reviewer)s pour « %(submission)s »"


def test_a_new_language_starts_from_an_empty_catalogue(locale, tmp_path):
    document, units, todo = export_xliff("it")
    assert units == todo > 1000
    assert not (locale / "it").exists()
    text = document.decode("utf-8")
    assert 'trgLang="it"' in text and "<target>" not in text

    # The translators' file: every message translated (here, "Accedi" for "Sign in" and
    # the English kept elsewhere), every segment marked translated.
    def translate(match: re.Match) -> str:
        source = match.group(1)
        target = "Accedi" if source == "Sign in" else source
        return f"<source>{source}</source>\n    <target>{target}</target>"

    text = re.sub(r"<source>(.*?)</source>", translate, text, flags=re.DOTALL)
    text = text.replace('state="initial"', 'state="translated"')
    path = tmp_path / "it.xlf"
    path.write_text(text, encoding="utf-8")

    assert "catalogue was created and compiled" in run_import(path, "it")

    po = polib.pofile(str(po_path(locale, "it")))
    assert po.metadata["Language"] == "it"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert len(po.translated_entries()) == units and po.percent_translated() == 100
    with po_path(locale, "it").with_suffix(".mo").open("rb") as compiled:
        assert gettext.GNUTranslations(compiled).gettext("Sign in") == "Accedi"


def test_inline_elements_and_a_missing_plural_segment_are_refused(locale, tmp_path):
    """Placeholders and tags travel as text: a tool that turned them into <ph> is named."""
    document, line = replace_in_unit(
        exported("fr"),
        "%(reviewer)s on “%(submission)s”",
        "<target>%(reviewer)s",
        '<target><ph id="1" disp="%(reviewer)s"/>',
    )
    plural = polib.pofile(str(po_path(locale, "fr"))).find("%(n)s score")
    uid = unit_id(plural)
    start = document.index(f'<unit id="{uid}">')
    second = document.index('<segment id="f1"', start)
    plural_line = document.count("\n", 0, start) + 1
    document = document[:second] + document[document.index("</segment>", second) + 10 :]
    path = tmp_path / "inline.xlf"
    path.write_text(document, encoding="utf-8")

    report = refused(path, "fr")

    assert f"line {line}: unit" in report and "inline elements" in report
    assert f"line {plural_line}: 1 segments, 2 expected" in report


def test_a_translation_msgfmt_refuses_leaves_both_files_as_they_were(locale, tmp_path):
    # Placeholders match, but a python-format string may not end in a lone "%".
    document, _line = replace_in_unit(
        exported("fr"),
        "%(count)d bid saved.",
        "enregistrée.</target>",
        "enregistrée à 100 %</target>",
    )
    path = tmp_path / "percent.xlf"
    path.write_text(document, encoding="utf-8")
    po, mo = po_path(locale, "fr"), po_path(locale, "fr").with_suffix(".mo")
    before = (po.read_bytes(), mo.read_bytes())

    with pytest.raises(CommandError, match="msgfmt refused the catalogue; nothing was written"):
        run_import(path, "fr")

    assert (po.read_bytes(), mo.read_bytes()) == before
    assert sorted(p.name for p in po.parent.iterdir()) == [
        "django.mo",
        "django.po",
        "djangojs.mo",
        "djangojs.po",
    ]
