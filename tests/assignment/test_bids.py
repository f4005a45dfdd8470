"""The reviewers' bidding page: who may open it, what it shows, saving bids."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assignment.models import Bid
from assignment.services.bids import bid_set
from reviews.models import ConflictRecord
from reviews.selectors.visibility import submissions_for_bidding
from submissions.models import Author, Provider, Submission
from tests.assignment.helpers import approve
from tests.factories import (
    MembershipFactory,
    ReviewerApplicationFactory,
    ReviewerTieFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rui(reviewer, workshop):
    approve(reviewer, workshop)
    return reviewer


@pytest.fixture
def baltic(instance):
    """An eligible submission from Baltic Lab with an author and a provider."""
    sub = instance.submission(
        "Wet-lab uplift",
        areas=["cbrn"],
        methods=["human_uplift"],
        org="Baltic Lab",
        abstract="We measure uplift on wet-lab troubleshooting tasks.",
    )
    sub.provider = Provider.objects.get(name="Mistral AI")
    sub.model_name = "Model X"
    sub.model_version = "2026-09-01"
    sub.save()
    Author.objects.create(submission=sub, name="Ada Author", affiliation="Baltic Lab")
    return sub


def url(workshop, **params):
    base = reverse("assignment:bid_list", args=[workshop.code])
    if params:
        from urllib.parse import urlencode

        base += "?" + urlencode(params)
    return base


def listed(response):
    return [row.code for row in response.context["page"].object_list]


def test_approved_reviewer_sees_the_eligible_submissions(client, rui, workshop, instance, baltic):
    draft = instance.submission("Draft one")
    draft.state = Submission.State.SUBMITTED
    draft.save()
    client.force_login(rui)

    response = client.get(url(workshop))

    assert response.status_code == 200
    assert listed(response) == [baltic.code]
    content = response.content.decode()
    assert "Wet-lab uplift" in content
    assert "We measure uplift on wet-lab troubleshooting tasks." in content
    assert "Mistral AI Model X 2026-09-01" in content
    assert "Human uplift study" in content


def test_anonymous_workshop_hides_organisation_authors_and_contact(client, rui, workshop, baltic):
    workshop.anonymous_review = True
    workshop.save()
    client.force_login(rui)

    response = client.get(url(workshop))

    content = response.content.decode()
    assert listed(response) == [baltic.code]
    assert "Baltic Lab" not in content
    assert "Ada Author" not in content
    assert baltic.contact.email not in content
    row = response.context["page"].object_list[0]
    assert (row.organisation, row.authors) == ("", [])
    assert row.title == "Wet-lab uplift"


def test_named_workshop_shows_organisation_and_authors(client, rui, workshop, baltic):
    workshop.anonymous_review = False
    workshop.save()
    client.force_login(rui)

    response = client.get(url(workshop))

    row = response.context["page"].object_list[0]
    assert (row.organisation, row.authors) == ("Baltic Lab", ["Ada Author (Baltic Lab)"])
    assert baltic.contact.email not in response.content.decode()


@pytest.mark.parametrize(("cleared", "shown"), [(False, False), (True, True)])
def test_ai_office_only_is_listed_only_for_cleared_reviewers(
    client, reviewer, workshop, instance, cleared, shown
):
    approve(reviewer, workshop, cleared_for_confidential=cleared)
    secret = instance.submission("Secret", confidentiality="ai_office_only")
    client.force_login(reviewer)

    response = client.get(url(workshop))

    assert listed(response) == ([secret.code] if shown else [])


def test_conflicted_submissions_are_hidden(client, rui, workshop, instance, staff):
    tied = instance.submission("Tied", org="Tie Org")
    member = instance.submission("Member", org="Own Org")
    recorded = instance.submission("Recorded")
    provider = instance.submission("Provider")
    provider.provider = Provider.objects.get(name="Mistral AI")
    provider.save()
    dismissed = instance.submission("Dismissed", org="Dismissed Org")
    free = instance.submission("Free")
    ReviewerTieFactory(user=rui, organisation=tied.organisation)
    MembershipFactory(user=rui, organisation=member.organisation)
    ReviewerTieFactory(user=rui, organisation=None, provider=provider.provider)
    ReviewerTieFactory(user=rui, organisation=dismissed.organisation)
    ConflictRecord.objects.create(
        reviewer=rui, submission=recorded, action="recorded", reason="Co-author", created_by=staff
    )
    ConflictRecord.objects.create(
        reviewer=rui, submission=dismissed, action="dismissed", reason="Old", created_by=staff
    )
    client.force_login(rui)

    response = client.get(url(workshop))

    assert set(listed(response)) == {dismissed.code, free.code}


def test_the_list_agrees_with_what_bids_may_be_placed_on(rui, workshop, instance, staff):
    """The SQL filter of the page and the service's per-pair check are the same rules."""
    subs = [instance.submission(f"S{i}", org=f"Org {i % 3}") for i in range(6)]
    subs[5].confidentiality = "ai_office_only"
    subs[5].save()
    ReviewerTieFactory(user=rui, organisation=subs[0].organisation)
    ConflictRecord.objects.create(
        reviewer=rui, submission=subs[1], action="recorded", reason="x", created_by=staff
    )
    ConflictRecord.objects.create(
        reviewer=rui, submission=subs[3], action="dismissed", reason="x", created_by=staff
    )
    bid_set(reviewer=rui, submission=subs[2], value="conflict")
    application = rui.reviewer_applications.get(workshop=workshop)

    visible = set(submissions_for_bidding(user=rui, application=application))
    allowed = set()
    for sub in subs:
        try:
            bid_set(reviewer=rui, submission=sub, value="willing")
        except ValidationError:
            continue
        allowed.add(sub)

    assert visible == allowed
    assert subs[2] in visible  # the reviewer's own conflict bid does not hide it


@pytest.mark.parametrize("persona", ["outsider", "evaluator", "staff", "reviewer"])
def test_everyone_but_its_approved_reviewers_gets_404(client, workshop, persona, request):
    # `reviewer` is approved for another workshop only.
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(workshop)).status_code == 404
    assert client.post(url(workshop), {}).status_code == 404


@pytest.mark.parametrize("state", ["pending", "declined", "withdrawn"])
def test_applicants_not_approved_get_404(client, workshop, state):
    user = UserFactory()
    ReviewerApplicationFactory(workshop=workshop, user=user, state=state)
    client.force_login(user)

    assert client.get(url(workshop)).status_code == 404


def test_a_workshop_put_back_to_draft_is_404_to_its_approved_reviewers(client, rui, workshop):
    # Permission bug: the bidding page looked for the approved application alone, so a
    # call staff hold back as a draft still listed its submissions to its reviewers.
    workshop.phase_override = "draft"
    workshop.save(update_fields=["phase_override"])
    client.force_login(rui)

    assert client.get(url(workshop)).status_code == 404
    assert client.post(url(workshop), {}).status_code == 404


def test_unknown_workshop_is_404(client, rui):
    client.force_login(rui)

    assert client.get(reverse("assignment:bid_list", args=["nosuchcode12"])).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, workshop):
    response = client.get(url(workshop))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_posting_the_page_saves_changed_bids(client, rui, workshop, instance):
    first = instance.submission("First")
    second = instance.submission("Second")
    client.force_login(rui)

    response = client.post(
        url(workshop, page=1), {f"bid-{first.code}": "eager", f"bid-{second.code}": ""}
    )

    assert response.status_code == 302
    assert response.url == url(workshop, page=1)
    assert dict(Bid.objects.values_list("submission__code", "value")) == {first.code: "eager"}


def test_conflict_bid_records_a_declared_conflict(client, rui, workshop, baltic):
    client.force_login(rui)

    client.post(url(workshop), {f"bid-{baltic.code}": "conflict"})

    record = ConflictRecord.objects.get()
    assert (record.reviewer, record.submission, record.action) == (rui, baltic, "bid")
    assert record.revoked_at is None
    # Still listed, so that the reviewer can take the declaration back.
    response = client.get(url(workshop))
    assert response.context["page"].object_list[0].bid == "conflict"


def test_no_bid_withdraws_the_bid_and_its_conflict(client, rui, workshop, baltic):
    bid_set(reviewer=rui, submission=baltic, value="conflict")
    client.force_login(rui)

    client.post(url(workshop), {f"bid-{baltic.code}": ""})

    assert Bid.objects.count() == 0
    assert ConflictRecord.objects.get().revoked_by == rui


def test_autosave_of_one_bid_answers_json(client, rui, workshop, baltic):
    client.force_login(rui)

    response = client.post(
        url(workshop), {f"bid-{baltic.code}": "willing"}, headers={"accept": "application/json"}
    )

    assert response.status_code == 200
    assert response.json() == {"saved": 1, "errors": [], "message": "Bid saved."}
    assert Bid.objects.get().value == "willing"


def test_bid_on_a_hidden_submission_is_refused(client, rui, workshop, instance):
    tied = instance.submission("Tied", org="Tie Org")
    ReviewerTieFactory(user=rui, organisation=tied.organisation)
    other_call = instance.submission("Elsewhere")
    other_call.workshop = WorkshopFactory()
    other_call.save()
    client.force_login(rui)

    response = client.post(
        url(workshop),
        {f"bid-{tied.code}": "eager", f"bid-{other_call.code}": "eager"},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == ["This submission is not open for bids."] * 2
    assert Bid.objects.count() == 0


def test_invalid_bid_value_is_refused_with_the_reason(client, rui, workshop, baltic):
    client.force_login(rui)

    response = client.post(
        url(workshop), {f"bid-{baltic.code}": "maybe"}, headers={"accept": "application/json"}
    )

    assert response.json()["errors"] == [
        "Wet-lab uplift: Choose eager, willing, not willing or conflict."
    ]


def test_risk_area_filter(client, rui, workshop, instance):
    cbrn = instance.submission("Bio", areas=["cbrn"])
    instance.submission("Cyber", areas=["cyber_offence"])
    client.force_login(rui)

    response = client.get(url(workshop, risk_area="cbrn"))

    assert listed(response) == [cbrn.code]


def test_unknown_risk_area_shows_everything(client, rui, workshop, instance):
    instance.submission("Bio", areas=["cbrn"])
    instance.submission("Cyber", areas=["cyber_offence"])
    client.force_login(rui)

    response = client.get(url(workshop, risk_area="nonsense"))

    assert len(listed(response)) == 2


def test_pages_of_25(client, rui, workshop, instance):
    for i in range(27):
        instance.submission(f"Evaluation {i:02d}")
    client.force_login(rui)

    first = client.get(url(workshop))
    second = client.get(url(workshop, page=2))

    assert (len(listed(first)), len(listed(second))) == (25, 2)
    assert first.context["page"].object_list[0].title == "Evaluation 00"
