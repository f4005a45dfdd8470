"""The proposal form's linked evaluations and reviews: a search (server-side, with or
without JavaScript) shows at most LINK_MATCHES matches, the ticked ones stay ticked, and only
what the proposer may see is accepted."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from debate.forms import LINK_MATCHES
from debate.models import Proposal
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    OrganisationFactory,
    ReviewerApplicationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

DATA = {
    "kind": "reword",
    "criterion": "REL-1",
    "title": "Say what uncertainty means",
    "proposed_text": "Uncertainty reported",
    "rationale": "Reviewers read it differently.",
}


def _url(workshop):
    return reverse("debate:proposal_create", args=[workshop.code])


def _submissions(workshop, count, prefix="Evaluation"):
    organisation = OrganisationFactory()
    return [
        CompleteSubmissionFactory(
            workshop=workshop,
            organisation=organisation,
            state="eligible",
            title=f"{prefix} {index:03}",
        )
        for index in range(count)
    ]


def _checkboxes(response, name):
    return [(code, checked) for code, _label, checked in _links(response, name).items]


def _links(response, name):
    return next(links for links in response.context["link_lists"] if links.name == name)


@pytest.mark.parametrize("count", [3, 40])
def test_the_form_page_queries_do_not_grow_with_the_call(
    client, workshop, staff, count, django_assert_num_queries
):
    submissions = _submissions(workshop, count)
    for submission in submissions:
        ReviewFactory(assignment=AssignmentFactory(submission=submission), state="submitted")
    client.force_login(staff)
    # session, user, staff group, second factor, workshop, current criteria set, the ids of
    # the linkable evaluations (visible, reviewed), the evaluations shown, the reviews shown,
    # the criteria (once per criteria field)
    with django_assert_num_queries(12):
        response = client.get(_url(workshop))
    assert response.status_code == 200
    shown = _checkboxes(response, "submissions")
    assert len(shown) == min(count, LINK_MATCHES)
    assert not any(checked for _code, checked in shown)
    assert _links(response, "submissions").more is (count > LINK_MATCHES)
    assert len(_checkboxes(response, "reviews")) == min(count, LINK_MATCHES)


def test_a_search_without_javascript_keeps_typed_values_and_ticked_boxes(client, workshop, staff):
    many = _submissions(workshop, 30)
    wanted = CompleteSubmissionFactory(workshop=workshop, state="eligible", title="Wet-lab uplift")
    client.force_login(staff)
    ticked = many[0]
    response = client.post(
        _url(workshop),
        {**DATA, "submissions": [ticked.code], "submission_q": "wet-lab", "search": "submissions"},
    )
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    assert _checkboxes(response, "submissions") == [(ticked.code, True), (wanted.code, False)]
    html = response.content.decode()
    assert 'value="Say what uncertainty means"' in html
    assert "Reviewers read it differently." in html
    assert f'id="link-submissions-{ticked.code}" checked' in html
    # No error is shown for a form that is only half filled.
    assert "invalid-feedback" not in html

    # By code, too; then publishing links what is ticked.
    by_code = client.post(
        _url(workshop), {**DATA, "submission_q": wanted.code.lower(), "search": "submissions"}
    )
    assert _checkboxes(by_code, "submissions") == [(wanted.code, False)]
    done = client.post(_url(workshop), {**DATA, "submissions": [ticked.code, wanted.code]})
    assert done.status_code == 302
    assert set(Proposal.objects.get().linked_submissions.values_list("code", flat=True)) == {
        ticked.code,
        wanted.code,
    }


def test_the_javascript_search_gets_only_the_list(client, workshop, staff):
    many = _submissions(workshop, 25)
    client.force_login(staff)
    response = client.get(
        _url(workshop),
        {"partial": "submissions", "submission_q": "Evaluation 01", "submissions": [many[0].code]},
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["debate/_link_choices.html"]
    shown = [(code, checked) for code, _label, checked in response.context["links"].items]
    # The ticked one first, then "Evaluation 010" to "Evaluation 019".
    assert shown == [(many[0].code, True)] + [(s.code, False) for s in many[10:20]]
    assert "<form" not in response.content.decode()


def test_a_failed_post_keeps_the_ticked_boxes(client, workshop, staff):
    chosen = _submissions(workshop, 2)[1]
    client.force_login(staff)
    response = client.post(_url(workshop), {**DATA, "title": "", "submissions": [chosen.code]})
    assert response.status_code == 400
    assert (chosen.code, True) in _checkboxes(response, "submissions")
    assert response.context["form"].errors.keys() == {"title"}


def test_a_hostile_post_linking_an_unseen_evaluation_is_refused(client, workshop, participant):
    # The participant belongs to no organisation and reviews nothing: they may link nothing.
    unseen = CompleteSubmissionFactory(workshop=workshop, state="eligible", title="Not yours")
    review = ReviewFactory(assignment=AssignmentFactory(submission=unseen), state="submitted")
    client.force_login(participant)
    page = client.get(_url(workshop))
    assert _checkboxes(page, "submissions") == []
    assert "Not yours" not in page.content.decode()
    refused = client.post(
        _url(workshop), {**DATA, "submissions": [unseen.code], "reviews": [review.code]}
    )
    assert refused.status_code == 400
    assert not Proposal.objects.exists()
    errors = refused.context["form"].errors
    assert errors["submissions"] == [
        f"You cannot link the evaluation “{unseen.code}”: it does not exist or you may not see it."
    ]
    assert errors["reviews"] == [
        f"You cannot link the review “{review.code}”: it does not exist or you may not read it."
    ]
    html = refused.content.decode()
    assert f"You cannot link the evaluation “{unseen.code}”" in html
    # The refused objects are not shown, not even by a search.
    assert "Not yours" not in html
    search = client.get(_url(workshop), {"partial": "submissions", "submission_q": "Not yours"})
    assert search.context["links"].items == []


def test_a_reviewer_links_the_review_they_wrote(client, workshop, participant):
    ReviewerApplicationFactory(workshop=workshop, user=participant, state="approved")
    submission = CompleteSubmissionFactory(workshop=workshop, state="eligible", title="Reviewed")
    review = ReviewFactory(
        assignment=AssignmentFactory(submission=submission, reviewer=participant),
        state="submitted",
    )
    other = ReviewFactory(assignment=AssignmentFactory(submission=submission), state="submitted")
    client.force_login(participant)
    page = client.get(_url(workshop))
    assert _checkboxes(page, "reviews") == [(review.code, False)]
    assert _checkboxes(page, "submissions") == [(submission.code, False)]
    refused = client.post(_url(workshop), {**DATA, "reviews": [other.code]})
    assert refused.status_code == 400
    done = client.post(_url(workshop), {**DATA, "reviews": [review.code]})
    assert done.status_code == 302
    assert list(Proposal.objects.get().linked_reviews.all()) == [review]


class _SubmitButtons(HTMLParser):
    """The submit buttons of the proposal form, in tree order: (name, value, aria-hidden)."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # forms open inside the proposal form (none expected), plus itself
        self.buttons: list[tuple[str, str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if self.depth or attrs.get("id") == "proposal-form":
                self.depth += 1
            return
        submits = (tag == "button" and attrs.get("type", "submit") == "submit") or (
            tag == "input" and attrs.get("type") in ("submit", "image")
        )
        if self.depth and submits:
            hidden = attrs.get("aria-hidden") == "true"
            self.buttons.append((attrs.get("name") or "", attrs.get("value") or "", hidden))

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1


def _submit_buttons(response) -> list[tuple[str, str, bool]]:
    parser = _SubmitButtons()
    parser.feed(response.content.decode())
    return parser.buttons


def test_enter_in_a_text_field_publishes_without_javascript(client, workshop, staff):
    _submissions(workshop, 3)
    client.force_login(staff)
    buttons = _submit_buttons(client.get(_url(workshop)))
    # Enter submits the form with its default button, the first submit button in tree
    # order (HTML, implicit submission): a copy of "Publish", out of sight and of the
    # accessibility tree; the link searches come after it, the visible "Publish" last.
    assert buttons == [
        ("publish", "1", True),
        ("search", "submissions", False),
        ("search", "reviews", False),
        ("publish", "1", False),
    ]
    name, value, _hidden = buttons[0]

    response = client.post(_url(workshop), {**DATA, "submission_q": "", name: value})

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.author) == (DATA["title"], staff)
    assert response.url == reverse("debate:proposal_detail", args=[workshop.code, proposal.code])
