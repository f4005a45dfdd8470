"""Each assignment permission, per persona and object state."""

import pytest
from django.utils import timezone

from assignment.models import AssignmentRun
from assignment.rules import PERMISSIONS
from portal.permissions import has_perm
from reviews.models import ReviewerApplication

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "evaluator", "reviewer", "staff", "superuser")
STAFF_ONLY = {"staff": True, "superuser": True}

# Bidding: on the reviewer's own approved application. Runs: on a finished, unpublished run.
EXPECTED = {
    "assignment.bid": {"reviewer": True},
    "assignment.manage_runs": STAFF_ONLY,
    "assignment.edit_proposal": STAFF_ONLY,
    "assignment.publish_run": STAFF_ONLY,
}


@pytest.fixture
def application(reviewer):
    return ReviewerApplication.objects.get(user=reviewer)


@pytest.fixture
def open_run(workshop, staff):
    return AssignmentRun.objects.create(
        workshop=workshop, created_by=staff, state=AssignmentRun.State.DONE
    )


def _object(perm, application, run):
    return application if perm == "assignment.bid" else run


def test_every_assignment_permission_is_tested_here():
    assert sorted(EXPECTED) == sorted(PERMISSIONS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_assignment_permission_by_persona(request, application, open_run, perm, persona):
    user = request.getfixturevalue(persona)

    allowed = has_perm(user, perm, _object(perm, application, open_run))

    assert allowed is EXPECTED[perm].get(persona, False)


@pytest.mark.parametrize("state", ["pending", "declined", "withdrawn"])
def test_no_bids_on_an_application_not_approved(reviewer, application, state):
    application.state = state

    assert has_perm(reviewer, "assignment.bid", application) is False


def test_no_bids_on_someone_elses_application(outsider, application):
    assert has_perm(outsider, "assignment.bid", application) is False


@pytest.mark.parametrize("perm", ["assignment.edit_proposal", "assignment.publish_run"])
@pytest.mark.parametrize("state", ["queued", "running", "failed", "published"])
def test_a_proposal_that_is_not_open_is_refused_to_staff(staff, open_run, perm, state):
    if state == "published":
        open_run.published_at = timezone.now()
    else:
        open_run.state = state

    assert has_perm(staff, perm, open_run) is False
