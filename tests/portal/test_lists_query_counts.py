"""Every page that lists things keeps a constant number of queries as the list grows."""

import pytest
from django.urls import reverse

from portal.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [2, 30])
def test_organisation_list_queries_constant_for_member(
    client, evaluator, django_assert_num_queries, size
):
    for _ in range(size):
        MembershipFactory(user=evaluator, organisation=OrganisationFactory())
    client.force_login(evaluator)
    # session, user, staff-group check, paginator count, page of organisations
    with django_assert_num_queries(5):
        response = client.get(reverse("portal:organisation_list"))
    assert len(response.context["page"].object_list) == size + 1


@pytest.mark.parametrize("size", [2, 30])
def test_organisation_list_queries_constant_for_staff(
    client, staff, django_assert_num_queries, size
):
    for _ in range(size):
        MembershipFactory(organisation=OrganisationFactory())
    client.force_login(staff)
    # session, user, staff group, MFA check, count, page
    with django_assert_num_queries(6):
        response = client.get(reverse("portal:organisation_list"))
    assert len(response.context["page"].object_list) == size


@pytest.mark.parametrize("size", [2, 30])
def test_organisation_detail_queries_constant(
    client, org_admin, organisation, django_assert_num_queries, size
):
    for _ in range(size):
        MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
    client.force_login(org_admin)
    # One membership query answers both "see" and "manage" (portal.rules._role_in).
    with django_assert_num_queries(7):
        response = client.get(reverse("portal:organisation_detail", args=[organisation.code]))
    assert len(response.context["memberships"]) == size + 1


@pytest.mark.parametrize("size", [2, 30])
def test_staff_workshop_list_queries_constant(client, staff, django_assert_num_queries, size):
    WorkshopFactory.create_batch(size)
    client.force_login(staff)
    with django_assert_num_queries(6):
        response = client.get(reverse("portal:staff_workshop_list"))
    assert len(response.context["page"].object_list) == min(size, 25)


@pytest.mark.parametrize("size", [2, 30])
def test_dashboard_queries_constant(client, staff, django_assert_num_queries, size):
    WorkshopFactory.create_batch(size)
    for _ in range(size):
        MembershipFactory(user=staff, organisation=OrganisationFactory())
    client.force_login(staff)
    # Two of them: the open workshop invitations of the user (workshop_invitation_tags) and
    # the workshops whose invitation they accepted (debate_tags).
    with django_assert_num_queries(12):
        response = client.get(reverse("portal:dashboard"))
    assert len(response.context["organisations"]) == size
    assert len(response.context["staff_workshops"]) == size
