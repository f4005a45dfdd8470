"""Each portal permission, per persona. A superuser is AI Office staff, never a member."""

import pytest

from portal.permissions import has_perm
from portal.rules import PERMISSIONS

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "evaluator", "org_admin", "other_evaluator", "staff")
STAFF_ONLY = {"staff": True, "superuser": True}

EXPECTED = {
    "portal.view_public_pages": dict.fromkeys((*PERSONAS, "superuser"), True),
    "portal.use_portal": {**dict.fromkeys(PERSONAS, True), "anonymous": False, "superuser": True},
    "portal.create_organisation": {
        **dict.fromkeys(PERSONAS, True),
        "anonymous": False,
        "superuser": True,
    },
    "portal.see_organisation": {"evaluator": True, "org_admin": True, **STAFF_ONLY},
    "portal.manage_organisation": {"org_admin": True, **STAFF_ONLY},
    "portal.view_all_organisations": STAFF_ONLY,
    "portal.view_all_workshops": STAFF_ONLY,
    "portal.manage_workshops": STAFF_ONLY,
    "portal.view_staff_pages": STAFF_ONLY,
    "portal.view_audit_log": STAFF_ONLY,
    # Their own tokens only: the lookup finds nobody else's.
    "portal.manage_api_tokens": {
        **dict.fromkeys(PERSONAS, True),
        "anonymous": False,
        "superuser": True,
    },
}


def test_every_portal_permission_is_tested_here():
    assert sorted(EXPECTED) == sorted(PERMISSIONS)


@pytest.mark.parametrize("persona", [*PERSONAS, "superuser"])
@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_portal_permission_by_persona(request, organisation, perm, persona):
    user = request.getfixturevalue(persona)

    assert has_perm(user, perm, organisation) is EXPECTED[perm].get(persona, False)


def test_membership_is_queried_once_for_several_permissions(
    evaluator, organisation, django_assert_num_queries
):
    # A page checks several permissions on one object (see, manage; see, edit, withdraw):
    # the role is read once per user object, that is once per request. (Whether they are
    # staff is memoised on the user too, and asked by the middleware on every request.)
    assert not evaluator.is_ai_office_staff
    with django_assert_num_queries(1):
        assert has_perm(evaluator, "portal.see_organisation", organisation)
        assert not has_perm(evaluator, "portal.manage_organisation", organisation)
        assert has_perm(evaluator, "portal.see_organisation", organisation)
