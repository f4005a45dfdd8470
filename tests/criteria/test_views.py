import json
from textwrap import dedent

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria import services
from criteria.selectors import criteria_set_current
from tests.factories import CriterionScoreFactory, ReviewFactory

from .conftest import snapshot

pytestmark = pytest.mark.django_db


def _url(name, workshop, *args):
    return reverse(f"criteria:{name}", args=[workshop.code, *args])


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def frozen(workshop, criteria_set):
    review = ReviewFactory(assignment__submission__workshop=workshop, state="submitted")
    CriterionScoreFactory(review=review)
    return services.criteria_set_freeze(criteria_set=criteria_set)


def _criterion_post(**overrides):
    data = {
        "group": "B",
        "code": "VAL-4",
        "title": "Grader calibration",
        "description": "Are model graders calibrated?",
        "guidance": "Look for agreement statistics.",
        "sources": "[BB]",
        "weight": "1.5",
        "allow_na": "on",
        "justification_required": "on",
        "levels-TOTAL_FORMS": "4",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "20",
        # Rows out of order and one left empty: saved sorted, the empty row dropped.
        "levels-0-level": "1",
        "levels-0-descriptor": "Some agreement reported",
        "levels-1-level": "0",
        "levels-1-descriptor": "No calibration",
        "levels-2-level": "",
        "levels-2-descriptor": "",
        "levels-3-level": "2",
        "levels-3-descriptor": "Calibrated against experts",
    }
    data.update(overrides)
    return data


# --- permissions ------------------------------------------------------------------------------

GET_PAGES = [
    ("overview", ()),
    ("editor", ()),
    ("import", ()),
    ("group_create", ()),
    ("group_edit", ("A",)),
    ("group_delete", ("A",)),
    ("criterion_create", ()),
    ("criterion_edit", ("REL-1",)),
    ("criterion_delete", ("REL-1",)),
]
POST_ACTIONS = [
    ("new_version", ()),
    ("create_default", ()),
    ("group_move", ("A",)),
    ("criterion_move", ("REL-1",)),
]


def _all_urls(workshop, criteria_set):
    urls = [("get", _url(name, workshop, *args)) for name, args in GET_PAGES]
    urls += [("post", _url(name, workshop, *args)) for name, args in POST_ACTIONS]
    urls += [
        ("get", _url("preview", workshop, criteria_set.code)),
        ("get", _url("export", workshop, criteria_set.code, "json")),
        ("get", _url("export", workshop, criteria_set.code, "yaml")),
    ]
    return urls


@pytest.mark.parametrize("persona", ["evaluator", "outsider", "reviewer"])
def test_non_staff_get_403_everywhere(client, request, workshop, criteria_set, persona):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot(criteria_set)

    statuses = {
        url: getattr(client, method)(url, {"direction": "up"}).status_code
        for method, url in _all_urls(workshop, criteria_set)
    }

    assert set(statuses.values()) == {403}
    assert snapshot(criteria_set) == before


def test_non_staff_get_404_everywhere_under_a_draft_workshop(
    client, evaluator, workshop, criteria_set
):
    """A workshop still in draft is seen by staff alone: a 403 would confirm it exists."""
    workshop.phase_override = "draft"
    workshop.save(update_fields=["phase_override"])
    client.force_login(evaluator)

    statuses = {
        url: getattr(client, method)(url, {"direction": "up"}).status_code
        for method, url in _all_urls(workshop, criteria_set)
    }

    assert set(statuses.values()) == {404}


def test_anonymous_redirected_to_login_everywhere(client, workshop, criteria_set):
    for method, url in _all_urls(workshop, criteria_set):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login") + "?next="), url


def test_staff_without_mfa_sent_to_mfa_setup(client, staff_without_mfa, workshop):
    client.force_login(staff_without_mfa)

    response = client.get(_url("overview", workshop))

    assert (response.status_code, response.url) == (302, reverse("mfa_activate_totp"))


def test_staff_sees_every_page(staff_client, workshop, criteria_set):
    for method, url in _all_urls(workshop, criteria_set):
        if method == "get":
            assert staff_client.get(url).status_code == 200, url


def test_unknown_workshop_and_version_are_404(staff_client, workshop, criteria_set):
    assert staff_client.get(reverse("criteria:overview", args=["nope"])).status_code == 404
    assert staff_client.get(_url("preview", workshop, "nope")).status_code == 404
    assert staff_client.get(_url("export", workshop, criteria_set.code, "xml")).status_code == 404
    assert staff_client.get(_url("criterion_edit", workshop, "NOPE")).status_code == 404


def test_move_needs_post(staff_client, workshop):
    assert staff_client.get(_url("criterion_move", workshop, "REL-1")).status_code == 405


# --- overview ---------------------------------------------------------------------------------


def test_overview_lists_versions_with_review_counts(staff_client, workshop, criteria_set, frozen):
    services.criteria_set_new_version(criteria_set=criteria_set, user=None)

    response = staff_client.get(_url("overview", workshop))

    rows = [
        (v.version, v.is_frozen, v.review_count, v.criterion_count)
        for v in response.context["versions"]
    ]
    assert rows == [(2, False, 0, 12), (1, True, 1, 12)]
    assert response.context["current"].version == 2
    assert "Frozen since" in response.content.decode()


def test_new_version_button(staff_client, workshop, criteria_set):
    response = staff_client.post(_url("new_version", workshop))

    assert response.status_code == 302
    assert criteria_set_current(workshop=workshop).version == 2


def test_create_default_when_workshop_has_none(staff_client, workshop, criteria_set):
    criteria_set.delete()
    assert staff_client.get(_url("overview", workshop)).context["current"] is None

    staff_client.post(_url("create_default", workshop))

    assert criteria_set_current(workshop=workshop).criteria.count() == 12


# --- editor -----------------------------------------------------------------------------------


def test_editor_updates_title_and_description(staff_client, workshop, criteria_set):
    response = staff_client.post(
        _url("editor", workshop), {"title": "Call 2027 criteria", "description": "Adapted.\r\nOK"}
    )

    assert response.status_code == 302
    criteria_set.refresh_from_db()
    assert (criteria_set.title, criteria_set.description) == ("Call 2027 criteria", "Adapted.\nOK")


def test_editor_shows_error_for_empty_title(staff_client, workshop, criteria_set):
    response = staff_client.post(_url("editor", workshop), {"title": "", "description": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"title": ["This field is required."]}


def test_editor_lists_groups_and_criteria(staff_client, workshop):
    response = staff_client.get(_url("editor", workshop))

    assert [g.code for g in response.context["groups"]] == list("ABCDEF")
    html = response.content.decode()
    assert "Move REL-1 down" in html
    assert 'id="criterion-ELI-2"' in html


def test_group_create_edit_delete(staff_client, workshop, criteria_set):
    response = staff_client.post(_url("group_create", workshop), {"code": "G", "title": "Gov"})
    assert response.status_code == 302
    assert response.url == _url("editor", workshop) + "#group-G"

    staff_client.post(_url("group_edit", workshop, "G"), {"code": "GOV", "title": "Governance"})
    assert criteria_set.groups.get(code="GOV").title == "Governance"

    staff_client.post(_url("group_delete", workshop, "GOV"))
    assert list(criteria_set.groups.values_list("code", flat=True)) == list("ABCDEF")


def test_group_form_shows_duplicate_code_error(staff_client, workshop):
    response = staff_client.post(_url("group_create", workshop), {"code": "A", "title": "X"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["There is already a group with the code A in this set."]
    }


def test_group_delete_confirmation_lists_criteria(staff_client, workshop):
    response = staff_client.get(_url("group_delete", workshop, "B"))

    assert [c.code for c in response.context["criteria"]] == ["VAL-1", "VAL-2", "VAL-3"]


def test_criterion_create(staff_client, workshop, criteria_set):
    response = staff_client.post(_url("criterion_create", workshop), _criterion_post())

    assert response.status_code == 302
    assert response.url == _url("editor", workshop) + "#criterion-VAL-4"
    created = criteria_set.criteria.get(code="VAL-4")
    assert created.levels == [
        {"level": 0, "descriptor": "No calibration"},
        {"level": 1, "descriptor": "Some agreement reported"},
        {"level": 2, "descriptor": "Calibrated against experts"},
    ]
    assert (created.group.code, created.position, str(created.weight), created.allow_na) == (
        "B",
        3,
        "1.50",
        True,
    )


def test_criterion_create_form_preselects_group_and_levels(staff_client, workshop):
    response = staff_client.get(_url("criterion_create", workshop) + "?group=C")

    assert response.context["form"]["group"].value() == "C"
    assert [f["level"].value() for f in response.context["formset"]][:5] == [0, 1, 2, 3, 4]


def test_criterion_edit_prefills_and_saves(staff_client, workshop, criteria_set):
    response = staff_client.get(_url("criterion_edit", workshop, "ELI-2"))
    assert response.context["form"]["allow_na"].value() is True
    assert len(response.context["formset"].forms) == 7  # five levels and two empty rows

    staff_client.post(
        _url("criterion_edit", workshop, "ELI-2"),
        _criterion_post(code="ELI-2", group="C", allow_na=""),
    )

    eli2 = criteria_set.criteria.get(code="ELI-2")
    assert (eli2.title, eli2.allow_na, len(eli2.levels)) == ("Grader calibration", False, 3)


def test_criterion_form_shows_level_errors(staff_client, workshop, criteria_set):
    before = snapshot(criteria_set)

    response = staff_client.post(
        _url("criterion_create", workshop),
        _criterion_post(**{"levels-1-descriptor": "", "levels-3-level": "3"}),
    )

    assert response.status_code == 200
    assert response.context["level_errors"] == [
        "Levels must be consecutive whole numbers in ascending order (found 0, 1, 3).",
        "Level 0 has no descriptor.",
    ]
    assert snapshot(criteria_set) == before


def test_criterion_form_row_without_number(staff_client, workshop):
    response = staff_client.post(
        _url("criterion_create", workshop), _criterion_post(**{"levels-3-level": ""})
    )

    assert response.context["level_errors"] == ["Row 4: enter the level number."]


def test_criterion_form_duplicate_code(staff_client, workshop):
    response = staff_client.post(_url("criterion_create", workshop), _criterion_post(code="REL-1"))

    assert response.context["form"].errors == {
        "code": ["There is already a criterion with the code REL-1 in this set."]
    }


def test_criterion_delete(staff_client, workshop, criteria_set):
    response = staff_client.post(_url("criterion_delete", workshop, "VAL-2"))

    assert response.status_code == 302
    assert not criteria_set.criteria.filter(code="VAL-2").exists()


def test_reorder_buttons(staff_client, workshop, criteria_set):
    response = staff_client.post(_url("criterion_move", workshop, "VAL-1"), {"direction": "down"})
    assert response.url == _url("editor", workshop) + "#criterion-VAL-1"
    staff_client.post(_url("group_move", workshop, "C"), {"direction": "up"})

    assert list(criteria_set.groups.values_list("code", flat=True)) == list("ACBDEF")
    assert list(criteria_set.criteria.values_list("code", flat=True))[:7] == [
        "REL-1",
        "REL-2",
        "ELI-1",
        "ELI-2",
        "VAL-2",
        "VAL-1",
        "VAL-3",
    ]


def test_reorder_at_the_edge_shows_message(staff_client, workshop, criteria_set):
    response = staff_client.post(
        _url("group_move", workshop, "A"), {"direction": "up"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["Group A is already the first."]


def test_frozen_edit_through_editor_creates_v2(staff_client, workshop, criteria_set, frozen):
    before = snapshot(criteria_set)

    response = staff_client.post(
        _url("criterion_edit", workshop, "VAL-1"),
        _criterion_post(code="VAL-1", title="Internal validity (v2)"),
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Criterion VAL-1 saved.",
        "Version 1 is frozen because reviews have been submitted against it, so your change "
        "was saved as version 2. Version 1 and its scores are unchanged.",
    ]
    assert response.context["criteria_set"].version == 2
    assert snapshot(criteria_set) == before
    assert "Edit criteria, version 2" in response.content.decode()


def test_frozen_editor_warns(staff_client, workshop, frozen):
    html = staff_client.get(_url("editor", workshop)).content.decode()

    assert "Version 1 is frozen because reviews have been submitted against it." in html


# --- preview ----------------------------------------------------------------------------------


def test_preview_shows_criteria_as_reviewers_see_them(staff_client, workshop, criteria_set):
    response = staff_client.get(_url("preview", workshop, criteria_set.code))

    html = response.content.decode()
    assert html.count('type="radio"') == 12 * 5 + 1  # five levels each, N/A once (ELI-2)
    assert 'id="preview-ELI-2-na"' in html
    assert 'id="preview-REL-1-na"' not in html
    assert html.count("<fieldset disabled>") == 12
    assert "Absent: no link to any systemic risk is made." in html
    assert "Justification (required)" in html


def test_preview_of_old_version(staff_client, workshop, criteria_set, frozen):
    services.criterion_delete(criterion=criteria_set.criteria.get(code="VAL-1"), user=None)

    response = staff_client.get(_url("preview", workshop, criteria_set.code))

    assert response.context["criteria_set"].version == 1
    assert 'id="preview-VAL-1-level-0"' in response.content.decode()


# --- export and import ------------------------------------------------------------------------


@pytest.mark.parametrize(("format", "loads"), [("json", json.loads), ("yaml", yaml.safe_load)])
def test_export_download(staff_client, workshop, criteria_set, format, loads):
    response = staff_client.get(_url("export", workshop, criteria_set.code, format))

    assert response["Content-Disposition"] == (
        f'attachment; filename="criteria-{workshop.code}-v1.{format}"'
    )
    assert response["Content-Type"].endswith("; charset=utf-8")
    assert response.content.decode() == services.criteria_set_export(
        criteria_set=criteria_set, format=format
    )
    assert loads(response.content)["title"] == criteria_set.title


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_import_upload_round_trip(staff_client, workshop, criteria_set, format):
    exported = staff_client.get(_url("export", workshop, criteria_set.code, format)).content
    upload = SimpleUploadedFile(f"criteria.{format}", exported.replace(b"VAL-3", b"VAL-7"))

    response = staff_client.post(_url("import", workshop), {"file": upload, "format": "auto"})

    assert response.status_code == 302
    assert criteria_set.criteria.filter(code="VAL-7").exists()
    again = staff_client.get(_url("export", workshop, criteria_set.code, format)).content
    assert again == exported.replace(b"VAL-3", b"VAL-7")


def test_import_paste_with_errors_changes_nothing(staff_client, workshop, criteria_set):
    before = snapshot(criteria_set)
    text = dedent(
        """\
        title: x
        groups:
        - code: A
          title: A
          criteria:
          - code: X
            title: X
            levels:
            - level: 0
              descriptor: a
            - level: 1
        """
    )

    response = staff_client.post(_url("import", workshop), {"text": text, "format": "auto"})

    assert response.status_code == 200
    assert response.context["problems"] == ["line 11: criterion X: level 1 has no descriptor"]
    assert "nothing was changed" in response.content.decode()
    assert snapshot(criteria_set) == before


def test_import_form_needs_exactly_one_source(staff_client, workshop):
    response = staff_client.post(_url("import", workshop), {"text": " ", "format": "auto"})

    assert response.context["form"].non_field_errors() == ["Upload a file or paste the content."]


def test_import_rejects_non_utf8_upload(staff_client, workshop):
    upload = SimpleUploadedFile("criteria.yaml", "title: é".encode("latin-1"))

    response = staff_client.post(_url("import", workshop), {"file": upload, "format": "auto"})

    assert response.context["form"].non_field_errors() == [
        "The file is not UTF-8 text. Save it as UTF-8 and upload it again."
    ]


def test_import_into_frozen_version_via_page(staff_client, workshop, criteria_set, frozen):
    text = services.criteria_set_export(criteria_set=criteria_set, format="json")

    response = staff_client.post(
        _url("import", workshop), {"text": text, "format": "json"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Version 1 is frozen, so the import was saved as version 2. Version 1 and its "
        "scores are unchanged."
    ]
