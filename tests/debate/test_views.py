"""The proposals list (filters, pages, constant queries), the form, the detail page with
its comments and counts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from debate.models import Proposal, ProposalComment, ProposalStance
from tests.factories import UserFactory

from .conftest import invite, make_proposal

pytestmark = pytest.mark.django_db


def _list(workshop):
    return reverse("debate:proposal_list", args=[workshop.code])


def _detail(proposal):
    return reverse("debate:proposal_detail", args=[proposal.workshop.code, proposal.code])


def _many(workshop, author, count):
    criteria_set = make_proposal(workshop, author).criteria_set
    criteria = list(criteria_set.criteria.all())
    Proposal.objects.bulk_create(
        Proposal(
            workshop=workshop,
            criteria_set=criteria_set,
            criterion=criteria[i % len(criteria)],
            kind=Proposal.Kind.REWORD,
            title=f"Proposal {i}",
            rationale="Because.",
            author=author,
        )
        for i in range(count - 1)
    )


@pytest.mark.parametrize("count", [20, 2000])
def test_list_queries_constant(client, workshop, participant, count, django_assert_num_queries):
    _many(workshop, participant, count)
    voters = [UserFactory() for _ in range(3)]
    first = Proposal.objects.filter(workshop=workshop).order_by("-created_at", "-pk").first()
    ProposalStance.objects.bulk_create(
        ProposalStance(proposal=first, user=user, stance=stance)
        for user, stance in zip(voters, ["support", "support", "object"], strict=True)
    )
    ProposalComment.objects.create(proposal=first, author=participant, body="Yes")
    client.force_login(participant)
    # session, user, staff group, workshop, accepted invitation, count, the page of
    # proposals with their counts
    with django_assert_num_queries(7):
        response = client.get(_list(workshop))
    rows = response.context["proposals"]
    assert len(rows) == min(count, 25)
    assert response.context["page"].paginator.count == count
    assert (rows[0].support_count, rows[0].objection_count, rows[0].comment_count) == (2, 1, 1)


def test_list_filters(client, workshop, participant, other_participant, criteria_set):
    reword = make_proposal(workshop, participant, title="Wording of uncertainty")
    drop = make_proposal(
        workshop,
        other_participant,
        kind="drop",
        title="Drop it",
        criterion=criteria_set.criteria.get(code="VAL-1"),
    )
    withdrawn = make_proposal(workshop, participant, title="Gone", withdrawn_at=timezone.now())
    decided = make_proposal(workshop, participant, title="Decided", outcome="rejected")
    client.force_login(participant)

    def titles(**query):
        response = client.get(_list(workshop), query)
        assert response.status_code == 200
        return sorted(p.title for p in response.context["proposals"])

    assert titles() == sorted(p.title for p in (reword, drop, withdrawn, decided))
    assert titles(kind="drop") == ["Drop it"]
    assert titles(criterion="VAL-1") == ["Drop it"]
    assert titles(status="open") == ["Drop it", "Wording of uncertainty"]
    assert titles(status="withdrawn") == ["Gone"]
    assert titles(status="decided") == ["Decided"]
    assert titles(q="uncertainty") == ["Wording of uncertainty"]
    assert titles(mine="on", status="open") == ["Wording of uncertainty"]
    refused = client.get(_list(workshop), {"kind": "explode"})
    assert refused.status_code == 400


def test_invited_only_and_outsiders_get_no_list(client, workshop, invited_only, outsider):
    proposal = make_proposal(workshop, UserFactory())
    for user in (invited_only, outsider):
        client.force_login(user)
        assert client.get(_list(workshop)).status_code == 403
        assert client.get(_detail(proposal)).status_code == 404


def test_form_creates_a_proposal_and_refuses_unseen_links(
    client, workshop, participant, criteria_set
):
    from tests.factories import CompleteSubmissionFactory  # noqa: PLC0415 -- this test only

    unseen = CompleteSubmissionFactory(workshop=workshop, state="eligible")
    client.force_login(participant)
    url = reverse("debate:proposal_create", args=[workshop.code])
    data = {
        "kind": "anchor",
        "criterion": "REL-1",
        "level": "3",
        "title": "Level 3 anchor",
        "proposed_text": "Intervals reported for every headline number",
        "rationale": "Reviewers disagreed on *level 3*.",
        "attribution_consent": "on",
    }
    refused = client.post(url, {**data, "submissions": [unseen.code]})
    assert refused.status_code == 400
    assert not Proposal.objects.exists()
    response = client.post(url, data)
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(proposal)
    assert (proposal.kind, proposal.level, proposal.criterion.code) == ("anchor", 3, "REL-1")
    assert proposal.attribution_consent


def test_detail_comments_stances_and_withdrawal(client, workshop, participant, other_participant):
    proposal = make_proposal(workshop, participant, rationale="See <script>x</script> **this**")
    client.force_login(other_participant)
    client.post(
        reverse("debate:proposal_comment", args=[workshop.code, proposal.code]),
        {"body": "I **agree** <img src=x onerror=alert(1)>"},
    )
    stance_url = reverse("debate:proposal_stance", args=[workshop.code, proposal.code])
    client.post(stance_url, {"stance": "object"})
    client.post(stance_url, {"stance": "support"})
    page = client.get(_detail(proposal))
    html = page.content.decode()
    assert "<strong>agree</strong>" in html and "onerror" not in html
    assert "<strong>this</strong>" in html and "<script>x" not in html
    assert (page.context["proposal"].support_count, page.context["proposal"].objection_count) == (
        1,
        0,
    )
    assert page.context["stance"] == "support"
    assert not page.context["can_withdraw"]
    withdraw = reverse("debate:proposal_withdraw", args=[workshop.code, proposal.code])
    assert client.post(withdraw).status_code == 403
    client.force_login(participant)
    assert client.post(withdraw).status_code == 302
    proposal.refresh_from_db()
    assert proposal.withdrawn_at is not None


def test_staff_group_from_the_page(client, workshop, participant, staff):
    main = make_proposal(workshop, participant, title="Main")
    copy = make_proposal(workshop, participant, title="Copy")
    client.force_login(staff)
    response = client.post(
        reverse("debate:proposal_group", args=[workshop.code, copy.code]),
        {"duplicate_of": main.code},
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.duplicate_of == main
    assert "Copy" in client.get(_detail(main)).content.decode()
    invite(workshop, staff)  # being invited changes nothing for staff
    assert client.get(_list(workshop), {"status": "duplicate"}).context["proposals"][0] == copy
