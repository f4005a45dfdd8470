"""The data exports agree with the public summary: every figure the PDF prints is computed
again here from the exported rows alone (scores in long form, submissions, the JSON's
criteria) and found in the PDF's text; what the PDF suppresses or leaves out is absent.
The three formats hold the same rows, and none of them can run a formula."""

import csv
import io
import json
import re
import statistics
import zipfile
from collections import Counter, defaultdict

import pytest
from openpyxl import load_workbook

from portal.models import Organisation
from reports.editions.common import fewer_than, number, percent
from reports.models import ReportJob
from reviews.models import ReviewerApplication
from submissions.models import RiskArea
from tests.reports.helpers import build, keep_copy, pdf_text

Kind = ReportJob.Kind
AI_OFFICE_ONLY = "ai_office_only"
TAGS = ("aligned", "gap", "refine")
# What a spreadsheet runs as a formula when a cell starts with it (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def make(scored_workshop, staff, django_capture_on_commit_callbacks):
    def make(kind, **params):
        return build(
            django_capture_on_commit_callbacks,
            workshop=scored_workshop["workshop"],
            kind=kind,
            params=params,
            user=staff,
        )

    return make


def _text(value) -> str:
    return "" if value is None else str(value)


def _read(job) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def csv_tables(job) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(_read(job))) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }


def xlsx_tables(job) -> dict[str, list[dict[str, str]]]:
    book = load_workbook(io.BytesIO(_read(job)))
    tables = {}
    for sheet in book.worksheets:
        header, *rows = sheet.iter_rows(values_only=True)
        tables[sheet.title] = [
            dict(zip(header, (_text(value) for value in row), strict=True)) for row in rows
        ]
    return tables


def json_document(job) -> dict:
    return json.loads(_read(job))


def json_tables(document: dict) -> dict[str, list[dict[str, str]]]:
    return {
        name: [{key: _text(value) for key, value in row.items()} for row in document[name]]
        for name in ("scores", "submissions", "reviewers", "attendees")
    }


def _as_values(tables) -> dict:
    """Numbers compared as numbers: XLSX gives back a mean confidence of 3.0 as 3."""

    def value(text: str):
        try:
            return float(text)
        except ValueError:
            return text

    return {
        name: [{key: value(text) for key, text in row.items()} for row in rows]
        for name, rows in tables.items()
    }


# --- the figures, from the exported rows alone ----------------------------------------------


def included_scores(tables, *, version: int, include_ai_office_only: bool) -> list[dict]:
    return [
        row
        for row in tables["scores"]
        if row["version"] == str(version)
        and (include_ai_office_only or row["confidentiality"] != AI_OFFICE_ONLY)
    ]


def _levels(rows) -> list[int]:
    return [int(row["level"]) for row in rows if row["not_applicable"] == "no" and row["level"]]


def _evaluations(rows) -> int:
    return len(
        {row["submission"] for row in rows if row["not_applicable"] == "no" and row["level"]}
    )


def _tag_counts(rows) -> Counter:
    return Counter(row["tag"] for row in rows if row["tag"])


def _mean_cell(rows, *, min_group: int) -> str:
    size = _evaluations(rows)
    if 0 < size < min_group:
        return fewer_than(min_group)
    return number(statistics.fmean(_levels(rows))) if size else "–"


def _share_cell(rows, tag: str, *, min_group: int) -> str:
    if 0 < _evaluations(rows) < min_group:
        return fewer_than(min_group)
    counts = _tag_counts(rows)
    return percent(counts[tag] / sum(counts.values())) if counts else "–"


# --- the figures, as the PDF prints them ----------------------------------------------------


def shown_criteria(text: str) -> dict[str, dict]:
    """The statistics and the text of each criterion whose figures the PDF shows, from its
    key figures up to the next shown criterion's (a criterion without figures prints
    neither key figures nor a chart)."""
    stats = list(
        re.finditer(
            r"Evaluations (\d+) Levels given (\d+) N/A (\d+) Mean (\S+) Median (\S+) SD \S+ "
            r"Range \S+ Levels given to (\S+), stacked by tag",
            text,
        )
    )
    end = text.index("Mean level per criterion over the evaluations")
    result = {}
    for match, following in zip(stats, [*stats[1:], None], strict=True):
        evaluations, count, na, mean, median, code = match.groups()
        result[code] = {
            "evaluations": int(evaluations),
            "count": int(count),
            "na": int(na),
            "mean": mean,
            "median": median,
            "text": text[match.end() : following.start() if following else end],
        }
    return result


# --- the tests ------------------------------------------------------------------------------


def test_the_three_formats_hold_the_same_rows(make):
    from_csv = csv_tables(make(Kind.SCORES_CSV))
    from_xlsx = xlsx_tables(make(Kind.SCORES_XLSX))
    from_json = json_tables(json_document(make(Kind.ARCHIVE_JSON)))

    assert len(from_csv["scores"]) == 27
    assert _as_values(from_xlsx) == _as_values(from_csv)
    assert _as_values(from_json) == _as_values(from_csv)


@pytest.mark.parametrize(
    ("include_ai_office_only", "min_group"),
    [
        (False, 3),  # VAL-1 and ELI-2 rest on two evaluations each: suppressed
        (True, 3),
        (False, 2),  # every criterion shown, ELI-2 with N/A and without tags
    ],
)
def test_public_summary_figures_equal_the_exports(
    make, scored_workshop, settings, include_ai_office_only, min_group
):
    settings.REPORT_MIN_GROUP_SIZE = min_group
    summary = make(Kind.PUBLIC_SUMMARY, include_ai_office_only=include_ai_office_only)
    keep_copy(summary, f"consistency-{include_ai_office_only}-{min_group}.pdf")
    pdf = pdf_text(summary)
    tables = csv_tables(make(Kind.SCORES_CSV))
    document = json_document(make(Kind.ARCHIVE_JSON))
    version = summary.snapshot["criteria_set_version"]
    assert summary.snapshot["min_group_size"] == min_group
    rows = included_scores(tables, version=version, include_ai_office_only=include_ai_office_only)
    submissions = {row["submission"]: row for row in tables["submissions"]}
    (criteria_set,) = [s for s in document["criteria_sets"] if s["version"] == version]

    # Method: evaluations, reviewers, reviews.
    evaluations = len({row["submission"] for row in rows})
    reviewers = len({row["reviewer"] for row in rows})
    reviews = len({row["review"] for row in rows})
    assert (evaluations, reviewers, reviews) == (
        (4, 3, 12) if include_ai_office_only else (3, 3, 9)
    )
    assert f"Evaluations {evaluations} Reviewers {reviewers} Reviews {reviews}" in pdf
    # AI-Office-only evaluations: counted only when staff choose, else said to be left out.
    left_out = {
        row["submission"]
        for row in tables["scores"]
        if row["version"] == str(version) and row["confidentiality"] == AI_OFFICE_ONLY
    }
    assert len(left_out) == 1
    if include_ai_office_only:
        assert left_out <= {row["submission"] for row in rows}
        assert "Evaluations shared with the AI Office only are included in the figures." in pdf
    else:
        assert not left_out & {row["submission"] for row in rows}
        assert "1 evaluation shared with the AI Office only is not included." in pdf

    # Per criterion: key figures, levels per tag, tag shares and counts; or suppression.
    shown = shown_criteria(pdf)
    for criterion in criteria_set["criteria"]:
        code = criterion["code"]
        criterion_rows = [row for row in rows if row["criterion"] == code]
        levels = _levels(criterion_rows)
        if not levels:
            assert code not in shown
            continue
        if _evaluations(criterion_rows) < min_group:
            # Suppressed: neither its figures nor its chart, and its mean nowhere.
            assert code not in shown
            assert f"Levels given to {code}," not in pdf
            assert number(statistics.fmean(levels)) not in pdf
            continue
        figures = shown.pop(code)
        assert (
            figures["evaluations"],
            figures["count"],
            figures["na"],
            figures["mean"],
            figures["median"],
        ) == (
            _evaluations(criterion_rows),
            len(levels),
            sum(1 for row in criterion_rows if row["not_applicable"] == "yes"),
            number(statistics.fmean(levels)),
            number(statistics.median(levels)),
        )
        for item in criterion["levels"]:
            at_level = [row for row in criterion_rows if row["level"] == str(item["level"])]
            tags = Counter(row["tag"] for row in at_level)
            expected = " ".join(
                str(value)
                for value in (
                    item["level"],
                    item["descriptor"],
                    len(at_level),
                    *(tags[tag] for tag in TAGS),
                    tags[""],
                )
            )
            assert expected in figures["text"], (code, expected)
        counts = _tag_counts(criterion_rows)
        if counts:
            tagged = sum(counts.values())
            expected = " ".join(
                f"{label}: {percent(counts[tag] / tagged)} ({counts[tag]} "
                f"score{'' if counts[tag] == 1 else 's'})"
                for tag, label in zip(
                    TAGS, ("Aligned", "Gap", "Criterion needs refinement"), strict=True
                )
            )
            assert expected in figures["text"], code
        else:
            assert "No score of this criterion carries a tag." in figures["text"]
    assert shown == {}  # the PDF shows no figures the exports cannot account for

    # Criteria x risk areas, from the submissions' risk areas.
    areas = defaultdict(set)
    for code, submission in submissions.items():
        for area in filter(None, submission["risk_areas"].split(";")):
            areas[area].add(code)
    covered = {area for area, codes in areas.items() if codes & {row["submission"] for row in rows}}
    columns = list(RiskArea.objects.filter(code__in=covered).order_by("position", "code"))
    for criterion in criteria_set["criteria"]:
        cells = [
            _mean_cell(
                [
                    row
                    for row in rows
                    if row["criterion"] == criterion["code"]
                    and row["submission"] in areas[area.code]
                ],
                min_group=min_group,
            )
            for area in columns
        ]
        assert f"{criterion['code']} {' '.join(cells)}" in pdf

    # By type of organisation.
    for value, label in Organisation.Type.choices:
        type_rows = [
            row for row in rows if submissions[row["submission"]]["organisation_type"] == value
        ]
        if not type_rows:
            continue
        size = len({row["submission"] for row in type_rows})
        cells = [
            fewer_than(min_group) if size < min_group else str(size),
            _mean_cell(type_rows, min_group=min_group),
            *(_share_cell(type_rows, tag, min_group=min_group) for tag in TAGS),
        ]
        assert f"{label} {' '.join(cells)}" in pdf


def test_reviewers_export_accounts_for_the_reviews_in_the_summary(make, scored_workshop):
    summary = make(Kind.PUBLIC_SUMMARY, include_ai_office_only=True)
    tables = csv_tables(make(Kind.SCORES_CSV))

    counted = [row for row in tables["reviewers"] if int(row["submitted_reviews"])]

    assert len(counted) == summary.snapshot["reviewers"] == 3
    assert sum(int(row["submitted_reviews"]) for row in counted) == summary.snapshot["reviews"]
    assert {row["reviewer"] for row in counted} == set(
        ReviewerApplication.objects.filter(
            workshop=scored_workshop["workshop"], user__in=scored_workshop["reviewers"]
        ).values_list("code", flat=True)
    )


PAYLOADS = {
    "title": '=HYPERLINK("http://127.0.0.1/x","click")',
    "organisation": "+1+1",
    "model": "-2+3",
    "reviewer": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
}


def test_every_export_cell_is_formula_injection_safe(make, scored_workshop):
    submission = scored_workshop["submissions"]["S1"]
    submission.title = PAYLOADS["title"]
    submission.model_name = PAYLOADS["model"]
    submission.save(update_fields=["title", "model_name"])
    submission.organisation.name = PAYLOADS["organisation"]
    submission.organisation.save(update_fields=["name"])
    reviewer = scored_workshop["reviewers"][0]
    reviewer.full_name = PAYLOADS["reviewer"]
    reviewer.save(update_fields=["full_name"])
    scored_workshop["submissions"]["S2"].organisation.name = PAYLOADS["tab"]
    scored_workshop["submissions"]["S2"].organisation.save(update_fields=["name"])

    from_csv = csv_tables(make(Kind.SCORES_CSV))
    xlsx_job = make(Kind.SCORES_XLSX)
    from_xlsx = xlsx_tables(xlsx_job)
    book = load_workbook(io.BytesIO(_read(xlsx_job)))

    for tables in (from_csv, from_xlsx):
        cells = [value for rows in tables.values() for row in rows for value in row.values()]
        assert [value for value in cells if value.startswith(FORMULA_PREFIXES)] == []
        for payload in PAYLOADS.values():
            assert cells.count("'" + payload) >= 1, payload
    assert [
        cell.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ] == []
    # The JSON archive keeps the text as typed (it is not opened by spreadsheets).
    document = json_document(make(Kind.ARCHIVE_JSON))
    assert PAYLOADS["title"] in {row["title"] for row in document["submissions"]}
