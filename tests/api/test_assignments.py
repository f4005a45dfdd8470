"""The API's assignments: the staff's list and a reviewer's own, bulk changes (JSON and
CSV, dry run, all or nothing), and automatic assignment runs (start, poll, list, publish)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assignment.models import AssignmentRun, ProposedPair
from portal.services.tokens import api_token_create
from reviews.models import Assignment, ReviewerApplication
from reviews.selectors.conflicts import conflict_reasons
from submissions.models import Submission
from tests.factories import (
    AssignmentFactory,
    ReviewerApplicationFactory,
    ReviewerTieFactory,
    SubmissionFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def _bearer(user, *scopes):
    _token, secret = api_token_create(user=user, name="test", scopes=list(scopes))
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def workshop(db):
    return WorkshopFactory(title="Assignment API call")


@pytest.fixture
def submissions(workshop, organisation):
    return [
        SubmissionFactory(
            workshop=workshop,
            organisation=organisation,
            title=f"Study {n}",
            state=Submission.State.ELIGIBLE,
        )
        for n in range(3)
    ]


def _approved(workshop, email, name):
    user = UserFactory(email=email, full_name=name)
    application = ReviewerApplicationFactory(
        workshop=workshop, user=user, state=ReviewerApplication.State.APPROVED
    )
    return user, application


@pytest.fixture
def reviewers(workshop):
    return [_approved(workshop, f"rev{n}@example.org", f"Rev {n}") for n in range(2)]


@pytest.fixture
def conflicted(workshop, organisation):
    """An approved reviewer with a declared tie to the organisation of every submission."""
    user, application = _approved(workshop, "tied@example.org", "Tia Tied")
    ReviewerTieFactory(user=user, organisation=organisation)
    return user, application


@pytest.fixture
def staff_headers(staff):
    return _bearer(staff, "assignments:read", "assignments:write")


# --- the list -------------------------------------------------------------------------------


def test_staff_list_filters_by_workshop_submission_reviewer_and_state(
    client, staff_headers, workshop, submissions, reviewers
):
    (rev0, app0), (rev1, _app1) = reviewers
    first = AssignmentFactory(
        workshop=workshop,
        submission=submissions[0],
        reviewer=rev0,
        state=Assignment.State.ASSIGNED,
    )
    AssignmentFactory(
        workshop=workshop,
        submission=submissions[1],
        reviewer=rev1,
        state=Assignment.State.ACCEPTED,
    )
    AssignmentFactory()  # another workshop's

    url = reverse("api:assignment-list")
    everything = client.get(url, headers=staff_headers).json()
    assert everything["count"] == 3

    response = client.get(
        url, {"workshop": workshop.code, "reviewer": app0.code}, headers=staff_headers
    )
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["code"] == first.code
    assert row["workshop"] == workshop.code
    assert row["submission"] == {"code": submissions[0].code, "title": "Study 0"}
    assert row["reviewer"] == {"id": app0.code, "name": "Rev 0", "email": "rev0@example.org"}
    assert row["state"] == "assigned"
    assert row["review_status"] == "todo"
    assert row["deadline"].endswith("Z")

    accepted = client.get(
        url, {"state": "accepted", "workshop": workshop.code}, headers=staff_headers
    ).json()
    assert [r["submission"]["code"] for r in accepted["results"]] == [submissions[1].code]
    by_submission = client.get(url, {"submission": submissions[0].code}, headers=staff_headers)
    assert [r["code"] for r in by_submission.json()["results"]] == [first.code]


def test_a_refused_filter_is_a_problem(client, staff_headers):
    response = client.get(reverse("api:assignment-list"), {"state": "x"}, headers=staff_headers)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "state" in response.json()["errors"]


def test_reviewer_sees_their_own_live_assignments_only(
    client, workshop, submissions, reviewers, conflicted
):
    (rev0, _app0), (rev1, _app1) = reviewers
    mine = AssignmentFactory(workshop=workshop, submission=submissions[0], reviewer=rev0)
    AssignmentFactory(
        workshop=workshop,
        submission=submissions[1],
        reviewer=rev0,
        state=Assignment.State.DECLINED,
    )
    AssignmentFactory(workshop=workshop, submission=submissions[2], reviewer=rev1)
    client.force_login(rev0)

    response = client.get(reverse("api:assignment-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["code"] == mine.code
    assert body["results"][0]["reviewer"] is None
    # Naming another reviewer finds nothing in one's own list.
    other = client.get(reverse("api:assignment-list"), {"reviewer": "abc"}).json()
    assert other["count"] == 0

    # A conflicted assignment is left out, as on "My reviews".
    tied, _app = conflicted
    AssignmentFactory(workshop=workshop, submission=submissions[0], reviewer=tied)
    client.force_login(tied)
    assert client.get(reverse("api:assignment-list")).json()["count"] == 0


def _assignments(workshop, count):
    submission = SubmissionFactory(workshop=workshop, state=Submission.State.ELIGIBLE)
    for n in range(count):
        user, _application = _approved(workshop, f"bulk{count}-{n}@example.org", f"R {n}")
        AssignmentFactory(workshop=workshop, submission=submission, reviewer=user)


def test_staff_list_costs_the_same_queries_whatever_its_length(
    client, staff_headers, django_assert_num_queries
):
    url = reverse("api:assignment-list")
    small = WorkshopFactory()
    _assignments(small, 2)
    client.get(url, headers=staff_headers)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(url, headers=staff_headers).json()["count"] == 2
    _assignments(WorkshopFactory(), 10)
    with django_assert_num_queries(len(baseline.captured_queries)):
        assert client.get(url, headers=staff_headers).json()["count"] == 12


# --- bulk -----------------------------------------------------------------------------------


def _bulk_url(workshop):
    return reverse("api:assignment-bulk", args=[workshop.code])


def test_bulk_dry_run_lists_a_conflict_with_its_reason_and_creates_nothing(
    client, staff_headers, workshop, submissions, reviewers, conflicted
):
    (_rev0, app0), _second = reviewers
    tied, tied_app = conflicted
    body = {
        "dry_run": True,
        "assignments": [
            {"submission": submissions[0].code, "reviewer": app0.code},
            {"submission": submissions[0].code, "reviewer": tied_app.code, "action": "assign"},
            {"submission": "NOSUCH", "reviewer": app0.code},
        ],
    }
    response = client.post(_bulk_url(workshop), body, "application/json", headers=staff_headers)

    assert response.status_code == 200
    data = response.json()
    assert data["dry_run"] is True
    assert data["applied"] is False
    assert data["refused"] == 2
    ok, conflict, unknown = data["rows"]
    assert ok["status"] == "ok" and ok["errors"] == [] and ok["row"] == 1
    assert conflict["status"] == "refused"
    assert conflict["assignment"] is None
    # The staff page's refusal, word for word.
    reasons = conflict_reasons(reviewer=tied, submission=submissions[0])
    assert reasons
    assert conflict["errors"] == [f"Cannot assign Tia Tied: {' '.join(reasons)}"]
    assert unknown["errors"] == ["No submission of this call has the code “NOSUCH”."]
    assert Assignment.objects.count() == 0


def test_the_same_rows_as_csv_give_the_same_outcome(
    client, staff_headers, workshop, submissions, reviewers, conflicted
):
    (_rev0, app0), _second = reviewers
    _tied, tied_app = conflicted
    rows = [
        {"submission": submissions[0].code, "reviewer": app0.code, "action": "assign"},
        {"submission": submissions[0].code, "reviewer": tied_app.code, "action": "assign"},
    ]
    as_json = client.post(
        _bulk_url(workshop),
        {"dry_run": True, "assignments": rows},
        "application/json",
        headers=staff_headers,
    ).json()
    csv_body = "submission,reviewer,action\r\n" + "".join(
        f"{r['submission']},{r['reviewer']},{r['action']}\r\n" for r in rows
    )
    response = client.post(
        _bulk_url(workshop) + "?dry_run=true", csv_body, "text/csv", headers=staff_headers
    )
    assert response.status_code == 200
    assert response.json() == as_json
    assert Assignment.objects.count() == 0


def test_csv_cells_guarded_by_an_export_are_read_as_they_were(
    client, staff_headers, workshop, submissions, reviewers
):
    (_rev0, app0), _second = reviewers
    csv_body = f"submission,reviewer\n{submissions[0].code},'{app0.code}\n'=1+1,{app0.code}\n"
    response = client.post(
        _bulk_url(workshop) + "?dry_run=1", csv_body, "text/csv", headers=staff_headers
    )
    rows = response.json()["rows"]
    # The apostrophe only comes off what csv_safe would have guarded.
    assert rows[0]["reviewer"] == f"'{app0.code}" and rows[0]["status"] == "refused"
    assert rows[1]["submission"] == "=1+1"


def test_a_csv_without_the_header_is_refused(client, staff_headers, workshop):
    response = client.post(_bulk_url(workshop), "a,b\n", "text/csv", headers=staff_headers)
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "The first line must name the columns: submission,reviewer,action."
    ]


def test_a_valid_bulk_creates_exactly_the_listed_assignments(
    client, staff_headers, staff, workshop, submissions, reviewers
):
    (rev0, app0), (rev1, app1) = reviewers
    pairs = [
        (submissions[0], rev0, app0),
        (submissions[1], rev0, app0),
        (submissions[0], rev1, app1),
    ]
    body = {
        "assignments": [{"submission": s.code, "reviewer": a.code} for s, _u, a in pairs],
    }
    response = client.post(_bulk_url(workshop), body, "application/json", headers=staff_headers)

    assert response.status_code == 200
    data = response.json()
    assert data["applied"] is True and data["refused"] == 0
    created = Assignment.objects.filter(workshop=workshop)
    assert {(a.submission_id, a.reviewer_id) for a in created} == {
        (s.pk, u.pk) for s, u, _a in pairs
    }
    assert {r["assignment"] for r in data["rows"]} == {a.code for a in created}
    assert {a.created_by_id for a in created} == {staff.pk}


def test_one_refused_row_applies_nothing(
    client, staff_headers, workshop, submissions, reviewers, conflicted
):
    (_rev0, app0), _second = reviewers
    _tied, tied_app = conflicted
    body = {
        "assignments": [
            {"submission": submissions[0].code, "reviewer": app0.code},
            {"submission": submissions[1].code, "reviewer": tied_app.code},
            {"submission": submissions[2].code, "reviewer": app0.code, "action": "swap"},
        ]
    }
    response = client.post(_bulk_url(workshop), body, "application/json", headers=staff_headers)

    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "refused"
    assert set(problem["errors"]) == {"rows[2]", "rows[3]"}
    assert problem["errors"]["rows[3]"] == ["Unknown action “swap”: use “assign” or “remove”."]
    assert [r["status"] for r in problem["rows"]] == ["ok", "refused", "refused"]
    assert Assignment.objects.count() == 0


def test_bulk_removes_and_refuses_a_duplicate(
    client, staff_headers, workshop, submissions, reviewers
):
    (rev0, app0), _second = reviewers
    existing = AssignmentFactory(workshop=workshop, submission=submissions[0], reviewer=rev0)
    row = {"submission": submissions[0].code, "reviewer": app0.code, "action": "remove"}
    refused = client.post(
        _bulk_url(workshop), {"assignments": [row, row]}, "application/json", headers=staff_headers
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "rows[2]": [f"“{app0.code}” is listed twice for paper “{submissions[0].code}”."]
    }
    assert Assignment.objects.filter(pk=existing.pk).exists()

    done = client.post(
        _bulk_url(workshop), {"assignments": [row]}, "application/json", headers=staff_headers
    )
    assert done.status_code == 200
    assert done.json()["rows"][0]["assignment"] == existing.code
    assert not Assignment.objects.filter(pk=existing.pk).exists()


def test_bulk_is_refused_to_a_reviewer_and_to_a_token_without_the_write_scope(
    client, staff, workshop, reviewers
):
    (rev0, _app0), _second = reviewers
    client.force_login(rev0)
    assert (
        client.post(_bulk_url(workshop), {"assignments": []}, "application/json").status_code == 403
    )
    client.logout()
    response = client.post(
        _bulk_url(workshop),
        {"assignments": []},
        "application/json",
        headers=_bearer(staff, "assignments:read"),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


# --- runs -----------------------------------------------------------------------------------


def test_a_started_run_answers_202_with_a_location_the_poll_answers(
    client, staff_headers, staff, workshop
):
    url = reverse("api:assignment-run-list", args=[workshop.code])
    response = client.post(
        url, {"k": 2, "weights": {"text": 0.25}}, "application/json", headers=staff_headers
    )

    assert response.status_code == 202
    run = AssignmentRun.objects.get(workshop=workshop)
    assert run.created_by == staff
    assert run.settings["k"] == 2 and run.settings["weights"]["text"] == 0.25
    location = response["Location"]
    assert location == f"http://testserver{reverse('api:assignment-run-detail', args=[run.code])}"
    assert response.json()["url"] == location
    assert response.json()["state"] == "queued"

    poll = client.get(location, headers=staff_headers)
    assert poll.status_code == 200
    assert poll.json() | {"settings": None} == response.json() | {
        "settings": None,
        "summary": None,
    }
    assert poll["Cache-Control"] == "no-store"

    listed = client.get(url, headers=staff_headers).json()
    assert [r["code"] for r in listed["results"]] == [run.code]


def test_run_settings_are_checked_as_the_form_checks_them(client, staff_headers, workshop):
    url = reverse("api:assignment-run-list", args=[workshop.code])
    response = client.post(
        url, {"min_load": 5, "max_load": 2}, "application/json", headers=staff_headers
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "min_load": ["The minimum load cannot exceed the maximum load."]
    }
    assert not AssignmentRun.objects.exists()


def test_publishing_an_unfinished_run_is_refused_with_the_reason(client, staff_headers, workshop):
    run = AssignmentRun.objects.create(workshop=workshop, state=AssignmentRun.State.RUNNING)
    response = client.post(
        reverse("api:assignment-run-publish", args=[run.code]), headers=staff_headers
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Only a finished run can be published."
    assert response.json()["code"] == "not_finished"
    run.refresh_from_db()
    assert run.published_at is None


def test_publishing_a_finished_run_creates_its_assignments(
    client, staff_headers, workshop, submissions, reviewers
):
    (rev0, _app0), _second = reviewers
    run = AssignmentRun.objects.create(
        workshop=workshop, state=AssignmentRun.State.DONE, finished_at=timezone.now()
    )
    ProposedPair.objects.create(run=run, submission=submissions[0], reviewer=rev0, score=0.7)
    response = client.post(
        reverse("api:assignment-run-publish", args=[run.code]), headers=staff_headers
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["created"], data["removed"], data["kept"]) == (1, 0, 0)
    assert data["run"]["published_at"] is not None
    assignment = Assignment.objects.get(workshop=workshop)
    assert (assignment.submission, assignment.reviewer) == (submissions[0], rev0)
    assert assignment.source == Assignment.Source.AUTOMATIC

    again = client.post(
        reverse("api:assignment-run-publish", args=[run.code]), headers=staff_headers
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "This run was already published."


def test_a_done_runs_poll_has_its_summary(client, staff_headers, workshop):
    run = AssignmentRun.objects.create(
        workshop=workshop,
        state=AssignmentRun.State.DONE,
        progress=100,
        summary={"solver": "min_cost_flow", "pairs": 6, "objective": 4.0},
    )
    data = client.get(
        reverse("api:assignment-run-detail", args=[run.code]), headers=staff_headers
    ).json()
    assert data["finished"] is True
    assert data["summary"]["pairs"] == 6
    assert data["summary"]["objective"] == 4.0
    assert data["summary"]["solver"] == "Min-cost flow (OR-Tools)"


def test_run_list_costs_the_same_queries_whatever_its_length(
    client, staff_headers, workshop, django_assert_num_queries
):
    url = reverse("api:assignment-run-list", args=[workshop.code])
    for _n in range(2):
        AssignmentRun.objects.create(workshop=workshop)
    client.get(url, headers=staff_headers)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(url, headers=staff_headers).json()["count"] == 2
    for _n in range(10):
        AssignmentRun.objects.create(workshop=workshop)
    with django_assert_num_queries(len(baseline.captured_queries)):
        assert client.get(url, headers=staff_headers).json()["count"] == 12


def test_a_reviewers_list_costs_the_same_queries_whatever_its_length(
    client, workshop, organisation, django_assert_num_queries
):
    reviewer, _application = _approved(workshop, "many@example.org", "Mona Many")

    def assign(count):
        for _n in range(count):
            submission = SubmissionFactory(
                workshop=workshop, organisation=organisation, state=Submission.State.ELIGIBLE
            )
            AssignmentFactory(workshop=workshop, submission=submission, reviewer=reviewer)

    url = reverse("api:assignment-list")
    headers = _bearer(reviewer, "assignments:read")
    assign(2)
    client.get(url, headers=headers)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(url, headers=headers).json()["count"] == 2
    assign(10)
    with django_assert_num_queries(len(baseline.captured_queries)):
        body = client.get(url, headers=headers).json()
    assert body["count"] == 12
    assert {row["reviewer"] for row in body["results"]} == {None}
