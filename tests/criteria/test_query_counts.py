"""The criteria pages keep a constant number of queries as the set grows."""

import pytest
from django.urls import reverse

from criteria import services
from criteria.selectors import criteria_set_current

from .conftest import fill_set

pytestmark = pytest.mark.django_db

SIZES = [3, 20]


@pytest.fixture
def sized(workshop, criteria_set, request):
    fill_set(criteria_set, criteria=request.param)
    return criteria_set


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_overview_queries_constant(client, staff, workshop, sized, django_assert_num_queries):
    # More versions too: one per size step.
    for _ in range(sized.criteria.count() // 3):
        services.criteria_set_new_version(
            criteria_set=criteria_set_current(workshop=workshop), user=None
        )
    client.force_login(staff)
    # session, user, staff group, MFA check, workshop, versions with counts, history panel
    with django_assert_num_queries(7):
        response = client.get(reverse("criteria:overview", args=[workshop.code]))
    assert len(response.context["versions"]) == sized.criteria.count() // 3 + 1


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_editor_queries_constant(client, staff, workshop, sized, django_assert_num_queries):
    client.force_login(staff)
    # session, user, staff group, MFA check, workshop, current version, set, groups, criteria
    with django_assert_num_queries(9):
        response = client.get(reverse("criteria:editor", args=[workshop.code]))
    assert sum(len(g.criteria.all()) for g in response.context["groups"]) == (
        sized.criteria.count()
    )


@pytest.mark.parametrize("sized", SIZES, indirect=True)
def test_preview_queries_constant(client, staff, workshop, sized, django_assert_num_queries):
    client.force_login(staff)
    url = reverse("criteria:preview", args=[workshop.code, sized.code])
    # session, user, staff group, MFA check, workshop, version, set, groups, criteria
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count("<fieldset disabled>") == sized.criteria.count()
