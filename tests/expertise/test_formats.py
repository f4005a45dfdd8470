"""Each import format on files written for these tests, the broken ones included."""

from pathlib import Path

import pytest

from expertise.formats import PARSERS, ImportProblem
from expertise.formats.base import MAX_ENTRIES, clean_doi, clean_url, title_key
from expertise.formats.latex import latex_to_text

FILES = Path(__file__).parent / "files"


def _parse(source: str, name: str):
    return PARSERS[source]((FILES / name).read_bytes())


def _problem(source: str, data: bytes) -> str:
    with pytest.raises(ImportProblem) as caught:
        PARSERS[source](data)
    return caught.value.message


# --- BibTeX --------------------------------------------------------------------------------
def test_bibtex_reads_entries_with_accents_macros_and_concatenation():
    entries = _parse("bibtex", "publications.bib")

    assert [(e.title, e.year, e.venue) for e in entries] == [
        (
            "Schön Bayesian Red-Teaming of Large Language Models",
            2021,
            "Journal of AI Safety & Evaluation",
        ),
        (
            "Capability Elicitation for Cyber-Offence Benchmarks",
            2023,
            "Advances in Neural Information Processing Systems 36",
        ),
        ("", 2020, ""),
        ("Schön Bayesian red-teaming of large language models", 2021, "arXiv"),
    ]
    assert entries[0].doi == "10.5555/jais.2021.0042"
    assert entries[0].abstract == "We probe models with adversarial prompts — at scale."
    assert entries[1].url == "https://proceedings.example.org/2023/garcon"


def test_bibtex_unclosed_brace_names_the_entry_and_its_line():
    message = _problem("bibtex", (FILES / "unclosed.bib").read_bytes())

    assert message == (
        "Line 10, in the entry “broken2021” (from line 6): the file ends inside this entry "
        "(is a closing brace missing?)."
    )


def test_bibtex_missing_comma_names_the_field():
    message = _problem("bibtex", (FILES / "missing_comma.bib").read_bytes())

    assert message == (
        "Line 3, in the entry “first2019” (from line 1): a comma or the end of the entry is "
        "expected after the field “title”."
    )


def test_bibtex_not_utf8_names_the_line():
    message = _problem("bibtex", (FILES / "latin1.bib").read_bytes())

    assert message.startswith("The file is not UTF-8 text (the first unreadable byte is on line 2)")


def test_bibtex_plain_text_is_not_a_bibtex_file():
    message = _problem("bibtex", b"Just some notes about my papers.\n")

    assert message == "The file holds no BibTeX entry (each starts with @article{ or similar)."


def test_bibtex_unclosed_quote():
    message = _problem("bibtex", b'@article{q1,\n  title = "Never closed,\n  year = 2020\n}\n')

    assert (
        message == 'Line 2, in the entry “q1” (from line 1): a quotation mark “"” is never closed.'
    )


def test_bibtex_javascript_url_is_not_kept():
    (entry,) = PARSERS["bibtex"](b"@misc{j, title={T}, url={javascript:alert(1)}}")

    assert (entry.title, entry.url) == ("T", "")


def test_bibtex_too_many_entries_refused():
    data = "".join(f"@misc{{k{i}, title={{T{i}}}}}\n" for i in range(MAX_ENTRIES + 1)).encode()

    message = _problem("bibtex", data)

    assert message.startswith(f"The file holds more than {MAX_ENTRIES} entries.")


def test_bibtex_long_fields_are_truncated_to_the_columns():
    data = ("@misc{long, title={" + "word " * 200 + "}, journal={" + "v" * 400 + "}}").encode()

    (entry,) = PARSERS["bibtex"](data)

    assert (len(entry.title), entry.title[-1]) == (500, "…")
    assert len(entry.venue) == 300


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Sch{\"o}n", "Schön"),
        (r"\'Ecole", "École"),
        (r"{\aa}ngstr{\"o}m", "ångström"),
        (r"Erd\H{o}s", "Erdős"),
        (r"\v{S}koda", "Škoda"),
        (r"na\"{\i}ve", "naïve"),
        (r"\c{c}a", "ça"),
        (r"\L{}ukasz", "Łukasz"),
        (r"A \& B, 50\%", "A & B, 50%"),
        (r"$\alpha$-tuning", "α-tuning"),
        (r"\emph{Deep} {B}ayes~nets", "Deep Bayes nets"),
        ("pre--post---done", "pre–post—done"),
    ],
)
def test_latex_to_text(latex, text):
    assert latex_to_text(latex) == text


# --- ORCID ---------------------------------------------------------------------------------
def test_orcid_record_takes_the_first_summary_of_each_group():
    entries = _parse("orcid", "orcid_record.json")

    assert [(e.title, e.year, e.venue, e.doi, e.url) for e in entries] == [
        (
            "Schön Bayesian Red-Teaming of Large Language Models",
            2021,
            "Journal of AI Safety & Evaluation",
            "10.5555/jais.2021.0042",
            "https://journal.example.org/jais/42",
        ),
        ("Measuring Deception in Frontier Models", 2024, "", "", ""),
        ("", None, "", "", ""),
    ]


def test_orcid_bulk_works_with_abstract():
    (entry,) = _parse("orcid", "orcid_works_bulk.json")

    assert entry.title == "Evaluating Biological Uplift of Chat Assistants"
    assert entry.abstract == "A controlled study of uplift with expert baselines."
    assert (entry.year, entry.doi) == (2025, "10.5555/bio.2025.7")


def test_orcid_wrong_shape():
    message = _problem("orcid", (FILES / "orcid_wrong_shape.json").read_bytes())

    assert message == (
        "The file is JSON, but not an ORCID record (activities-summary.works.group was not "
        "found). Check that you chose the right format."
    )


def test_orcid_broken_json_names_line_and_column():
    message = _problem("orcid", (FILES / "broken.json").read_bytes())

    assert message == "The file is not valid JSON: Expecting value (line 2, column 21)."


def test_orcid_not_utf8():
    message = _problem("orcid", '{"group": ["caf\u00e9"]}'.encode("latin-1"))

    assert message.startswith("The file is not UTF-8 text")


def test_orcid_deeply_nested_json_is_refused_not_a_crash():
    message = _problem("orcid", b"[" * 100_000 + b"]" * 100_000)

    assert message == "The file is not valid JSON: it is nested too deeply."


# --- DBLP ----------------------------------------------------------------------------------
def test_dblp_person_page():
    entries = _parse("dblp", "dblp_person.xml")

    assert [(e.title, e.year, e.venue, e.doi, e.url) for e in entries] == [
        (
            "Schön Bayesian Red-Teaming of Large Language Models",
            2021,
            "J. AI Saf. Eval.",
            "10.5555/jais.2021.0042",
            "https://doi.org/10.5555/jais.2021.0042",
        ),
        (
            "Scaling H2 Probes for Dangerous Capabilities",
            2023,
            "NeurIPS",
            "",
            "https://proceedings.example.org/2023/probes",
        ),
        ("Proceedings of the Evaluation Workshop 2024", 2024, "Example Press", "", ""),
    ]


@pytest.mark.parametrize("name", ["dblp_bomb.xml", "dblp_external_entity.xml"])
def test_dblp_entities_refused(name):
    message = _problem("dblp", (FILES / name).read_bytes())

    assert message.startswith("The file declares XML entities or refers to other files.")


def test_dblp_broken_xml_names_line_and_column():
    message = _problem("dblp", (FILES / "dblp_broken.xml").read_bytes())

    assert message == "The file is not valid XML (line 3, column 61)."


def test_dblp_other_xml_is_not_a_dblp_export():
    message = _problem("dblp", (FILES / "not_dblp.xml").read_bytes())

    assert message.startswith("The file is XML, but not a DBLP export (it starts with <rss>")


def test_dblp_invalid_utf8_is_an_xml_error():
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n<dblpperson><r><article><title>Caf\xe9'
    data += b"</title></article></r></dblpperson>"

    assert _problem("dblp", data).startswith("The file is not valid XML (line 2,")


# --- OpenReview ----------------------------------------------------------------------------
def test_openreview_notes_with_wrapped_values():
    entries = _parse("openreview", "openreview_notes.json")

    assert [(e.title, e.year, e.venue) for e in entries] == [
        ("Sandbagging Detection in Capability Evaluations", 2024, "ICLR 2024 poster"),
        ("Sandbagging detection in capability evaluations", 2023, "Submitted to ICLR 2024"),
        ("", None, ""),
    ]
    assert entries[0].abstract == "Models may underperform on purpose. We detect it."
    assert entries[0].url == "https://openreview.net/forum?id=aB3dE5fG7h"


def test_openreview_json_lines_with_plain_values():
    entries = _parse("openreview", "openreview_archive.jsonl")

    assert [(e.title, e.year, e.abstract) for e in entries] == [
        ("Red Lines for Autonomous Replication", 2021, "Thresholds and tests."),
        ("Model Organisms of Misalignment", 2022, ""),
    ]


def test_openreview_profile_without_publications():
    message = _problem("openreview", (FILES / "openreview_wrong_shape.json").read_bytes())

    assert message.startswith("The file is an OpenReview profile without its publications.")


def test_openreview_wrong_shape():
    message = _problem("openreview", b'{"title": "Not a note"}')

    assert message.startswith("The file is JSON, but not an OpenReview export")


def test_openreview_broken_json_line():
    message = _problem("openreview", b'{"content": {"title": "A"}}\n{"content": \n')

    assert message.startswith("Line 2 is not valid JSON:")


# --- shared clean-ups ----------------------------------------------------------------------
def test_clean_doi_and_url():
    assert clean_doi("https://doi.org/10.1234/ABC.5") == "10.1234/ABC.5"
    assert clean_doi("doi:10.1234/x") == "10.1234/x"
    assert clean_doi("not a doi") == ""
    assert clean_url("file:///etc/passwd") == ""
    assert clean_url("https://example.org/a") == "https://example.org/a"


def test_title_key_ignores_case_accents_and_punctuation():
    assert title_key("Schön  Bayesian: Red-Teaming!") == title_key("schon bayesian red teaming")


def test_bibtex_at_sign_in_text_between_entries_is_a_comment():
    data = b"Contact me@example.org with questions.\n@article{a, title={Kept}}\n"

    assert [entry.title for entry in PARSERS["bibtex"](data)] == ["Kept"]


def test_bibtex_known_type_without_brace_is_named():
    message = _problem("bibtex", b"\n@article first2019, title={T}}\n")

    assert message == "Line 2: “{” expected after @article."


def test_orcid_list_of_works():
    data = (
        b'[{"title": {"title": {"value": "One"}}, "publication-date": {"year": {"value": "2020"}}},'
        b' {"work": {"title": {"title": {"value": "Two"}}}}, "not a work"]'
    )

    entries = PARSERS["orcid"](data)

    assert [(e.title, e.year) for e in entries] == [("One", 2020), ("Two", None), ("", None)]


# --- hostile files that once ended in a server error ---------------------------------------


def test_bibtex_abbreviations_that_double_at_each_step_are_refused_quickly():
    lines = ["@string{m0 = {xxxxxxxx}}"]
    lines += [f"@string{{m{i} = m{i - 1} # m{i - 1}}}" for i in range(1, 60)]
    lines.append("@article{key, title = m59}")
    message = _problem("bibtex", "\n".join(lines).encode())

    assert "a value built from abbreviations is longer than the file" in message


def test_orcid_number_too_long_to_read_is_refused_not_a_crash():
    message = _problem("orcid", b'{"group": [' + b"9" * 5000 + b"]}")

    assert message == "The file is not valid JSON: it holds a number too long to read."


def test_openreview_json_lines_nested_too_deeply_on_a_later_line():
    data = b'{"content": {}}\n' + b"[" * 5000 + b"]" * 5000
    message = _problem("openreview", data)

    assert message == "The file is not valid JSON: it is nested too deeply."


def test_dblp_unknown_encoding_is_refused_with_a_message():
    data = b'<?xml version="1.0" encoding="x-foo"?><dblpperson name="A"></dblpperson>'
    message = _problem("dblp", data)

    assert message == (
        "The file names a character encoding the portal cannot read. Save it as UTF-8."
    )
