"""Staff edit (or revert) the text the public summary prints for a chosen quote; the
reviewer's justification stays as written."""

import pytest
from django.urls import reverse

from portal.concurrency import StaleEditError
from reports import data as report_data
from reports.models import QuoteSelection, ReportJob
from reports.services.quotes import quote_edit, quote_revert, quote_select
from tests.factories import WorkshopFactory
from tests.reports.conftest import justification
from tests.reports.helpers import build, pdf_text

KEY = ("S2", 0, "REL-1")
SHORTENED = "The evaluation documents its method."


@pytest.fixture
def workshop(scored_workshop):
    return scored_workshop["workshop"]


@pytest.fixture
def selection(scored_workshop, workshop, staff) -> QuoteSelection:
    return quote_select(workshop=workshop, score=scored_workshop["scores"][KEY], user=staff)


def _url(workshop, selection):
    return reverse("reports:quote_edit", args=[workshop.code, selection.code])


def _printed_quotes(workshop) -> list[tuple[str, bool]]:
    data = report_data.report_data(workshop=workshop)
    return [(quote.text, quote.edited) for section in data.sections for quote in section.quotes]


def test_edit_changes_the_printed_text_only(client, staff, workshop, selection):
    client.force_login(staff)

    response = client.post(_url(workshop, selection), {"text": SHORTENED, "revision": "1"})

    assert response.status_code == 302
    selection.refresh_from_db()
    assert (selection.edited_text, selection.edited_by, selection.revision) == (
        SHORTENED,
        staff,
        2,
    )
    assert selection.edited_at is not None
    assert selection.score.justification == justification(*KEY)
    assert _printed_quotes(workshop) == [(SHORTENED, True)]


def test_summary_pdf_prints_the_edited_text_marked_as_edited(
    staff, workshop, selection, django_capture_on_commit_callbacks
):
    quote_edit(selection=selection, text=SHORTENED, revision=1, user=staff)

    job = build(
        django_capture_on_commit_callbacks,
        workshop=workshop,
        kind=ReportJob.Kind.PUBLIC_SUMMARY,
        user=staff,
    )
    text = pdf_text(job)

    assert f"GAP {SHORTENED} (edited by the AI Office)" in text
    assert justification(*KEY) not in text


def test_revert_prints_the_original_again(client, staff, workshop, selection):
    quote_edit(selection=selection, text=SHORTENED, revision=1, user=staff)
    client.force_login(staff)

    response = client.post(_url(workshop, selection), {"action": "revert", "revision": "2"})

    assert response.status_code == 302
    selection.refresh_from_db()
    assert (selection.edited_text, selection.edited_by, selection.edited_at) == ("", None, None)
    assert _printed_quotes(workshop) == [(justification(*KEY), False)]


def test_saving_the_original_text_is_not_an_edit(staff, selection):
    edited = quote_edit(
        selection=selection, text=justification(*KEY) + "\n", revision=1, user=staff
    )

    assert (edited.edited_text, edited.edited_by) == ("", None)


def test_empty_text_is_refused_with_a_message(client, staff, workshop, selection):
    client.force_login(staff)

    response = client.post(_url(workshop, selection), {"text": "  ", "revision": "1"})

    assert response.status_code == 400
    assert response.context["form"].errors["text"] == [
        "Enter the text to print, or remove the quote from the summary."
    ]
    selection.refresh_from_db()
    assert selection.edited_text == ""


def test_stale_edit_is_refused_and_keeps_the_text(client, staff, workshop, selection):
    quote_edit(selection=selection, text="A colleague's cut.", revision=1, user=staff)
    client.force_login(staff)

    response = client.post(_url(workshop, selection), {"text": SHORTENED, "revision": "1"})

    assert response.status_code == 409
    assert response.context["form"]["text"].value() == SHORTENED
    assert response.context["form"]["revision"].value() == "2"
    assert "Someone else saved this text after you opened it." in response.content.decode()
    selection.refresh_from_db()
    assert selection.edited_text == "A colleague's cut."


def test_stale_revert_is_refused(staff, selection):
    quote_edit(selection=selection, text=SHORTENED, revision=1, user=staff)

    with pytest.raises(StaleEditError):
        quote_revert(selection=selection, revision=1, user=staff)


def test_edit_of_a_quote_removed_meanwhile_is_404(client, staff, workshop, selection):
    client.force_login(staff)
    url = _url(workshop, selection)
    page = client.get(url)
    QuoteSelection.objects.filter(pk=selection.pk).delete()

    response = client.post(url, {"text": SHORTENED, "revision": "1"})

    assert page.status_code == 200
    assert response.status_code == 404


def test_quote_list_shows_the_edit_and_links_to_it(client, staff, workshop, selection):
    quote_edit(selection=selection, text=SHORTENED, revision=1, user=staff)
    client.force_login(staff)

    response = client.get(reverse("reports:quotes", args=[workshop.code]))

    body = response.content.decode()
    assert f"<strong>Printed as:</strong> {SHORTENED}" in body
    assert _url(workshop, selection) in body


def test_quote_of_another_workshop_is_404(client, staff, selection):
    client.force_login(staff)

    assert client.get(_url(WorkshopFactory(), selection)).status_code == 404


@pytest.mark.parametrize("persona", ["evaluator", "reviewer", "outsider"])
def test_quote_edit_refuses_others(client, request, persona, workshop, selection):
    """404, not 403: staff's choice of quotes is theirs alone until the summary prints it."""
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_url(workshop, selection)).status_code == 404
    response = client.post(_url(workshop, selection), {"text": "x", "revision": "1"})
    assert response.status_code == 404
    selection.refresh_from_db()
    assert selection.edited_text == ""


def test_quote_edit_sends_anonymous_to_login(client, workshop, selection):
    response = client.get(_url(workshop, selection))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("count", [1, 3])
def test_quote_list_queries_do_not_grow_with_edited_quotes(
    client, staff, workshop, scored_workshop, count, django_assert_num_queries
):
    keys = [("S1", 0, "REL-1"), ("S1", 1, "REL-1"), ("S2", 0, "REL-1")][:count]
    for key in keys:
        selection = quote_select(
            workshop=workshop, score=scored_workshop["scores"][key], user=staff
        )
        quote_edit(selection=selection, text=SHORTENED, revision=1, user=staff)
    client.force_login(staff)
    url = reverse("reports:quotes", args=[workshop.code]) + "?criterion=REL-1"

    # session, user, staff group, MFA, workshop, criteria set, criteria, count, page,
    # selected count
    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.content.decode().count(f"<strong>Printed as:</strong> {SHORTENED}") == count


def test_the_json_archive_holds_the_quote_as_printed(
    staff, workshop, selection, django_capture_on_commit_callbacks
):
    import json

    quote_edit(selection=selection, text=SHORTENED, revision=1, user=staff)

    job = build(
        django_capture_on_commit_callbacks,
        workshop=workshop,
        kind=ReportJob.Kind.ARCHIVE_JSON,
        params={},
        user=staff,
    )
    with job.file.open("rb") as handle:
        document = json.loads(handle.read())

    quotes = [
        value for key, value in document.items() if isinstance(value, dict) and "quotes" in value
    ]
    assert quotes[0]["quotes"] == [
        {
            "review": selection.score.review.code,
            "criterion": "REL-1",
            "edited": True,
            "printed_text": SHORTENED,
        }
    ]


def test_quote_toggle_goes_back_to_page_one_when_the_page_number_is_mangled(
    client, staff, scored_workshop, workshop
):
    score = scored_workshop["scores"][KEY]
    client.force_login(staff)

    response = client.post(
        reverse("reports:quote_toggle", args=[workshop.code]),
        {"score": score.pk, "page": "2&criterion=VAL-1"},
    )

    quotes = reverse("reports:quotes", args=[workshop.code])
    assert response["Location"] == f"{quotes}?criterion=REL-1&page=1"
