"""The public summary's "opportunities to refine" come from the criteria debate: decided
proposals per criterion (and new criteria), the proposer named only with consent, and
support counts suppressed below the group threshold like every other figure."""

import pytest

from debate.models import Proposal, ProposalStance
from reports import data as report_data
from reports.editions.summary import summary_html
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Outcome = Proposal.Outcome


def _proposal(workshop, criteria_set, author, title, **fields):
    fields.setdefault("criterion", criteria_set.criteria.get(code="REL-1"))
    return Proposal.objects.create(
        workshop=workshop,
        criteria_set=criteria_set,
        kind=fields.pop("kind", Proposal.Kind.REWORD),
        title=title,
        rationale="Because.",
        author=author,
        **fields,
    )


@pytest.fixture
def debated(scored_workshop, report_set):
    workshop = scored_workshop["workshop"]
    named = UserFactory(full_name="Nadia Named")
    unnamed = UserFactory(full_name="Ulrich Unnamed")
    main = _proposal(
        workshop,
        report_set,
        named,
        "Name the risk tiers",
        proposed_text="Risk tiers named explicitly",
        attribution_consent=True,
        outcome=Outcome.ACCEPTED,
    )
    _proposal(workshop, report_set, unnamed, "Split by tier", outcome=Outcome.NEEDS_MORE_WORK)
    _proposal(workshop, report_set, named, "Rejected idea", outcome=Outcome.REJECTED)
    _proposal(workshop, report_set, named, "Never decided")
    _proposal(
        workshop, report_set, named, "Duplicate idea", outcome=Outcome.ACCEPTED, duplicate_of=main
    )
    _proposal(
        workshop,
        report_set,
        unnamed,
        "Elicitation effort",
        kind=Proposal.Kind.ADD,
        criterion=None,
        outcome=Outcome.ACCEPTED_WITH_CHANGES,
    )
    for stance in ("support", "support", "object"):
        ProposalStance.objects.create(proposal=main, user=UserFactory(), stance=stance)
    return workshop


def _html(workshop, **kwargs):
    data = report_data.report_data(workshop=workshop, **kwargs)
    return data, summary_html(data, internal=False, language="en")


def test_decided_proposals_are_the_opportunities_to_refine(debated):
    data, html = _html(debated, min_group=3)
    (section,) = [s for s in data.sections if s.criterion.code == "REL-1"]
    assert [r.title for r in section.refinements] == ["Name the risk tiers", "Split by tier"]
    assert [r.title for r in data.new_criteria] == ["Elicitation effort"]
    for shown in ("Name the risk tiers", "Split by tier", "Elicitation effort"):
        assert shown in html
    for hidden in ("Rejected idea", "Never decided", "Duplicate idea"):
        assert hidden not in html
    assert "Supported by 2, opposed by 1." in html


def test_proposer_named_only_with_consent(debated):
    _data, html = _html(debated)
    assert "Proposed by Nadia Named." in html
    assert "Ulrich Unnamed" not in html


def test_support_counts_below_the_threshold_are_suppressed(debated):
    _data, html = _html(debated, min_group=5)
    assert "Supported by" not in html
    assert "Support and objections from fewer than 5 participants: not shown." in html
