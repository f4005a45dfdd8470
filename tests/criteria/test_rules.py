import pytest
import rules

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("staff", True),
        ("staff_without_mfa", True),  # MFA is enforced by middleware, not by the predicate
        ("evaluator", False),
        ("reviewer", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_manage_criteria(request, workshop, persona, allowed):
    user = request.getfixturevalue(persona)

    assert rules.has_perm("criteria.manage_criteria", user, workshop) is allowed
