"""The summary texts page saves the executive summary, the insights and the notes per
criterion as one, and refuses an edit that races another instead of overwriting it."""

import pytest
from django.urls import reverse

from reports.models import CriterionNote, WorkshopSummary
from reports.services import texts


@pytest.fixture
def workshop(scored_workshop):
    return scored_workshop["workshop"]


def _url(workshop):
    return reverse("reports:summary_edit", args=[workshop.code])


def _post_data(page, **texts):
    """What the browser posts back: the loaded form with some texts changed."""
    form = page.context["form"]
    data = {
        "version": form.initial["version"],
        "executive_summary_md": form.initial["executive_summary_md"],
        "insights_md": form.initial["insights_md"],
    }
    for index, (criterion, note) in enumerate(page.context["notes"]):
        data[f"note-{index}-criterion_code"] = criterion.code
        data[f"note-{index}-notes_md"] = note.initial["notes_md"]
    data.update(texts)
    return data


def test_the_page_saves_summary_and_notes_together(client, staff, workshop):
    client.force_login(staff)
    page = client.get(_url(workshop))

    response = client.post(
        _url(workshop),
        _post_data(
            page, executive_summary_md="Most evaluations align.", **{"note-0-notes_md": "Split it."}
        ),
    )

    assert response.status_code == 302
    assert WorkshopSummary.objects.get(workshop=workshop).executive_summary_md == (
        "Most evaluations align."
    )
    first = page.context["notes"][0][0]
    assert CriterionNote.objects.get(workshop=workshop, criterion_code=first.code).notes_md == (
        "Split it."
    )


def test_an_edit_started_before_another_save_is_refused_and_kept(client, staff, workshop):
    client.force_login(staff)
    page = client.get(_url(workshop))
    # A colleague saves while this page is open.
    texts.workshop_summary_save(
        workshop=workshop, executive_summary_md="Theirs.", insights_md="", user=staff
    )

    response = client.post(_url(workshop), _post_data(page, executive_summary_md="Mine."))

    assert response.status_code == 409
    assert WorkshopSummary.objects.get(workshop=workshop).executive_summary_md == "Theirs."
    assert "Someone else saved these texts" in response.content.decode()
    form = response.context["form"]
    assert form["executive_summary_md"].value() == "Mine."
    assert form["version"].value() == texts.summary_texts_version(workshop=workshop)

    # Saving again, knowingly, replaces theirs.
    again = client.post(
        _url(workshop),
        {**_post_data(page, executive_summary_md="Mine."), "version": form["version"].value()},
    )
    assert again.status_code == 302
    assert WorkshopSummary.objects.get(workshop=workshop).executive_summary_md == "Mine."


def test_a_bad_note_saves_nothing(client, staff, workshop):
    client.force_login(staff)
    page = client.get(_url(workshop))

    response = client.post(
        _url(workshop),
        _post_data(page, executive_summary_md="Mine.", **{"note-0-criterion_code": "NOPE"}),
    )

    assert response.status_code == 400
    assert "no such code" in response.content.decode()
    assert not WorkshopSummary.objects.filter(workshop=workshop).exists()
