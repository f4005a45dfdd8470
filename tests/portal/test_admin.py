"""The Django admin's pages that the portal configures."""

import pytest
from django.urls import reverse

from portal.models import OutgoingEmail

pytestmark = pytest.mark.django_db

# Deleting a workshop: session, user, MFA, the workshop, its submissions counted.
QUERIES_WORKSHOP_DELETE_REFUSED = 5
# Without submissions: the same four, the count, then one query per kind of related object
# (the collector), whatever their number.
# One per kind of object a workshop can hold: 27, then the matcher-file exports, then the
# discussion, the consolidated assessments and the criteria debate (9 kinds), then the
# translations of criteria sets, of criteria and of criterion groups (3).
QUERIES_WORKSHOP_DELETE_COUNTS = 40


def test_outgoing_email_cannot_be_added_in_the_admin(client, superuser):
    """Every field of an outbox row is read-only in the admin, so its add form saved an
    empty row and answered 500; the outbox is written by the mail service alone."""
    client.force_login(superuser)

    page = client.get(reverse("admin:portal_outgoingemail_add"))
    post = client.post(reverse("admin:portal_outgoingemail_add"), {})

    assert (page.status_code, post.status_code) == (403, 403)
    assert OutgoingEmail.objects.count() == 0


# --- deleting a workshop -------------------------------------------------------------------


def _delete_url(workshop) -> str:
    return reverse("admin:portal_workshop_delete", args=[workshop.pk])


@pytest.mark.parametrize("size", [3, 30])
def test_workshop_with_submissions_is_not_deleted_and_the_page_says_why(
    client, superuser, django_assert_num_queries, size
):
    """Django's page listed every protected submission, a query or more each (about 4,000
    queries for a call of 10,000); it now counts them in one query and refuses."""
    from portal.models import Workshop  # noqa: PLC0415 -- test-local
    from tests.factories import SubmissionFactory, WorkshopFactory  # noqa: PLC0415 -- test-local

    workshop = WorkshopFactory(title="Brussels 2027")
    SubmissionFactory.create_batch(size, workshop=workshop, state="eligible")
    client.force_login(superuser)

    with django_assert_num_queries(QUERIES_WORKSHOP_DELETE_REFUSED):
        page = client.get(_delete_url(workshop))
    refused = client.post(_delete_url(workshop), {"post": "yes"})

    content = page.content.decode()
    assert page.status_code == 200
    assert f"“Brussels 2027” has {size} submissions." in content
    assert "would destroy the submitters' and evaluators' work" in content.replace("&#x27;", "'")
    assert "Yes, I’m sure" not in content
    assert refused.status_code == 200
    assert Workshop.objects.filter(pk=workshop.pk).exists()


@pytest.mark.parametrize("size", [3, 30])
def test_workshop_with_protected_objects_shows_their_counts(
    client, superuser, django_assert_num_queries, size
):
    """Reviewer applications protect their workshop too: counted per kind, not listed."""
    from portal.models import Workshop  # noqa: PLC0415 -- test-local
    from tests.factories import (  # noqa: PLC0415 -- test-local
        ReviewerApplicationFactory,
        WorkshopFactory,
    )

    workshop = WorkshopFactory(title="Mistaken draft")
    ReviewerApplicationFactory.create_batch(size, workshop=workshop)
    client.force_login(superuser)

    with django_assert_num_queries(QUERIES_WORKSHOP_DELETE_COUNTS):
        page = client.get(_delete_url(workshop))

    content = page.content.decode()
    assert page.status_code == 200
    assert f"<li>Reviewer applications: {size}</li>" in content
    assert "Yes, I’m sure" not in content
    assert client.post(_delete_url(workshop), {"post": "yes"}).status_code == 200
    assert Workshop.objects.filter(pk=workshop.pk).exists()


def test_workshop_without_dependants_shows_counts_and_is_deleted(client, superuser):
    from portal.models import Workshop  # noqa: PLC0415 -- test-local
    from tests.factories import WorkshopFactory  # noqa: PLC0415 -- test-local

    workshop = WorkshopFactory(title="Mistaken draft")
    client.force_login(superuser)

    page = client.get(_delete_url(workshop))

    content = page.content.decode()
    assert page.status_code == 200
    assert "<li>Workshops: 1</li>" in content
    assert "Yes, I’m sure" in content
    assert client.post(_delete_url(workshop), {"post": "yes"}).status_code == 302
    assert not Workshop.objects.filter(pk=workshop.pk).exists()


# --- changelists at scale ------------------------------------------------------------------

# Session, user, MFA, the count, the page (with its rows' relations joined); the user list
# asks the groups for its filter, the reviewer applications the workshops for theirs. No
# second count of the whole table (show_full_result_count).
QUERIES_ORGANISATION_CHANGELIST = 6
QUERIES_USER_CHANGELIST = 6
QUERIES_REVIEWER_APPLICATION_CHANGELIST = 6


@pytest.mark.parametrize("size", [3, 30])
def test_organisation_changelist_builds_the_country_list_once(
    client, superuser, django_assert_num_queries, size
):
    """The country column went through the field's flatchoices, which django-countries
    builds afresh (250 countries) for every row: two thirds of the page at 100 rows. Now
    the list is built once, for the country filter, whatever the number of rows."""
    from unittest import mock  # noqa: PLC0415 -- test-local

    from django_countries.fields import CountryField  # noqa: PLC0415 -- test-local

    from tests.factories import OrganisationFactory  # noqa: PLC0415 -- test-local

    OrganisationFactory.create_batch(size, country="DK")
    client.force_login(superuser)
    original = CountryField.flatchoices.fget
    built = mock.Mock(wraps=original)

    with (
        mock.patch.object(CountryField, "flatchoices", property(built)),
        django_assert_num_queries(QUERIES_ORGANISATION_CHANGELIST),
    ):
        page = client.get(reverse("admin:portal_organisation_changelist"))

    content = page.content.decode()
    assert page.status_code == 200
    assert built.call_count == 1
    assert content.count('<td class="field-country_name">Denmark</td>') == size
    assert content.count('name="_selected_action"') == size


@pytest.mark.parametrize("size", [3, 30])
def test_user_changelist_queries_do_not_grow(client, superuser, django_assert_num_queries, size):
    from tests.factories import UserFactory  # noqa: PLC0415 -- test-local

    UserFactory.create_batch(size)
    client.force_login(superuser)

    with django_assert_num_queries(QUERIES_USER_CHANGELIST):
        page = client.get(reverse("admin:portal_user_changelist"))

    assert page.status_code == 200
    assert page.content.decode().count('name="_selected_action"') == size + 1


@pytest.mark.parametrize("size", [3, 30])
def test_reviewer_application_changelist_queries_do_not_grow(
    client, superuser, django_assert_num_queries, size
):
    from tests.factories import (  # noqa: PLC0415 -- test-local
        ReviewerApplicationFactory,
        WorkshopFactory,
    )

    workshop = WorkshopFactory(title="Brussels 2027")
    applications = ReviewerApplicationFactory.create_batch(size, workshop=workshop)
    client.force_login(superuser)

    with django_assert_num_queries(QUERIES_REVIEWER_APPLICATION_CHANGELIST):
        page = client.get(reverse("admin:reviews_reviewerapplication_changelist"))

    content = page.content.decode()
    assert page.status_code == 200
    assert content.count('name="_selected_action"') == size
    assert str(applications[0].user) in content
    assert content.count(">Brussels 2027</td>") == size


# --- the same markup as Django's -----------------------------------------------------------


def test_row_checkbox_is_djangos_markup(superuser):
    """The changelist's checkbox, formatted instead of rendered through a template per row."""
    from django.contrib import admin  # noqa: PLC0415 -- test-local

    from portal.models import Organisation  # noqa: PLC0415 -- test-local
    from tests.factories import OrganisationFactory  # noqa: PLC0415 -- test-local

    organisation = OrganisationFactory(name='Lab "<One>" & Co')
    model_admin = admin.site.get_model_admin(Organisation)

    ours = model_admin.action_checkbox(organisation)

    assert ours == admin.ModelAdmin.action_checkbox(model_admin, organisation)
    assert "&lt;One&gt;" in ours


def test_selects_are_djangos_markup(rf, superuser):
    """The user's permissions and groups (filter_horizontal, 224 options on the change page),
    an organisation's country (250) and type, a membership's user and organisation: formatted
    instead of a template render per option, the same HTML."""
    from django import forms  # noqa: PLC0415 -- test-local
    from django.contrib import admin  # noqa: PLC0415 -- test-local
    from django.contrib.admin.widgets import FilteredSelectMultiple  # noqa: PLC0415 -- test
    from django.contrib.auth.models import Group, Permission  # noqa: PLC0415 -- test-local

    from portal.admin_base import FastSelectMixin, fast_select  # noqa: PLC0415 -- test-local
    from portal.models import Membership, Organisation, User  # noqa: PLC0415 -- test-local

    Group.objects.create(name='Reviewers "<A>" & B')
    request = rf.get("/")
    request.user = superuser
    chosen = [str(pk) for pk in Permission.objects.order_by("pk").values_list("pk", flat=True)[:2]]
    fields = [
        (User, "user_permissions", ([], chosen)),
        (User, "groups", ([], ["1"])),
        (User, "preferred_language", (["da"],)),
        (Organisation, "country", ([""], ["DK"])),
        (Organisation, "type", (["research"],)),
        (Membership, "organisation", ([],)),
    ]
    for model, name, values in fields:
        model_admin = admin.site.get_model_admin(model)
        field = model_admin.formfield_for_dbfield(model._meta.get_field(name), request)
        fast = getattr(field.widget, "widget", field.widget)
        assert isinstance(fast, FastSelectMixin), name
        for value in values:
            attrs = {"id": f"id_{name}"}
            # Django's own rendering: the widget's class past the mixin.
            django = super(FastSelectMixin, fast).render(name, value, attrs)
            assert fast.render(name, value, attrs) == django, name
        if name == "user_permissions":
            assert [label for _value, label in field.choices] == [
                str(permission) for permission in field.queryset
            ]
            assert django.count("<option") == Permission.objects.count() > 100
            assert django.count(" selected>") == len(chosen)

    grouped = [("Group <1>", [(1, "a & b"), (2, "c")]), (3, 'd "e"'), ("", "empty")]
    for widget in (
        FilteredSelectMultiple("things", True, attrs={"required": True}),
        forms.Select(attrs={"disabled": False, "data-x": "<y>"}),
    ):
        widget.choices = grouped
        for value in (["2"], ["3", ""]):
            slow = widget.render("x", value)
            assert fast_select(widget).render("x", value) == slow
            assert " selected>" in slow
