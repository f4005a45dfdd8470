"""The next criteria version in one step from the accepted proposals, each changed
criterion linking back to its proposals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from criteria.selectors import criteria_set_current
from debate import services
from debate.models import Proposal

from .conftest import make_proposal

pytestmark = pytest.mark.django_db

ACCEPTED = Proposal.Outcome.ACCEPTED


def _next(workshop, staff, *proposals):
    return services.criteria_set_next_from_proposals(
        workshop=workshop, proposals=list(proposals), user=staff
    )


def test_each_kind_is_applied_and_linked(workshop, criteria_set, participant, staff):
    c = {code: criteria_set.criteria.get(code=code) for code in ("REL-1", "REL-2", "VAL-1")}
    reword = make_proposal(
        workshop,
        participant,
        criterion=c["REL-1"],
        proposed_text="Uncertainty reported\nConfidence intervals or equivalent.",
        outcome=ACCEPTED,
    )
    anchor = make_proposal(
        workshop,
        participant,
        kind="anchor",
        criterion=c["REL-2"],
        level=4,
        proposed_text="Independently replicated",
        outcome=Proposal.Outcome.ACCEPTED_WITH_CHANGES,
    )
    drop = make_proposal(workshop, participant, kind="drop", criterion=c["VAL-1"], outcome=ACCEPTED)
    add = make_proposal(
        workshop,
        participant,
        kind="add",
        criterion=None,
        proposed_text="Elicitation effort\nHow hard did the evaluators try?",
        outcome=ACCEPTED,
    )
    rejected = make_proposal(workshop, participant, outcome=Proposal.Outcome.REJECTED)

    with pytest.raises(PermissionDenied):
        _next(workshop, staff, reword, rejected)
    with pytest.raises(PermissionDenied):
        _next(workshop, participant, reword)

    result = _next(workshop, staff, reword, anchor, drop, add)
    new_set = result.criteria_set
    assert new_set.version == criteria_set.version + 1
    assert criteria_set_current(workshop=workshop) == new_set
    assert result.left == []

    reworded = new_set.criteria.get(code="REL-1")
    assert (reworded.title, reworded.description) == (
        "Uncertainty reported",
        "Confidence intervals or equivalent.",
    )
    assert list(reword.resulting_criteria.all()) == [reworded]
    assert new_set.criteria.get(code="REL-2").descriptor(4) == "Independently replicated"
    assert list(anchor.resulting_criteria.all()) == [new_set.criteria.get(code="REL-2")]
    assert not new_set.criteria.filter(code="VAL-1").exists()
    created = add.resulting_criteria.get()
    assert created.criteria_set == new_set
    assert (created.code, created.title) == ("NEW-2", "Elicitation effort")
    assert created.level_values == c["REL-1"].level_values
    # The old version is unchanged, and each criterion knows its proposals.
    assert criteria_set.criteria.get(code="REL-1").title == c["REL-1"].title
    assert list(reworded.source_proposals.all()) == [reword]
    for proposal in (reword, anchor, drop, add):
        proposal.refresh_from_db()
        assert proposal.applied_in == new_set
    # Applied once only.
    with pytest.raises(ValidationError, match="already applied"):
        _next(workshop, staff, reword)


def test_split_and_merge(workshop, criteria_set, participant, staff):
    split = make_proposal(
        workshop,
        participant,
        kind="split",
        criterion=criteria_set.criteria.get(code="REL-1"),
        proposed_text="Statistical uncertainty\n\nRun-to-run variance",
        outcome=ACCEPTED,
    )
    merge = make_proposal(
        workshop,
        participant,
        kind="merge",
        criterion=criteria_set.criteria.get(code="REL-2"),
        proposed_text="Reproducibility and variance",
        outcome=ACCEPTED,
    )
    merge.other_criteria.set([criteria_set.criteria.get(code="VAL-1")])
    new_set = _next(workshop, staff, split, merge).criteria_set
    assert sorted((c.code, c.title) for c in split.resulting_criteria.all()) == [
        ("REL-1", "Statistical uncertainty"),
        ("REL-1-2", "Run-to-run variance"),
    ]
    assert list(merge.resulting_criteria.values_list("title", flat=True)) == [
        "Reproducibility and variance"
    ]
    assert not new_set.criteria.filter(code="VAL-1").exists()


def test_what_cannot_be_applied_is_left_for_staff(workshop, criteria_set, participant, staff):
    target = criteria_set.criteria.get(code="REL-1")
    drop = make_proposal(workshop, participant, kind="drop", criterion=target, outcome=ACCEPTED)
    reword = make_proposal(workshop, participant, criterion=target, outcome=ACCEPTED)
    result = _next(workshop, staff, drop, reword)
    assert result.applied == [drop]
    assert [(p, bool(why)) for p, why in result.left] == [(reword, True)]


def test_page_creates_the_version_and_criteria_show_their_proposals(
    client, workshop, criteria_set, participant, staff
):
    proposal = make_proposal(workshop, participant, proposed_text="New wording", outcome=ACCEPTED)
    client.force_login(staff)
    url = reverse("debate:next_version", args=[workshop.code])
    page = client.get(url)
    assert [p.code for p in page.context["pending"]] == [proposal.code]
    response = client.post(url, {"proposals": [proposal.code]})
    assert response.status_code == 302
    new_set = criteria_set_current(workshop=workshop)
    assert new_set.version == criteria_set.version + 1
    preview = client.get(reverse("criteria:preview", args=[workshop.code, new_set.code]))
    assert proposal.title in preview.content.decode()
    detail = client.get(reverse("debate:proposal_detail", args=[workshop.code, proposal.code]))
    assert "New wording" in detail.content.decode()
    assert f"Version {new_set.version}: REL-1 New wording" in detail.content.decode()


def test_translations_of_changed_criteria_need_review(workshop, criteria_set, participant, staff):
    """The copy keeps every translation; those of criteria a proposal changed were made from
    the old English, so they need review, and readers get the new English meanwhile."""
    from criteria.localisation import STALE, criteria_localise  # noqa: PLC0415 -- test-local
    from criteria.models import CriterionTranslation  # noqa: PLC0415 -- test-local

    reword = make_proposal(
        workshop,
        participant,
        criterion=criteria_set.criteria.get(code="REL-1"),
        proposed_text="Uncertainty reported\nConfidence intervals or equivalent.",
        outcome=ACCEPTED,
    )
    new_set = _next(workshop, staff, reword).criteria_set
    rows = {
        (row.criterion.code, row.language): row
        for row in CriterionTranslation.objects.filter(
            criterion__criteria_set=new_set
        ).select_related("criterion")
    }
    assert rows[("REL-1", "de")].is_stale and rows[("REL-1", "fr")].is_stale
    assert rows[("REL-1", "de")].title == "Relevanz für systemische Risiken"
    assert not rows[("REL-2", "de")].is_stale
    criteria = list(new_set.criteria.all())
    criteria_localise(criteria=criteria, language="de")
    reworded = next(c for c in criteria if c.code == "REL-1")
    assert (reworded.title, reworded.translation_status) == ("Uncertainty reported", STALE)
