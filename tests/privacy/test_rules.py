"""Each personal-data permission, per persona: an export is its owner's alone."""

import pytest

from portal.permissions import has_perm
from privacy.models import DataExport
from privacy.rules import PERMISSIONS

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "evaluator", "other_evaluator", "reviewer", "staff")
SIGNED_IN = {persona: True for persona in (*PERSONAS, "superuser") if persona != "anonymous"}

EXPECTED = {
    "privacy.request_data_export": SIGNED_IN,
    # The export below is the evaluator's: nobody else, staff included.
    "privacy.see_data_export": {"evaluator": True},
    "privacy.download_data_export": {"evaluator": True},
}


def test_every_privacy_permission_is_tested_here():
    # The erasure permissions are tested in test_erasure_rules.py.
    assert sorted(EXPECTED) == sorted(name for name in PERMISSIONS if "erasure" not in name)


@pytest.mark.parametrize("persona", [*PERSONAS, "superuser"])
@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_privacy_permission_by_persona(request, evaluator, perm, persona):
    export = DataExport.objects.create(user=evaluator)
    user = request.getfixturevalue(persona)

    assert has_perm(user, perm, export) is EXPECTED[perm].get(persona, False)
