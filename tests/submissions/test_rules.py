"""Each submissions permission, per persona and submission state."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.permissions import has_perm
from submissions import services
from submissions.models import Submission
from submissions.rules import PERMISSIONS
from tests.factories import MembershipFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "evaluator", "org_admin", "other_evaluator", "superuser")
MEMBERS = {"evaluator": True, "org_admin": True}
STAFF_ONLY = {"staff": True, "superuser": True}

# On a draft whose contact is `evaluator`.
EXPECTED = {
    "submissions.create_submission": {
        **dict.fromkeys(PERSONAS, True),
        "anonymous": False,
        "staff": True,
    },
    "submissions.submit_for_organisation": MEMBERS,
    "submissions.see_submission": {**MEMBERS, **STAFF_ONLY},
    "submissions.download_file": {**MEMBERS, **STAFF_ONLY},
    "submissions.edit_submission": MEMBERS,
    "submissions.withdraw_submission": MEMBERS,
    "submissions.view_all_submissions": STAFF_ONLY,
    "submissions.screen_submission": STAFF_ONLY,
    "submissions.restore_submission": STAFF_ONLY,
    "submissions.extend_deadline": STAFF_ONLY,
    "submissions.view_version_diff": STAFF_ONLY,
}


def _object(perm, submission):
    """Files and versions carry their submission; the rest is about the submission."""
    if perm == "submissions.download_file":
        return submission.files.get()
    if perm == "submissions.view_version_diff":
        return None
    if perm == "submissions.submit_for_organisation":
        return submission.organisation
    return submission


def test_every_submissions_permission_is_tested_here():
    assert sorted(EXPECTED) == sorted(PERMISSIONS)


@pytest.mark.parametrize("persona", [*PERSONAS, "staff"])
@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_submissions_permission_by_persona(request, complete_draft, perm, persona):
    user = request.getfixturevalue(persona)

    allowed = has_perm(user, perm, _object(perm, complete_draft))

    assert allowed is EXPECTED[perm].get(persona, False)


@pytest.mark.parametrize(
    ("persona", "allowed"), [("evaluator", False), ("org_admin", True), ("other_evaluator", False)]
)
def test_withdraw_is_for_the_contact_or_an_administrator(
    request, workshop, organisation, evaluator, persona, allowed
):
    """A plain member who is not the contact may edit, not withdraw."""
    other_member = MembershipFactory(organisation=organisation).user
    submission = SubmissionFactory(
        workshop=workshop, organisation=organisation, contact=other_member
    )

    user = request.getfixturevalue(persona)

    assert has_perm(user, "submissions.withdraw_submission", submission) is allowed
    assert has_perm(other_member, "submissions.withdraw_submission", submission) is True


@pytest.mark.parametrize("state", [Submission.State.WITHDRAWN, Submission.State.ELIGIBLE])
@pytest.mark.parametrize("perm", ["submissions.edit_submission", "submissions.withdraw_submission"])
def test_members_may_not_change_a_submission_past_its_editable_states(
    evaluator, complete_draft, state, perm
):
    complete_draft.state = state

    assert has_perm(evaluator, perm, complete_draft) is False


@pytest.mark.parametrize("persona", ["other_evaluator", "staff", "superuser"])
def test_nobody_creates_a_submission_for_an_organisation_they_do_not_belong_to(
    request, workshop, organisation, persona
):
    with pytest.raises(PermissionDenied):
        services.submission_create(
            workshop=workshop,
            organisation=organisation,
            user=request.getfixturevalue(persona),
            title="On someone else's behalf",
        )

    assert not Submission.objects.filter(title="On someone else's behalf").exists()
