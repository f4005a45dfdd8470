"""The internal edition, the feedback reports and the data exports."""

import csv
import io
import json
import statistics
import zipfile
from unittest import mock

import pytest
from openpyxl import load_workbook

from reports.models import ReportJob
from reports.services.texts import feedback_remark_save
from reviews.models import ReviewerApplication
from tests.reports.conftest import REVIEWER_NAMES, justification
from tests.reports.helpers import build, keep_copy, pdf_reader, pdf_text

Kind = ReportJob.Kind


@pytest.fixture
def make(scored_workshop, staff, django_capture_on_commit_callbacks):
    def make(kind, name=None, organisation=None, **params):
        job = build(
            django_capture_on_commit_callbacks,
            workshop=scored_workshop["workshop"],
            kind=kind,
            params=params,
            user=staff,
            organisation=organisation,
        )
        if name:
            keep_copy(job, name)
        return job

    return make


def test_internal_edition_has_an_annex_per_evaluation(make):
    job = make(Kind.INTERNAL_EDITION, "internal.pdf", include_ai_office_only=True)
    text = pdf_text(job)

    assert "Annex: the evaluations one by one" in text
    for title in ("Attributed uplift study", "Anonymised red-team study", "Confidential study"):
        assert title in text
    for name in REVIEWER_NAMES:
        assert name in text
    assert justification("S3", 0, "REL-1") in text
    # Nothing is suppressed for staff: VAL-1 over two evaluations is shown.
    assert "Evaluations 2 Levels given 6 N/A 0 Mean 1.67" in text
    assert "Name the risk tiers explicitly." in text
    assert job.page_count == len(pdf_reader(job).pages)


def test_large_internal_edition_is_merged_in_parts_with_page_numbers_running_on(make):
    single = make(Kind.INTERNAL_EDITION, include_ai_office_only=True)
    with (
        mock.patch("reports.editions.internal.SINGLE_PASS_MAX", 1),
        mock.patch("reports.editions.internal.CHUNK", 2),
    ):
        merged = make(Kind.INTERNAL_EDITION, "internal-merged.pdf", include_ai_office_only=True)

    reader = pdf_reader(merged)
    assert merged.page_count == len(reader.pages)
    assert merged.page_count >= single.page_count - 1
    last = reader.pages[-1].extract_text()
    assert last.rstrip().endswith(str(merged.page_count))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    # Tagged parts merged (tests/reports/test_merged_edition.py): the text is unchanged.
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    text = pdf_text(merged)
    assert "Evaluations 2 Levels given 6 N/A 0 Mean 1.67" in text
    assert justification("S3", 0, "REL-1") in text
    for name in REVIEWER_NAMES:
        assert name in text


def test_feedback_report_shows_the_organisation_its_scores_against_the_cohort(
    make, scored_workshop, staff
):
    s1 = scored_workshop["submissions"]["S1"]
    feedback_remark_save(
        workshop=scored_workshop["workshop"],
        organisation=s1.organisation,
        remarks_md="Thank you: **clear scenario**.",
        user=staff,
    )

    job = make(Kind.FEEDBACK, "feedback-open-lab.pdf", organisation=s1.organisation)
    text = pdf_text(job)

    assert "Feedback to Open Lab" in text
    assert "Thank you: clear scenario." in text
    # REL-1 of S1: 2, 3, 3 (mean 2.67); all evaluations (AI-Office-only left out): 2.67, 3.00.
    assert "REL-1 2 3 3 2.67 2.67 3.00" in text
    # VAL-1 over all evaluations rests on two: suppressed; S1's own levels are shown.
    assert "VAL-1 1 1 2 1.33 fewer than 3 fewer than 3" in text
    # Labels print in small capitals (text-transform), hence the upper case.
    assert f"REVIEWER A {justification('S1', 0, 'REL-1')}" in text
    for other in ("Secret Provider Inc", "Anonymised red-team study", *REVIEWER_NAMES):
        assert other not in text
    assert "Aligned" not in text  # submitters never see tags
    root = pdf_reader(job).trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])


def test_feedback_is_generated_for_every_organisation_with_reviews(
    scored_workshop, staff, django_capture_on_commit_callbacks
):
    from reports.services.report_jobs import report_jobs_request_feedback

    with django_capture_on_commit_callbacks(execute=True):
        jobs = report_jobs_request_feedback(
            workshop=scored_workshop["workshop"], params={}, user=staff
        )

    assert sorted(job.organisation.name for job in jobs) == [
        "Hidden Agency",
        "Open Lab",
        "Quiet Institute",
        "Secret Provider Inc",
    ]
    assert {job.state for job in ReportJob.objects.filter(kind=Kind.FEEDBACK)} == {"done"}


def _csv_tables(job) -> dict[str, list[dict]]:
    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }


def test_scores_export_agrees_with_the_pdf(make, scored_workshop):
    tables = _csv_tables(make(Kind.SCORES_CSV))
    pdf = pdf_text(make(Kind.PUBLIC_SUMMARY))
    version = str(scored_workshop["criteria_set"].version)

    levels = [
        int(row["level"])
        for row in tables["scores"]
        if row["criterion"] == "REL-1"
        and row["version"] == version
        and row["confidentiality"] != "ai_office_only"
        and row["level"]
    ]
    assert len(levels) == 9
    assert f"Levels given 9 N/A 0 Mean {statistics.fmean(levels):.2f}" in pdf
    assert len(tables["scores"]) == 27  # REL-1 12 (3 AI Office only), VAL-1 6, ELI-2 9
    assert {row["reviewer"] for row in tables["scores"]} == set(
        ReviewerApplication.objects.filter(
            workshop=scored_workshop["workshop"], user__in=scored_workshop["reviewers"]
        ).values_list("code", flat=True)
    )


def test_exports_are_formula_injection_safe(make, scored_workshop):
    submission = scored_workshop["submissions"]["S1"]
    submission.title = '=HYPERLINK("http://127.0.0.1/x")'
    submission.save(update_fields=["title"])

    tables = _csv_tables(make(Kind.SCORES_CSV))
    xlsx_job = make(Kind.SCORES_XLSX)

    titles = [row["title"] for row in tables["submissions"]]
    assert '\'=HYPERLINK("http://127.0.0.1/x")' in titles
    with xlsx_job.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    cells = [row[1] for row in book["submissions"].iter_rows(min_row=2, values_only=False)]
    # The same safe text as the CSV (portal.csv.csv_safe), stored as a string.
    cell = next(c for c in cells if str(c.value).startswith("'=HYPERLINK"))
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://127.0.0.1/x")', "s")


def test_json_archive_holds_the_whole_workshop(make, scored_workshop):
    job = make(Kind.ARCHIVE_JSON)
    with job.file.open("rb") as handle:
        document = json.loads(handle.read())

    assert document["workshop"]["code"] == scored_workshop["workshop"].code
    assert len(document["scores"]) == 27
    assert {s["version"] for s in document["criteria_sets"]} >= {
        scored_workshop["criteria_set"].version
    }
    assert job.snapshot["reviews"] == 12
