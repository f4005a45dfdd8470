"""The public summary: its figures match the data, small groups are suppressed, consent is
respected, staff's Markdown is sanitised, and the PDF is tagged."""

import re

import pytest
from django.core.exceptions import ValidationError

from reports import data as report_data
from reports.editions.common import number
from reports.models import ReportJob
from reports.services.quotes import quote_select
from reports.services.texts import workshop_summary_save
from reviews.selectors.aggregates import workshop_aggregates
from tests.reports.conftest import REVIEWER_NAMES, justification
from tests.reports.helpers import build, keep_copy, pdf_reader, pdf_text

Kind = ReportJob.Kind


@pytest.fixture
def make_summary(scored_workshop, staff, django_capture_on_commit_callbacks):
    def make(name="public-summary.pdf", **params):
        job = build(
            django_capture_on_commit_callbacks,
            workshop=scored_workshop["workshop"],
            kind=Kind.PUBLIC_SUMMARY,
            params=params,
            user=staff,
        )
        keep_copy(job, name)
        return job

    return make


def test_public_summary_figures_match_the_data(make_summary):
    text = pdf_text(make_summary())

    assert "Evaluations 3 Reviewers 3 Reviews 9" in text
    assert "Evaluations 3 Levels given 9 N/A 0 Mean 2.67 Median 3.00 SD 0.87 Range 1–4" in text
    assert (
        "Aligned: 50 % (4 scores) Gap: 38 % (3 scores) Criterion needs refinement: 13 % (1 score)"
        in text
    )
    assert "Answers of 3 reviewers" in text
    assert "Is the criterion clear? 9 0 Is it applicable to the evaluation? 6 3" in text
    assert "3 suggested changes to the criterion." in text


def test_public_summary_agreement_equals_the_staff_page(make_summary, scored_workshop):
    # Without AI-Office-only evaluations: alpha of the three evaluations S1-S3.
    text = pdf_text(make_summary())
    data = report_data.report_data(workshop=scored_workshop["workshop"])
    alpha = data.sections[0].alpha

    assert alpha is not None
    assert f"REL-1 Systemic-risk relevance 3 {number(alpha)}" in text


def test_figures_with_ai_office_only_equal_workshop_aggregates(scored_workshop):
    data = report_data.report_data(
        workshop=scored_workshop["workshop"], include_ai_office_only=True
    )
    staff_page = workshop_aggregates(workshop=scored_workshop["workshop"])[0]

    assert staff_page.criteria_set == data.criteria_set
    assert staff_page.review_count == data.reviews
    for section, row in zip(data.sections, staff_page.criteria_rows, strict=True):
        assert section.criterion == row.criterion
        assert section.stats == row.stats
        assert section.alpha == row.alpha
        assert section.evaluations == row.submission_count
        assert section.disagreement_count == row.disagreement_count


def test_ai_office_only_evaluations_count_only_when_staff_choose(make_summary):
    without = pdf_text(make_summary())
    with_them = pdf_text(make_summary("with-ai-office-only.pdf", include_ai_office_only=True))

    assert "1 evaluation shared with the AI Office only is not included." in without
    assert "Evaluations 4 Reviewers 3 Reviews 12" in with_them
    assert "Levels given 12 N/A 0 Mean 2.00" in with_them
    assert "Evaluations shared with the AI Office only are included in the figures." in with_them


def test_groups_below_the_threshold_are_suppressed(make_summary):
    text = pdf_text(make_summary())

    # VAL-1 was scored on two evaluations only; its mean (1.67) must not appear.
    assert "Scored on fewer than 3 evaluations: not shown." in text
    assert "1.67" not in text
    # Organisation types: three research institutions shown; the public body is excluded.
    assert "Research institution 3 2.50 50 % 38 % 13 %" in text


def test_threshold_is_a_setting(make_summary, settings):
    settings.REPORT_MIN_GROUP_SIZE = 2

    text = pdf_text(make_summary("threshold-2.pdf"))

    assert "Evaluations 2 Levels given 6 N/A 0 Mean 1.67" in text
    assert "Scored on fewer than" not in text


def test_heatmap_cells_are_suppressed_below_the_threshold(scored_workshop):
    data = report_data.report_data(workshop=scored_workshop["workshop"])
    codes = [area.code for area in data.risk_areas]
    rel = data.heatmap[0]

    assert codes == ["cbrn", "cyber_offence"]
    assert (rel.cells[0].size, rel.cells[0].suppressed, round(rel.cells[0].value, 2)) == (
        3,
        False,
        2.67,
    )
    assert (rel.cells[1].size, rel.cells[1].suppressed) == (2, True)


def test_only_consenting_submitters_are_named(make_summary, scored_workshop):
    text = pdf_text(make_summary(include_ai_office_only=True))

    assert "Attributed uplift study (Open Lab)" in text
    for secret in (
        "Secret Provider Inc",
        "Quiet Institute",
        "Anonymised red-team study",
        "Uncited agentic study",
        "Hidden Agency",  # attributed, but shared with the AI Office only
        "Confidential study",
    ):
        assert secret not in text
    assert "3 further evaluations are counted without naming them." in text


def test_no_reviewer_is_named(make_summary):
    text = pdf_text(make_summary())

    for name in [*REVIEWER_NAMES, "Drafty McDraft"]:
        assert name not in text
    assert "@example.org" not in text


def test_selected_quotes_appear_anonymised(make_summary, scored_workshop, staff):
    scores = scored_workshop["scores"]
    quote_select(workshop=scored_workshop["workshop"], score=scores[("S2", 0, "REL-1")], user=staff)

    text = pdf_text(make_summary("with-quote.pdf"))

    assert f"GAP {justification('S2', 0, 'REL-1')}" in text
    assert "Anonymised red-team study" not in text


def test_justifications_of_uncited_evaluations_cannot_be_quoted(scored_workshop, staff):
    scores = scored_workshop["scores"]

    for key in (("S3", 0, "REL-1"), ("S4", 0, "REL-1")):  # not_cited; AI Office only
        with pytest.raises(ValidationError):
            quote_select(workshop=scored_workshop["workshop"], score=scores[key], user=staff)


def test_quote_disappears_when_consent_is_withdrawn(make_summary, scored_workshop, staff):
    score = scored_workshop["scores"][("S2", 0, "REL-1")]
    quote_select(workshop=scored_workshop["workshop"], score=score, user=staff)
    submission = scored_workshop["submissions"]["S2"]
    submission.summary_consent = "not_cited"
    submission.save(update_fields=["summary_consent"])

    text = pdf_text(make_summary())

    assert justification("S2", 0, "REL-1") not in text


def test_staff_markdown_is_rendered_and_sanitised(make_summary, scored_workshop, staff):
    workshop_summary_save(
        workshop=scored_workshop["workshop"],
        executive_summary_md=(
            "# Key finding\n\nEvaluations **rarely** report uncertainty."
            "<script>alert('x')</script>\n\n![tracker](http://127.0.0.1:9/pixel.png)"
        ),
        insights_md="- Elicitation needs a shared protocol.",
        user=staff,
    )

    text = pdf_text(make_summary("markdown.pdf"))

    assert "Key finding Evaluations rarely report uncertainty." in text
    assert "Elicitation needs a shared protocol." in text
    assert "alert" not in text
    assert "tracker" not in text


def test_contents_have_page_numbers_and_pages_have_running_numbers(make_summary):
    job = make_summary()
    text = pdf_text(job)
    pages = job.page_count

    # Chapters no longer open a page each: Method follows the executive summary on page 3.
    assert re.search(r"Method \.{5,} 3 ", text)
    assert f"2 / {pages}" in text
    assert f"{pages} / {pages}" in text


def test_contents_point_to_the_pages_the_headings_are_on(make_summary):
    reader = pdf_reader(make_summary())
    page_texts = [page.extract_text() for page in reader.pages]
    contents = re.sub(r"\s+", " ", page_texts[1])
    headings = [
        "Executive summary",
        "Method",
        "Workshop insights",
        "Results per criterion",
        "REL-1 Systemic-risk relevance",
        "ELI-2 Mitigation robustness",
        "Criteria and risk areas",
        "By type of organisation",
        "Agreement between reviewers",
    ]

    for heading in headings:
        listed = int(re.search(re.escape(heading) + r" \.{3,} (\d+)", contents).group(1))
        # The first page after the contents with the heading on a line of its own: the
        # running header never names a chapter before the page it opens on.
        found = next(
            number
            for number, page in enumerate(page_texts[2:], start=3)
            if re.search(rf"^{re.escape(heading)}$", page, re.M)
        )
        assert (heading, listed) == (heading, found)


def test_public_summary_is_a_tagged_pdf_with_a_language(make_summary):
    reader = pdf_reader(make_summary())
    root = reader.trailer["/Root"]

    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert reader.metadata.title == "Frontier evaluations workshop 2027: Public summary"


def test_snapshot_records_what_the_report_was_built_from(make_summary, scored_workshop):
    job = make_summary()

    snapshot = dict(job.snapshot)
    assert snapshot.pop("generated_at")
    assert snapshot == {
        "basis": "individual",
        "consolidated_evaluations": 0,
        "evaluations": 3,
        "reviewers": 3,
        "reviews": 9,
        "criteria_set_version": scored_workshop["criteria_set"].version,
        "criteria_set_title": "Proportionality criteria",
        "include_ai_office_only": False,
        "excluded_ai_office_only": 1,
        "min_group_size": 3,
    }
