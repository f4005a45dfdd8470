"""The feedback report shows an evaluation's final consolidated assessment before its
individual reviews (without the tag, which is for the AI Office); a draft or circulated one
is not shown."""

import pytest
from django.utils.html import escape

from reports.data import feedback_data
from reports.editions.feedback import feedback_html
from reviews.models import ConsolidatedAssessment, ConsolidatedScore
from tests.reports.conftest import justification


def _consolidate(scored_workshop, *, state):
    s1 = scored_workshop["submissions"]["S1"]
    criteria_set = scored_workshop["criteria_set"]
    assessment = ConsolidatedAssessment.objects.create(
        submission=s1, criteria_set=criteria_set, state=state
    )
    rel = criteria_set.criteria.get(code="REL-1")
    ConsolidatedScore.objects.create(
        assessment=assessment,
        criterion=rel,
        level=3,
        tag="refine",
        synthesis="CONSOLIDATED-SYNTHESIS of the three reviews",
    )
    return s1, rel


def test_the_final_consolidated_assessment_comes_first(scored_workshop):
    s1, rel = _consolidate(scored_workshop, state="final")
    data = feedback_data(workshop=scored_workshop["workshop"], organisation=s1.organisation)

    assert [(s.criterion, s.level) for s in data.consolidated[s1.pk]] == [(rel, 3)]
    assert data.snapshot()["consolidated_assessments"] == 1
    html = feedback_html(data, language="en")
    assert "Consolidated assessment of the reviewers" in html
    assert html.index("CONSOLIDATED-SYNTHESIS") < html.index(justification("S1", 0, "REL-1"))
    assert f"3 – {escape(rel.descriptor(3))}" in html
    assert "needs refinement" not in html


@pytest.mark.parametrize("state", ["draft", "circulated"])
def test_an_unfinished_one_is_left_out(scored_workshop, state):
    s1, _rel = _consolidate(scored_workshop, state=state)
    data = feedback_data(workshop=scored_workshop["workshop"], organisation=s1.organisation)

    assert data.consolidated == {}
    html = feedback_html(data, language="en")
    assert "CONSOLIDATED-SYNTHESIS" not in html
    assert "Consolidated assessment of the reviewers" not in html
