"""The "History" panel (templates/portal/_audit_history.html, selector
portal.audit.selectors.audit_history_for): staff see every event of an object with names
and values; the submitting organisation sees its own submission's history with the AI
Office and the reviewers unnamed; nobody else sees a panel."""

import pytest
from django.urls import reverse

from assignment.models import AssignmentRun
from portal.audit.selectors import audit_history_for
from portal.services.audit import audit_record
from reports.models import ReportJob
from tests.factories import SubmissionFactory, UserFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(organisation):
    return SubmissionFactory(organisation=organisation, title="Uplift study")


@pytest.fixture
def history(submission, org_admin, staff, reviewer):
    """One event by each kind of actor on the submission, and one on another object."""
    audit_record(
        action="submission.updated",
        obj=submission,
        actor=org_admin,
        changes={"title": ["Draft study", "Uplift study"]},
    )
    audit_record(
        action="submission.screened",
        obj=submission,
        actor=staff,
        changes={"state": ["submitted", "eligible"]},
        details={"note": "internal remark"},
    )
    audit_record(action="conflict.declared", obj=submission, actor=reviewer)
    audit_record(action="submission.reminded", obj=submission)
    audit_record(action="submission.updated", obj=SubmissionFactory(), actor=org_admin)


def _panel(response):
    return response.context["history"]


def test_staff_see_every_event_with_names_values_and_a_link(client, staff, submission, history):
    client.force_login(staff)

    response = client.get(reverse("submissions:detail", args=[submission.code]))

    panel = _panel(response)
    assert panel.for_staff
    assert [entry.verb for entry in panel.entries] == [
        "submission.reminded",
        "conflict.declared",
        "submission.screened",
        "submission.updated",
    ]
    who = [entry.who for entry in panel.entries]
    assert who == ["system: system", "Rui Reviewer", "Sofie Staff", "Anna Admin"]
    assert panel.entries[2].changes == ["state: submitted → eligible"]
    assert panel.entries[2].details == ["note: internal remark"]
    page = response.content.decode()
    full = f"{reverse('portal:audit_log')}?object_type=submission&amp;object_code={submission.code}"
    assert full in page
    assert "Full history" in page and "Rui Reviewer" in page


def test_members_see_their_submissions_history_anonymised(client, evaluator, submission, history):
    client.force_login(evaluator)

    response = client.get(reverse("submissions:detail", args=[submission.code]))

    panel = _panel(response)
    assert not panel.for_staff
    assert [(entry.verb, entry.who) for entry in panel.entries] == [
        ("submission.reminded", "The portal"),
        ("conflict.declared", "A reviewer"),
        ("submission.screened", "AI Office"),
        ("submission.updated", "Anna Admin"),  # a colleague
    ]
    # Which fields changed, never their values nor the details.
    assert panel.entries[2].changes == ["state"]
    assert panel.entries[2].details == []
    page = response.content.decode()
    for hidden in ("Rui Reviewer", "Sofie Staff", "internal remark", "eligible", "Full history"):
        assert hidden not in page
    assert "AI Office" in page and "A reviewer" in page


def test_reviewers_are_unnamed_whatever_the_workshops_anonymity(evaluator, organisation, reviewer):
    # Submitters never learn who reviewed them (their reviews read "Reviewer A").
    submission = SubmissionFactory(
        organisation=organisation, workshop=WorkshopFactory(anonymous_review=False)
    )
    audit_record(action="conflict.declared", obj=submission, actor=reviewer)

    panel = audit_history_for(user=evaluator, object_type="submission", code=submission.code)

    assert [entry.who for entry in panel.entries] == ["A reviewer"]


def test_other_organisations_get_no_page_and_no_history(
    client, other_evaluator, outsider, reviewer, submission, history
):
    client.force_login(other_evaluator)
    assert client.get(reverse("submissions:detail", args=[submission.code])).status_code == 404
    for user in (other_evaluator, outsider, reviewer):
        assert audit_history_for(user=user, object_type="submission", code=submission.code) is None


def test_objects_without_an_owner_have_a_history_for_staff_only(evaluator, staff):
    workshop = WorkshopFactory()
    audit_record(action="workshop.updated", obj=workshop, actor=staff)

    assert audit_history_for(user=evaluator, object_type="workshop", code=workshop.code) is None
    staff_view = audit_history_for(user=staff, object_type="workshop", code=workshop.code)
    assert [entry.verb for entry in staff_view.entries] == ["workshop.updated"]


def test_a_deleted_account_reads_as_such(evaluator, submission, staff):
    gone = UserFactory()
    audit_record(action="submission.updated", obj=submission, actor=gone)
    gone_id = gone.pk
    gone.delete()

    assert audit_history_for(
        user=evaluator, object_type="submission", code=submission.code
    ).entries[0].who == ("A deleted account")
    assert audit_history_for(user=staff, object_type="submission", code=submission.code).entries[
        0
    ].who == (f"deleted account #{gone_id}")


def test_the_panel_shows_the_latest_twenty(staff, submission):
    for n in range(25):
        audit_record(action="submission.updated", obj=submission, details={"n": n})

    panel = audit_history_for(user=staff, object_type="submission", code=submission.code)

    assert [entry.details for entry in panel.entries] == [[f"n: {n}"] for n in range(24, 4, -1)]
    assert panel.more


# The submission page with its panel. Staff: the history, actors joined (and their MFA
# check). Members: the organisation the submission belongs to, then the history with each
# actor's membership and staff group as EXISTS (their own membership was read already for
# the page's permissions).
PAGE_QUERIES = {"staff": 12, "evaluator": 12}


@pytest.mark.parametrize("size", [2, 30])
@pytest.mark.parametrize("persona", ["staff", "evaluator"])
def test_submission_page_queries_do_not_grow_with_its_history(
    request, client, submission, org_admin, staff, django_assert_num_queries, size, persona
):
    user = request.getfixturevalue(persona)
    for _ in range(size):
        audit_record(action="submission.updated", obj=submission, actor=org_admin)
        audit_record(action="submission.screened", obj=submission, actor=staff)
    client.force_login(user)

    with django_assert_num_queries(PAGE_QUERIES[persona]):
        response = client.get(reverse("submissions:detail", args=[submission.code]))

    assert len(_panel(response).entries) == min(2 * size, 20)


# --- the other pages with a panel ---------------------------------------------------------


def test_assignment_run_page_has_the_runs_history(client, staff):
    workshop = WorkshopFactory()
    run = AssignmentRun.objects.create(workshop=workshop, created_by=staff, settings={})
    audit_record(action="assignment_run.started", obj=run, actor=staff)
    client.force_login(staff)

    response = client.get(reverse("assignment:run", args=[workshop.code, run.code]))

    assert [entry.verb for entry in _panel(response).entries] == ["assignment_run.started"]
    assert "Assignment run started" in response.content.decode()  # its label, registered


def test_criteria_overview_has_the_history_of_the_set_its_groups_and_criteria(client, staff):
    workshop = WorkshopFactory()
    other = WorkshopFactory()
    audit_record(
        action="criterion.updated", object_type_name="criterion", code="C1", workshop=workshop
    )
    audit_record(
        action="criteria_set.updated", object_type_name="criteriaset", code="s", workshop=workshop
    )
    audit_record(
        action="criterion.updated", object_type_name="criterion", code="C1", workshop=other
    )
    client.force_login(staff)

    response = client.get(reverse("criteria:overview", args=[workshop.code]))

    assert [entry.verb for entry in _panel(response).entries] == [
        "criteria_set.updated",
        "criterion.updated",
    ]
    assert f"?workshop={workshop.code}" in response.content.decode()


def test_reports_page_has_the_history_of_the_workshops_report_jobs(client, staff):
    workshop = WorkshopFactory()
    job = ReportJob.objects.create(
        workshop=workshop, kind=ReportJob.Kind.SCORES_CSV, params_hash="h", created_by=staff
    )
    audit_record(action="report.requested", obj=job, actor=staff)
    # A deleted job's events stay in its workshop's history.
    audit_record(
        action="report.deleted", object_type_name="reportjob", code="gone", workshop=workshop
    )
    client.force_login(staff)

    response = client.get(reverse("reports:index", args=[workshop.code]))

    assert [entry.verb for entry in _panel(response).entries] == [
        "report.deleted",
        "report.requested",
    ]
