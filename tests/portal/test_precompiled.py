"""Querysets compiled once per process (portal.precompiled): the same rows, related objects
included, as the queryset itself, for each id; built once; one query per call."""

import pytest

from portal.models import Membership
from portal.precompiled import forget_compiled, precompiled_list
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    forget_compiled()
    yield
    forget_compiled()


def _memberships(user_id):
    return (
        Membership.objects.filter(user_id=user_id, organisation__name__startswith="Lab")
        .select_related("organisation")
        .order_by("organisation__name")
    )


def test_rows_match_the_queryset_for_each_id(django_assert_num_queries):
    builds = []

    def build(user_id):
        builds.append(user_id)
        return _memberships(user_id)

    first, second = UserFactory(), UserFactory()
    for name in ("Lab B", "Lab A", "Other"):
        MembershipFactory(user=first, organisation=OrganisationFactory(name=name))
    MembershipFactory(user=second, organisation=OrganisationFactory(name="Lab C"), role="admin")

    rows_first = precompiled_list("test", build, pk=first.pk)
    with django_assert_num_queries(1):
        rows_second = precompiled_list("test", build, pk=second.pk)
        # The related organisation came with the row (select_related), no query of its own.
        assert rows_second[0].organisation.name == "Lab C"

    assert len(builds) == 1  # compiled on the first call only
    expected_first = list(_memberships(first.pk))
    assert [m.pk for m in rows_first] == [m.pk for m in expected_first]
    assert [m.organisation.name for m in rows_first] == ["Lab A", "Lab B"]
    assert [(m.pk, m.role, m.user_id) for m in rows_second] == [
        (m.pk, m.role, m.user_id) for m in _memberships(second.pk)
    ]
    assert rows_second[0].role == "admin"
    assert precompiled_list("test", build, pk=UserFactory().pk) == []


def test_a_builder_that_ignores_the_id_is_refused():
    with pytest.raises(ValueError, match="does not use the id"):
        precompiled_list("ignores", lambda user_id: Membership.objects.all(), pk=1)


needs_postgresql = pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="prepared statements are PostgreSQL's",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_runs_it_as_a_prepared_statement(django_assert_num_queries, caplog):
    from django.db import connection

    first, second = UserFactory(), UserFactory()
    MembershipFactory(user=first, organisation=OrganisationFactory(name="Lab A"))
    MembershipFactory(user=second, organisation=OrganisationFactory(name="Lab B"))

    with django_assert_num_queries(2):  # PREPARE, EXECUTE
        rows = precompiled_list("test_prepared", _memberships, pk=first.pk)
    assert [m.organisation.name for m in rows] == ["Lab A"]
    with django_assert_num_queries(1):  # EXECUTE
        rows = precompiled_list("test_prepared", _memberships, pk=second.pk)
    assert [(m.user_id, m.organisation.name) for m in rows] == [(second.pk, "Lab B")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        names = [name for (name,) in cursor.fetchall()]
    assert any(name.startswith("portal_test_prepared_") for name in names)

    # A statement gone behind the portal's back (a pooler, DISCARD ALL): the plain SQL runs,
    # with the same rows, and the next call prepares it again.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    rows = precompiled_list("test_prepared", _memberships, pk=first.pk)
    assert [m.organisation.name for m in rows] == ["Lab A"]
    assert "Prepared statement portal_test_prepared_" in caplog.text
    with django_assert_num_queries(2):
        precompiled_list("test_prepared", _memberships, pk=first.pk)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_prepared_statements_can_be_switched_off(settings, django_assert_num_queries):
    settings.DATABASE_PREPARED_STATEMENTS = False
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Lab A"))
    for _ in range(2):
        with django_assert_num_queries(1) as captured:
            precompiled_list("test_unprepared", _memberships, pk=user.pk)
        assert "EXECUTE" not in captured.captured_queries[0]["sql"]
