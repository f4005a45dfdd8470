"""Criteria texts per language: the default set's French and German, the reader's language
with an English fallback that is marked, translations kept through a new version and marked
for review when the English changes, and the staff's translation page."""

import pytest
from django.urls import reverse
from django.utils import translation

from criteria import services
from criteria.localisation import MISSING, STALE, criteria_localise
from criteria.models import CriterionGroupTranslation, CriterionTranslation
from criteria.selectors import criteria_set_current, criteria_set_with_criteria
from portal.models import AuditEvent
from tests.factories import ReviewFactory

from .conftest import criterion_reword, fill_set, page_form_data

pytestmark = pytest.mark.django_db


def _criterion(criteria_set, code):
    return criteria_set.criteria.get(code=code)


def test_default_set_ships_french_and_german_for_every_text(criteria_set):
    assert sorted(
        criteria_set.translations.filter(description__gt="").values_list("language", "title")
    ) == [
        ("de", "Verhältnismäßigkeitskriterien (vorgeschlagener Standard)"),
        ("fr", "Critères de proportionnalité (proposition par défaut)"),
    ]
    for language in ("fr", "de"):
        assert (
            CriterionTranslation.objects.filter(
                criterion__criteria_set=criteria_set, language=language
            ).count()
            == criteria_set.criteria.count()
        )
        assert (
            CriterionGroupTranslation.objects.filter(
                group__criteria_set=criteria_set, language=language
            ).count()
            == criteria_set.groups.count()
        )
    rows = CriterionTranslation.objects.filter(criterion__criteria_set=criteria_set)
    assert not [row for row in rows if row.is_stale]
    for row in rows:
        assert row.title and row.description and row.guidance
        assert [item["level"] for item in row.levels] == row.criterion.level_values
        assert all(item["descriptor"] for item in row.levels)


def test_default_set_uses_the_glossary_terms(criteria_set):
    def text(language, code):
        row = CriterionTranslation.objects.get(
            criterion__criteria_set=criteria_set, criterion__code=code, language=language
        )
        return " ".join([row.title, row.description, row.guidance])

    assert "risque systémique spécifié" in text("fr", "REL-1")
    assert "NRBC" in text("fr", "REL-1")
    assert "Bureau de l'IA" in text("fr", "TRN-1")
    assert "spezifiziertes systemisches Risiko" in text("de", "REL-1")
    assert "Büro für Künstliche Intelligenz" in text("de", "TRN-1")
    assert "Praxisleitfaden" in text("de", "CND-1")
    assert "Angriffstests (Red-Teaming)" in " ".join(
        item["descriptor"]
        for item in CriterionTranslation.objects.get(
            criterion__criteria_set=criteria_set, criterion__code="ELI-2", language="de"
        ).levels
    )


def test_readers_get_the_active_language(criteria_set):
    with translation.override("de"):
        loaded = criteria_set_with_criteria(criteria_set=criteria_set, localise=True)
    group = loaded.groups.all()[0]
    criterion = group.criteria.all()[0]
    assert (group.title, group.translation_missing) == ("Relevanz für systemische Risiken", False)
    assert criterion.title == "Relevanz für systemische Risiken"
    assert criterion.text_language == "de"
    assert criterion.descriptor(0).startswith("Fehlt: ")
    assert criterion.translation_missing is False
    with translation.override("en"):
        english = criteria_set_with_criteria(criteria_set=criteria_set, localise=True)
    first = english.groups.all()[0].criteria.all()[0]
    assert (first.title, first.translation_missing) == ("Systemic-risk relevance", False)


def test_missing_translation_falls_back_to_english_with_a_flag(criteria_set):
    CriterionTranslation.objects.filter(
        criterion__criteria_set=criteria_set, criterion__code="REL-2", language="fr"
    ).delete()
    criteria = list(criteria_set.criteria.order_by("group__position", "position"))
    assert criteria_localise(criteria=criteria, language="fr") == "fr"
    by_code = {c.code: c for c in criteria}
    assert by_code["REL-2"].title == "Decision relevance"
    assert (by_code["REL-2"].translation_status, by_code["REL-2"].text_language) == (
        MISSING,
        "en",
    )
    assert by_code["REL-1"].title == "Pertinence au regard du risque systémique"


def test_a_language_without_translations_is_english_flagged(criteria_set, settings):
    criteria = list(criteria_set.criteria.all())
    criteria_localise(criteria=criteria, language="da")
    assert all(c.translation_missing and c.text_language == "en" for c in criteria)


def test_a_localised_criterion_cannot_be_saved_over_the_english(criteria_set):
    criterion = _criterion(criteria_set, "REL-1")
    criteria_localise(criteria=[criterion], language="de")
    with pytest.raises(RuntimeError):
        criterion.save()
    assert _criterion(criteria_set, "REL-1").title == "Systemic-risk relevance"


def test_localising_takes_one_query_per_kind(criteria_set, django_assert_num_queries):
    groups = list(criteria_set.groups.all())
    criteria = list(criteria_set.criteria.all())
    with django_assert_num_queries(2):
        criteria_localise(criteria=criteria, groups=groups, language="de")
    with django_assert_num_queries(0):
        criteria_localise(criteria=criteria, groups=groups, language="en")


def test_new_version_copies_the_translations_as_current(criteria_set, staff):
    new = services.criteria_set_new_version(criteria_set=criteria_set, user=staff)
    rows = CriterionTranslation.objects.filter(criterion__criteria_set=new)
    assert rows.count() == 2 * new.criteria.count()
    assert not [row for row in rows if row.is_stale]
    assert CriterionGroupTranslation.objects.filter(group__criteria_set=new).count() == (
        2 * new.groups.count()
    )
    assert not [row for row in new.translations.all() if row.is_stale]
    assert new.translations.count() == 2
    # The old version keeps its own.
    assert CriterionTranslation.objects.filter(criterion__criteria_set=criteria_set).count() == (
        2 * criteria_set.criteria.count()
    )


def test_changed_english_makes_the_translation_need_review(criteria_set, staff, workshop):
    # Frozen: the edit lands in version 2, with the translations copied.
    ReviewFactory(assignment__submission__workshop=workshop, criteria_set=criteria_set)
    services.criteria_set_freeze(criteria_set=criteria_set)
    saved = criterion_reword(
        criteria_set, "REL-2", user=staff, title="Decision relevance, sharpened"
    )
    assert saved.criteria_set.version == 2
    rows = {
        row.criterion.code: row
        for row in CriterionTranslation.objects.filter(
            criterion__criteria_set=saved.criteria_set, language="de"
        ).select_related("criterion")
    }
    assert rows["REL-2"].is_stale
    assert not rows["REL-1"].is_stale
    criteria = list(saved.criteria_set.criteria.all())
    criteria_localise(criteria=criteria, language="de")
    changed = next(c for c in criteria if c.code == "REL-2")
    assert (changed.title, changed.translation_status) == ("Decision relevance, sharpened", STALE)
    # Version 1 is untouched: its German is still current.
    assert not CriterionTranslation.objects.get(
        criterion__criteria_set=criteria_set, criterion__code="REL-2", language="de"
    ).is_stale


# --- the translation page -------------------------------------------------------------


def _url(workshop, language="de"):
    return reverse("criteria:translations", args=[workshop.code, language])


def test_page_shows_the_english_beside_each_field(client, staff, workshop, criteria_set):
    client.force_login(staff)
    response = client.get(_url(workshop))
    html = response.content.decode()
    assert 'lang="en">Is the evaluation aimed at a specified systemic risk' in html
    assert 'lang="de"' in html
    assert 'value="Relevanz für systemische Risiken"' in html
    assert response.context["counts"] == {"current": 12, "stale": 0, "missing": 0}


def test_page_saves_a_changed_translation_and_audits_it(client, staff, workshop, criteria_set):
    client.force_login(staff)
    data = page_form_data(client.get(_url(workshop)))
    data["c-REL-1-title"] = "Systemrisiko-Relevanz"
    data["g-B-title"] = ""
    response = client.post(_url(workshop), data)
    assert response.status_code == 302
    row = CriterionTranslation.objects.get(
        criterion__criteria_set=criteria_set, criterion__code="REL-1", language="de"
    )
    assert row.title == "Systemrisiko-Relevanz"
    assert not row.is_stale
    assert not CriterionGroupTranslation.objects.filter(
        group__criteria_set=criteria_set, group__code="B", language="de"
    ).exists()
    event = AuditEvent.objects.get(action="criteria_set.translated")
    assert event.details["set"] is False
    assert event.details["language"] == "de"
    assert event.details["criteria"] == ["REL-1"]
    assert event.details["groups"] == ["B"]
    # Unchanged: nothing written, no event.
    client.post(_url(workshop), page_form_data(client.get(_url(workshop))))
    assert AuditEvent.objects.filter(action="criteria_set.translated").count() == 1


def test_page_refuses_a_half_translated_criterion(client, staff, workshop, criteria_set):
    client.force_login(staff)
    data = page_form_data(client.get(_url(workshop)))
    data["c-VAL-1-guidance"] = ""
    response = client.post(_url(workshop), data)
    assert response.status_code == 200
    assert response.context["form"].errors["c-VAL-1-guidance"] == [
        "Translate this text too, or leave the whole criterion empty."
    ]
    assert CriterionTranslation.objects.get(
        criterion__criteria_set=criteria_set, criterion__code="VAL-1", language="de"
    ).guidance


def test_page_removes_a_translation_left_empty(client, staff, workshop, criteria_set):
    client.force_login(staff)
    data = page_form_data(client.get(_url(workshop, "fr")))
    for name in list(data):
        if name.startswith("c-PRP-2-"):
            del data[name]
    client.post(_url(workshop, "fr"), data)
    assert not CriterionTranslation.objects.filter(
        criterion__criteria_set=criteria_set, criterion__code="PRP-2", language="fr"
    ).exists()
    assert CriterionTranslation.objects.filter(
        criterion__criteria_set=criteria_set, criterion__code="PRP-2", language="de"
    ).exists()


def test_stale_translation_is_confirmed_only_when_ticked(client, staff, workshop, criteria_set):
    criterion = _criterion(criteria_set, "ELI-1")
    criterion_reword(
        criteria_set,
        "ELI-1",
        user=staff,
        description=criterion.description + " Also consider agent scaffolds.",
    )
    client.force_login(staff)
    response = client.get(_url(workshop))
    assert response.context["counts"] == {"current": 11, "stale": 1, "missing": 0}
    assert "Needs review: the English changed" in response.content.decode()
    data = page_form_data(response)
    client.post(_url(workshop), data)
    row = CriterionTranslation.objects.get(criterion=criterion, language="de")
    assert row.is_stale
    data["c-ELI-1-checked"] = "on"
    client.post(_url(workshop), data)
    row.refresh_from_db()
    assert not row.is_stale


def test_page_answers_404_for_english_and_unknown_languages(client, staff, workshop):
    client.force_login(staff)
    assert client.get(_url(workshop, "en")).status_code == 404
    assert client.get(_url(workshop, "xx")).status_code == 404


@pytest.mark.parametrize("size", [3, 20])
def test_page_queries_constant(
    client, staff, workshop, criteria_set, size, django_assert_num_queries
):
    fill_set(criteria_set, criteria=size)
    client.force_login(staff)
    # session, user, staff group, MFA check, workshop, current version, set, groups, criteria,
    # the translations of the set, of groups, of criteria
    with django_assert_num_queries(12):
        response = client.get(_url(workshop))
    assert response.context["counts"]["missing"] == size


# --- readers ----------------------------------------------------------------------------


def test_preview_marks_what_is_not_translated(client, staff, workshop, criteria_set):
    CriterionTranslation.objects.filter(
        criterion__criteria_set=criteria_set, criterion__code="TRN-2", language="de"
    ).delete()
    staff.preferred_language = "de"
    staff.save(update_fields=["preferred_language"])
    client.force_login(staff)
    html = client.get(
        reverse("criteria:preview", args=[workshop.code, criteria_set.code])
    ).content.decode()
    assert "Relevanz für systemische Risiken" in html
    assert '<span lang="en">Reporting and responsible disclosure</span>' in html
    assert (
        html.count('class="badge text-bg-light border text-body fw-normal fs-6 untranslated"') == 1
    )


@pytest.mark.parametrize("size", [3, 20])
def test_preview_in_german_queries_constant(
    client, staff, workshop, criteria_set, size, django_assert_num_queries
):
    fill_set(criteria_set, criteria=size)
    staff.preferred_language = "de"
    staff.save(update_fields=["preferred_language"])
    client.force_login(staff)
    url = reverse("criteria:preview", args=[workshop.code, criteria_set.code])
    # the English page's 10, and the translations of the set, of groups and of criteria
    with django_assert_num_queries(13):
        response = client.get(url)
    # fill_set keeps the default set's title and its German, so the set's is translated.
    assert response.content.decode().count("untranslated") == size + (size + 2) // 3


def test_current_set_after_copy_is_the_copy(criteria_set, staff, workshop):
    new = services.criteria_set_new_version(criteria_set=criteria_set, user=staff)
    assert criteria_set_current(workshop=workshop) == new


def test_page_translates_the_set_title_and_description(client, staff, workshop, criteria_set):
    criteria_set.translations.filter(language="de").delete()
    client.force_login(staff)
    data = page_form_data(client.get(_url(workshop)))
    data["s-title"] = "Kriterien"
    response = client.post(_url(workshop), data)
    assert response.context["form"].errors["s-description"] == [
        "Translate the description too, or leave both empty."
    ]
    data["s-description"] = "Unsere Kriterien."
    client.post(_url(workshop), data)
    row = criteria_set.translations.get(language="de")
    assert (row.title, row.description, row.is_stale) == ("Kriterien", "Unsere Kriterien.", False)
    with translation.override("de"):
        loaded = criteria_set_with_criteria(criteria_set=criteria_set, localise=True)
    assert (loaded.title, loaded.translation_missing) == ("Kriterien", False)
    services.criteria_set_update(
        criteria_set=criteria_set, title="Criteria", description="Ours.", user=staff
    )
    with translation.override("de"):
        loaded = criteria_set_with_criteria(criteria_set=criteria_set, localise=True)
    assert (loaded.title, loaded.translation_status) == ("Criteria", STALE)


def test_line_breaks_as_browsers_send_them_change_nothing(client, staff, workshop, criteria_set):
    """Text areas come back with CRLF; the stored LF text is the same text."""
    client.force_login(staff)
    data = page_form_data(client.get(_url(workshop)))
    assert "\n" in data["s-description"]
    data["s-description"] = data["s-description"].replace("\n", "\r\n")
    client.post(_url(workshop), data)
    assert not AuditEvent.objects.filter(action="criteria_set.translated").exists()
