"""The public summary's per-criterion tallies on either basis: every individual review's
score (the default), or each evaluation's final consolidated assessment; the method
section says which, and the basis is a report parameter."""

import pytest
from django.core.exceptions import ValidationError

from reports import data as report_data
from reports.editions.summary import summary_html
from reports.forms import GenerateForm
from reports.models import ReportJob
from reports.params import report_params_hash, report_params_normalise
from reviews.models import ConsolidatedAssessment, ConsolidatedScore

Kind = ReportJob.Kind


@pytest.fixture
def consolidated(scored_workshop):
    """REL-1 consolidated: S1 3 aligned, S2 2 gap (final); S3 4 (only circulated: left
    out); S4 0 (final, but AI Office only: out of the public scope)."""
    criteria_set = scored_workshop["criteria_set"]
    rel = criteria_set.criteria.get(code="REL-1")
    for key, level, tag, state in [
        ("S1", 3, "aligned", "final"),
        ("S2", 2, "gap", "final"),
        ("S3", 4, "refine", "circulated"),
        ("S4", 0, "gap", "final"),
    ]:
        assessment = ConsolidatedAssessment.objects.create(
            submission=scored_workshop["submissions"][key], criteria_set=criteria_set, state=state
        )
        ConsolidatedScore.objects.create(assessment=assessment, criterion=rel, level=level, tag=tag)
    return rel


def _rel(data):
    return next(s for s in data.sections if s.criterion.code == "REL-1")


def test_individual_reviews_by_default(scored_workshop, consolidated):
    data = report_data.report_data(workshop=scored_workshop["workshop"])

    section = _rel(data)
    assert (section.stats.count, round(section.stats.mean, 2), section.evaluations) == (9, 2.67, 3)
    assert data.snapshot()["basis"] == "individual"
    html = summary_html(data, internal=False, language="en")
    assert "the individual reviews" in html
    assert "its consolidated assessment" not in html


def test_consolidated_assessments(scored_workshop, consolidated):
    data = report_data.report_data(workshop=scored_workshop["workshop"], basis="consolidated")

    section = _rel(data)
    assert (section.stats.count, section.stats.mean, section.evaluations) == (2, 2.5, 2)
    assert dict(section.stats.tag_counts) == {"aligned": 1, "gap": 1, "refine": 0}
    # Who took part is still counted from the reviews.
    assert (data.evaluations, data.reviews) == (3, 9)
    assert data.snapshot()["consolidated_evaluations"] == 2
    html = summary_html(data, internal=False, language="en")
    assert "the consolidated assessments (2 evaluations)" in html
    assert "Evaluations without a final consolidated assessment are left out" in html


def test_the_ai_office_only_one_counts_when_staff_include_it(scored_workshop, consolidated):
    data = report_data.report_data(
        workshop=scored_workshop["workshop"], basis="consolidated", include_ai_office_only=True
    )

    assert _rel(data).stats.count == 3


def test_the_basis_is_a_parameter(scored_workshop):
    default = report_params_normalise(kind=Kind.PUBLIC_SUMMARY, params={})
    chosen = report_params_normalise(kind=Kind.PUBLIC_SUMMARY, params={"basis": "consolidated"})

    assert "basis" not in default  # jobs made before the basis keep their hash
    assert (
        report_params_normalise(kind=Kind.PUBLIC_SUMMARY, params={"basis": "individual"}) == default
    )
    assert chosen["basis"] == "consolidated"
    assert report_params_hash(chosen) != report_params_hash(default)
    with pytest.raises(ValidationError):
        report_params_normalise(kind=Kind.INTERNAL_EDITION, params={"basis": "votes"})


def test_staff_choose_the_basis_on_the_reports_page():
    form = GenerateForm({"kind": Kind.PUBLIC_SUMMARY, "language": "en", "basis": "consolidated"})

    assert form.is_valid(), form.errors
    normalised = report_params_normalise(kind=Kind.PUBLIC_SUMMARY, params=form.params())
    assert normalised["basis"] == "consolidated"
    assert not GenerateForm(
        {"kind": Kind.PUBLIC_SUMMARY, "language": "en", "basis": "x"}
    ).is_valid()
