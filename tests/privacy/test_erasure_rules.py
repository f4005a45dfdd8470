"""Each erasure permission, per persona, on a request waiting for a decision and on one
already decided. A superuser is AI Office staff."""

import pytest

from portal.permissions import has_perm
from privacy.models import ErasureRequest
from privacy.rules import PERMISSIONS

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "evaluator", "staff", "superuser")
SIGNED_IN = {persona: True for persona in PERSONAS if persona != "anonymous"}
STAFF = {"staff": True, "superuser": True}

# The request is the evaluator's.
EXPECTED = {
    "privacy.request_erasure": (SIGNED_IN, SIGNED_IN),
    "privacy.withdraw_erasure": ({"evaluator": True}, {}),
    "privacy.view_erasure_requests": (STAFF, STAFF),
    "privacy.decide_erasure": (STAFF, {}),
}


def test_every_erasure_permission_is_tested_here():
    # privacy.rules also holds the data export's permissions (tested beside them).
    erasure = {name for name in PERMISSIONS if "erasure" in name}
    assert sorted(EXPECTED) == sorted(erasure)


@pytest.mark.parametrize("decided", [False, True], ids=["requested", "refused"])
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_erasure_permission_by_persona(request, evaluator, perm, persona, decided):
    user = request.getfixturevalue(persona)
    state = ErasureRequest.State.REFUSED if decided else ErasureRequest.State.REQUESTED
    erasure_request = ErasureRequest.objects.create(user=evaluator, state=state)

    expected = EXPECTED[perm][decided].get(persona, False)
    assert has_perm(user, perm, erasure_request) is expected


def test_staff_never_decide_their_own_request(staff):
    own = ErasureRequest.objects.create(user=staff)
    assert has_perm(staff, "privacy.view_erasure_requests", own)
    assert not has_perm(staff, "privacy.decide_erasure", own)
    assert has_perm(staff, "privacy.withdraw_erasure", own)
