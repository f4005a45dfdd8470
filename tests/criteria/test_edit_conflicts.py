"""Two people editing the same criteria text: the second save is refused with an
explanation instead of overwriting the first, nothing typed is lost, and saving again
replaces the other version knowingly. Texts someone else changed that this page left alone
are kept."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from criteria.models import CriteriaSet, CriterionTranslation
from tests.factories import CriterionScoreFactory, ReviewFactory, UserFactory

from .conftest import criterion_reword, page_form_data

pytestmark = pytest.mark.django_db


def _url(name, workshop, *args):
    return reverse(f"criteria:{name}", args=[workshop.code, *args])


def _browser_data(response) -> dict:
    """What the browser posts back for the page as it was served, untouched."""
    data = {}
    forms = [response.context["form"]]
    formset = response.context.get("formset")
    if formset is not None:
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if value is None or value is False:  # not `in`: 0 == False
                continue
            data[bound.html_name] = "on" if value is True else str(value)
    return data


@pytest.fixture
def other_staff(staff):
    """A second AI Office staff member, TOTP active as for `staff`."""
    other = UserFactory(email="other.staff@example.org")
    other.groups.set(staff.groups.all())
    TOTP.activate(other, generate_totp_secret())
    return other


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_criterion_saved_by_someone_else_is_not_overwritten(
    staff, other_staff, workshop, criteria_set
):
    url = _url("criterion_edit", workshop, "REL-1")
    mine, theirs = _client(staff), _client(other_staff)
    my_form = _browser_data(mine.get(url))
    their_form = _browser_data(theirs.get(url))

    their_form["title"] = "Their wording"
    assert theirs.post(url, their_form).status_code == 302

    my_form["title"] = "My wording"
    my_form["guidance"] = "My guidance."
    refused = mine.post(url, my_form)
    assert refused.status_code == 409
    stored = criteria_set.criteria.get(code="REL-1")
    assert stored.title == "Their wording"
    html = refused.content.decode()
    assert "Someone else saved a change here after you opened the page" in html
    assert "What is saved now" in html and "Their wording" in html
    assert 'value="My wording"' in html and "My guidance." in html  # nothing typed is lost

    # Saving again from the refused page replaces their version, knowingly.
    again = mine.post(url, _browser_data(refused))
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.title, stored.guidance) == ("My wording", "My guidance.")


def test_saving_what_is_stored_already_is_no_conflict(staff, other_staff, workshop, criteria_set):
    url = _url("criterion_edit", workshop, "REL-1")
    mine, theirs = _client(staff), _client(other_staff)
    my_form = _browser_data(mine.get(url))
    their_form = _browser_data(theirs.get(url))
    their_form["title"] = "Same wording"
    theirs.post(url, their_form)
    my_form["title"] = "Same wording"
    assert mine.post(url, my_form).status_code == 302


def test_conflict_on_a_frozen_version_starts_no_version(staff, other_staff, workshop, criteria_set):
    from criteria import services  # noqa: PLC0415 -- test-local

    review = ReviewFactory(assignment__submission__workshop=workshop, state="submitted")
    CriterionScoreFactory(review=review)
    services.criteria_set_freeze(criteria_set=criteria_set)
    url = _url("criterion_edit", workshop, "REL-1")
    mine, theirs = _client(staff), _client(other_staff)
    my_form = _browser_data(mine.get(url))
    their_form = _browser_data(theirs.get(url))
    their_form["title"] = "Their wording"
    theirs.post(url, their_form)  # freezes version 1 as it is, writes version 2
    assert CriteriaSet.objects.filter(workshop=workshop).count() == 2
    my_form["title"] = "My wording"
    assert mine.post(url, my_form).status_code == 409
    assert CriteriaSet.objects.filter(workshop=workshop).count() == 2
    newest = CriteriaSet.objects.filter(workshop=workshop).order_by("-version").first()
    assert newest.criteria.get(code="REL-1").title == "Their wording"


def test_criterion_renamed_meanwhile_is_explained_not_a_server_error(
    staff, other_staff, workshop, criteria_set
):
    url = _url("criterion_edit", workshop, "REL-1")
    mine, theirs = _client(staff), _client(other_staff)
    my_form = _browser_data(mine.get(url))
    their_form = _browser_data(theirs.get(url))
    their_form["code"] = "REL-1a"
    theirs.post(url, their_form)
    my_form["title"] = "My wording"
    # The old address answers 404 now; the form posted to it before the rename:
    refused = mine.post(url, my_form)
    assert refused.status_code == 404
    criterion = criteria_set.criteria.get(code="REL-1a")
    assert criterion.title != "My wording"


def test_group_renamed_meanwhile_is_refused_with_a_reason(staff, workshop, criteria_set):
    from criteria import services  # noqa: PLC0415 -- test-local
    from portal.concurrency import StaleEditError  # noqa: PLC0415 -- test-local

    group = criteria_set.groups.get(code="A")
    token = group.edit_token()
    services.criterion_group_save(
        criteria_set=criteria_set, group=group, code="A2", title=group.title, user=staff
    )
    with pytest.raises(StaleEditError) as refused:
        services.criterion_group_save(
            criteria_set=criteria_set,
            group=group,
            code="A",
            title="Mine",
            user=staff,
            loaded_token=token,
        )
    assert refused.value.current is None
    assert criteria_set.groups.get(code="A2").title == group.title


def test_group_and_set_titles_are_protected_too(staff, other_staff, workshop, criteria_set):
    group_url = _url("group_edit", workshop, "A")
    editor_url = _url("editor", workshop)
    mine, theirs = _client(staff), _client(other_staff)
    my_group, their_group = (_browser_data(c.get(group_url)) for c in (mine, theirs))
    my_set, their_set = (_browser_data(c.get(editor_url)) for c in (mine, theirs))
    their_group["title"] = "Their group"
    their_set["title"] = "Their set"
    assert theirs.post(group_url, their_group).status_code == 302
    assert theirs.post(editor_url, their_set).status_code == 302
    my_group["title"] = "My group"
    my_set["title"] = "My set"
    refused_group = mine.post(group_url, my_group)
    refused_set = mine.post(editor_url, my_set)
    assert (refused_group.status_code, refused_set.status_code) == (409, 409)
    assert "Their group" in refused_group.content.decode()
    assert "Their set" in refused_set.content.decode()
    criteria_set.refresh_from_db()
    assert criteria_set.title == "Their set"
    assert criteria_set.groups.get(code="A").title == "Their group"


# --- translations -----------------------------------------------------------------------


def _translation(criteria_set, code, language="de"):
    return CriterionTranslation.objects.get(
        criterion__criteria_set=criteria_set, criterion__code=code, language=language
    )


def test_translation_someone_else_saved_is_kept_where_this_page_left_it(
    staff, other_staff, workshop, criteria_set
):
    url = _url("translations", workshop, "de")
    mine, theirs = _client(staff), _client(other_staff)
    my_page = page_form_data(mine.get(url))
    their_page = page_form_data(theirs.get(url))
    their_page["c-REL-1-title"] = "Ihre Fassung"
    assert theirs.post(url, their_page).status_code == 302

    my_page["c-REL-2-title"] = "Meine Fassung"  # another criterion: no conflict
    assert mine.post(url, my_page).status_code == 302
    assert _translation(criteria_set, "REL-1").title == "Ihre Fassung"  # theirs kept
    assert _translation(criteria_set, "REL-2").title == "Meine Fassung"


def test_translation_changed_on_both_sides_saves_nothing_and_says_why(
    staff, other_staff, workshop, criteria_set
):
    url = _url("translations", workshop, "de")
    mine, theirs = _client(staff), _client(other_staff)
    my_page = page_form_data(mine.get(url))
    their_page = page_form_data(theirs.get(url))
    before = _translation(criteria_set, "REL-2").title
    their_page["c-REL-1-title"] = "Ihre Fassung"
    theirs.post(url, their_page)

    my_page["c-REL-1-title"] = "Meine Fassung"
    my_page["c-REL-2-title"] = "Auch meine"
    refused = mine.post(url, my_page)
    assert refused.status_code == 409
    assert _translation(criteria_set, "REL-1").title == "Ihre Fassung"
    assert _translation(criteria_set, "REL-2").title == before  # nothing at all was saved
    html = refused.content.decode()
    assert "Saved meanwhile by someone else as “Ihre Fassung”." in html
    assert 'value="Meine Fassung"' in html and 'value="Auch meine"' in html

    assert mine.post(url, page_form_data(refused)).status_code == 302
    assert _translation(criteria_set, "REL-1").title == "Meine Fassung"
    assert _translation(criteria_set, "REL-2").title == "Auch meine"


def test_a_translation_made_beside_older_english_is_stored_as_needing_review(
    staff, workshop, criteria_set
):
    url = _url("translations", workshop, "de")
    mine = _client(staff)
    page = page_form_data(mine.get(url))
    # Meanwhile the English of REL-1 is reworded (the version is not frozen: in place).
    criterion_reword(criteria_set, "REL-1", user=staff, title="Relevance to a named risk")

    page["c-REL-1-title"] = "Relevanz für ein benanntes Risiko"
    assert mine.post(url, page).status_code == 302
    row = _translation(criteria_set, "REL-1")
    assert row.title == "Relevanz für ein benanntes Risiko"
    assert row.is_stale  # made from the English the page showed, not from the new one
