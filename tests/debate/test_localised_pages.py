"""The debate's pages name the criteria in the reader's language (their translations),
in English marked as such where there is none; the pickers' values stay the criteria's."""

import pytest
from django.urls import reverse

from criteria.models import CriterionTranslation
from debate.models import Proposal
from portal.models import User
from tests.factories import translate_criterion

from .conftest import make_proposal, make_session
from .test_views import _many

pytestmark = pytest.mark.django_db

ENGLISH = "Systemic-risk relevance"  # REL-1's English title
GERMAN = "Systemrelevanz (übersetzt)"


@pytest.fixture
def german(criteria_set):
    """REL-1 translated into German; REL-2 left without a German translation."""
    translate_criterion(criteria_set.criteria.get(code="REL-1"), language="de", title=GERMAN)
    CriterionTranslation.objects.filter(
        criterion__criteria_set=criteria_set, criterion__code="REL-2", language="de"
    ).delete()


def _reads_german(*users):
    User.objects.filter(pk__in=[u.pk for u in users]).update(preferred_language="de")


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_proposal_list_and_detail(client, workshop, participant, criteria_set, german):
    proposal = make_proposal(workshop, participant)
    _reads_german(participant)
    client.force_login(participant)

    listing = _html(client, reverse("debate:proposal_list", args=[workshop.code]))
    detail = _html(client, reverse("debate:proposal_detail", args=[workshop.code, proposal.code]))

    assert f"<td>REL-1 {GERMAN}</td>" in listing
    assert f"REL-1 {GERMAN}" in detail
    for html in (listing, detail):
        assert ENGLISH not in html


def test_proposal_form_labels_in_german_values_unchanged(
    client, workshop, participant, criteria_set, german
):
    rel2 = criteria_set.criteria.get(code="REL-2")
    _reads_german(participant)
    client.force_login(participant)

    html = _html(client, reverse("debate:proposal_create", args=[workshop.code]))

    assert f'<option value="REL-1">REL-1 {GERMAN}</option>' in html
    # Without a German translation: the English title.
    assert f'<option value="REL-2">REL-2 {rel2.title}</option>' in html
    assert ENGLISH not in html


def test_agenda_live_notes_and_next_version(
    client, workshop, participant, staff, criteria_set, german
):
    proposal = make_proposal(workshop, participant, outcome=Proposal.Outcome.ACCEPTED)
    session = make_session(workshop, proposal, note_taker=staff)
    session.criteria.set([criteria_set.criteria.get(code="REL-1")])
    _reads_german(participant, staff)

    client.force_login(participant)
    pages = [_html(client, reverse("debate:agenda", args=[workshop.code]))]
    client.force_login(staff)
    pages += [
        _html(client, reverse("debate:agenda_manage", args=[workshop.code])),
        _html(client, reverse("debate:session_notes", args=[workshop.code, session.code])),
        _html(client, reverse("debate:proposal_outcome", args=[workshop.code, proposal.code])),
    ]
    next_version = _html(client, reverse("debate:next_version", args=[workshop.code]))
    form = _html(client, reverse("debate:agenda_session_edit", args=[workshop.code, session.code]))

    agenda, manage, notes, outcome = pages
    for html in (agenda, manage):
        assert f"<li><strong>REL-1</strong> {GERMAN}</li>" in html
    for html in (notes, outcome):
        assert f"REL-1 {GERMAN}</dd>" in html
    assert f"REL-1 {GERMAN}; " in next_version
    # The session form's picker: German labels, the values stay the criteria's codes.
    assert f"REL-1 {GERMAN}" in form
    assert 'name="criteria" value="REL-1"' in form
    for html in (*pages, next_version, form):
        assert ENGLISH not in html


def test_an_untranslated_criterion_is_english_and_marked(
    client, workshop, participant, criteria_set, german
):
    rel2 = criteria_set.criteria.get(code="REL-2")
    proposal = make_proposal(workshop, participant, criterion=rel2)
    _reads_german(participant)
    client.force_login(participant)

    html = _html(client, reverse("debate:proposal_detail", args=[workshop.code, proposal.code]))

    assert f'REL-2 <span lang="en">{rel2.title}</span> <span class="badge' in html
    assert "Englisch: noch nicht übersetzt" in html


@pytest.mark.parametrize("count", [2, 30])
def test_german_list_queries_do_not_grow(
    client, workshop, participant, criteria_set, german, count, django_assert_num_queries
):
    _many(workshop, participant, count)
    _reads_german(participant)
    client.force_login(participant)
    # As in English (test_views.test_list_queries_constant), and the page's criterion
    # translations into German.
    with django_assert_num_queries(7 + 1):
        response = client.get(reverse("debate:proposal_list", args=[workshop.code]))
    rows = response.context["proposals"]
    assert len(rows) == min(count, 25)
    rel = next(p.criterion for p in rows if p.criterion.code == "REL-1")
    assert (rel.title, rel.text_language) == (GERMAN, "de")
