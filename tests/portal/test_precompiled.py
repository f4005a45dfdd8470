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
