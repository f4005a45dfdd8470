"""My reviews: states, deadlines in the reviewer's time zone, Accept / Decline, conflicts
left out; and the include for the portal dashboard."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import dateformat, timezone

from reviews.models import ConflictRecord
from reviews.selectors import has_conflict
from reviews.selectors.conflicts import conflicted_pairs
from reviews.selectors.visibility import AssignmentStatus, assignment_rows_for_reviewer
from reviews.services import reviewing as services
from submissions.models import Provider
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    MembershipFactory,
    OrganisationFactory,
    ReviewerTieFactory,
    UserFactory,
)

from .conftest import add_submitted_version, approve, submit_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(reviewer, workshop):
    """The reviewer, approved to review for `workshop` (their assignments need it)."""
    approve(reviewer, workshop)
    return reviewer


def _assignment(reviewer, workshop, **kwargs):
    submission = CompleteSubmissionFactory(
        workshop=workshop, state="eligible", **kwargs.pop("submission", {})
    )
    add_submitted_version(submission)
    return AssignmentFactory(submission=submission, reviewer=reviewer, **kwargs)


@pytest.fixture
def mixed(approved, reviewer, workshop, criteria_set):
    """One assignment in each state the list distinguishes."""
    todo = _assignment(reviewer, workshop, submission={"title": "To-do study"})
    services.review_get_or_create(assignment=todo, user=reviewer)  # opened, never saved
    draft = _assignment(reviewer, workshop, submission={"title": "Draft study"})
    review = services.review_get_or_create(assignment=draft, user=reviewer)
    services.review_save_draft(
        review=review, user=reviewer, revision=1, data=services.ReviewInput(summary="Started")
    )
    submitted = _assignment(reviewer, workshop, submission={"title": "Submitted study"})
    submit_review(submitted)
    late = _assignment(
        reviewer,
        workshop,
        submission={"title": "Late study"},
        deadline_override=timezone.now() - timedelta(hours=2),
    )
    new = _assignment(reviewer, workshop, submission={"title": "New study"}, state="assigned")
    return {"todo": todo, "draft": draft, "submitted": submitted, "late": late, "new": new}


def test_rows_have_their_state_soonest_deadline_first(reviewer, mixed):
    rows = assignment_rows_for_reviewer(user=reviewer)

    assert [(row.assignment.submission.title, row.status, row.needs_answer) for row in rows] == [
        ("Late study", AssignmentStatus.LATE, False),
        ("To-do study", AssignmentStatus.TODO, False),
        ("Draft study", AssignmentStatus.DRAFT, False),
        ("Submitted study", AssignmentStatus.SUBMITTED, False),
        ("New study", AssignmentStatus.TODO, True),
    ]


def test_page_lists_states_and_accept_decline_for_new_assignments(client, reviewer, mixed):
    client.force_login(reviewer)

    response = client.get(reverse("reviews:review_list"))

    html = response.content.decode()
    assert response.status_code == 200
    for label in ("To do", "Draft", "Submitted", "Late"):
        assert f">{label}</span>" in html
    new = mixed["new"]
    assert reverse("reviews:assignment_accept", args=[new.code]) in html
    assert reverse("reviews:assignment_decline", args=[new.code]) in html
    assert reverse("reviews:assignment_accept", args=[mixed["todo"].code]) not in html


def test_deadline_is_shown_in_the_reviewers_time_zone(client, reviewer, assignment):
    reviewer.timezone = "America/New_York"
    reviewer.save()
    client.force_login(reviewer)

    html = client.get(reverse("reviews:review_list")).content.decode()

    local = timezone.localtime(assignment.deadline, ZoneInfo("America/New_York"))
    assert dateformat.format(local, "j M Y, H:i T") in html
    assert "(America/New_York)" in html


def test_conflicted_pairs_are_left_out(approved, reviewer, workshop, criteria_set):
    tied_org = OrganisationFactory(name="Tied Lab")
    ReviewerTieFactory(user=reviewer, organisation=tied_org)
    tied = _assignment(reviewer, workshop, submission={"organisation": tied_org})
    member_org = OrganisationFactory(name="Own Lab")
    MembershipFactory(user=reviewer, organisation=member_org)
    member = _assignment(reviewer, workshop, submission={"organisation": member_org})
    recorded = _assignment(reviewer, workshop)
    ConflictRecord.objects.create(
        reviewer=reviewer, submission=recorded.submission, action="recorded", reason="Co-author"
    )
    dismissed_org = OrganisationFactory(name="Former employer")
    ReviewerTieFactory(user=reviewer, organisation=dismissed_org)
    dismissed = _assignment(reviewer, workshop, submission={"organisation": dismissed_org})
    ConflictRecord.objects.create(
        reviewer=reviewer, submission=dismissed.submission, action="dismissed", reason="Ended"
    )
    clear = _assignment(reviewer, workshop)

    rows = assignment_rows_for_reviewer(user=reviewer)

    assert {row.assignment for row in rows} == {dismissed, clear}
    # The set-based check agrees with the per-pair definition.
    for assignment in (tied, member, recorded, dismissed, clear):
        shown = assignment in {row.assignment for row in rows}
        assert shown is not has_conflict(reviewer=reviewer, submission=assignment.submission)


def test_dashboard_conflicts_agree_with_the_set_based_and_per_pair_checks(
    approved, reviewer, workshop, criteria_set
):
    """The dashboard's one-query conflict condition (conflicted_q) against the other two
    forms of the same definition, over every kind of conflict and its undoing."""
    provider = Provider.objects.create(name="Bench Provider")
    ReviewerTieFactory(user=reviewer, organisation=None, provider=provider)
    by_provider = _assignment(reviewer, workshop, submission={"provider": provider})
    ended_org = OrganisationFactory(name="Old employer")
    ReviewerTieFactory(user=reviewer, organisation=ended_org, ended_at=timezone.now())
    ended = _assignment(reviewer, workshop, submission={"organisation": ended_org})
    bid = _assignment(reviewer, workshop)
    ConflictRecord.objects.create(
        reviewer=reviewer, submission=bid.submission, action="bid", reason="Advisor"
    )
    revoked = _assignment(reviewer, workshop)
    ConflictRecord.objects.create(
        reviewer=reviewer,
        submission=revoked.submission,
        action="recorded",
        reason="Mistake",
        revoked_at=timezone.now(),
    )
    member_org = OrganisationFactory(name="Own Lab")
    MembershipFactory(user=reviewer, organisation=member_org)
    dismissed_member = _assignment(reviewer, workshop, submission={"organisation": member_org})
    ConflictRecord.objects.create(
        reviewer=reviewer, submission=dismissed_member.submission, action="dismissed", reason="x"
    )
    # Another reviewer's conflict with the same submission is not this reviewer's.
    ConflictRecord.objects.create(
        reviewer=UserFactory(), submission=ended.submission, action="recorded", reason="Theirs"
    )
    everything = [by_provider, ended, bid, revoked, dismissed_member]

    shown = {row.assignment for row in assignment_rows_for_reviewer(user=reviewer)}

    assert shown == {ended, revoked, dismissed_member}
    pairs = conflicted_pairs(workshop=workshop, reviewer_ids={reviewer.pk})
    for assignment in everything:
        per_pair = has_conflict(reviewer=reviewer, submission=assignment.submission)
        assert (assignment not in shown) is per_pair
        assert ((assignment.submission_id, reviewer.pk) in pairs) is per_pair


def test_empty_list_says_so(client, outsider):
    client.force_login(outsider)

    html = client.get(reverse("reviews:review_list")).content.decode()

    assert "No evaluation is assigned to you at the moment." in html


def test_dashboard_include_renders_the_rows(reviewer, mixed):
    request = RequestFactory().get("/dashboard/")
    request.user = reviewer

    html = render_to_string(
        "reviews/reviewing/_dashboard_assignments.html",
        {"rows": assignment_rows_for_reviewer(user=reviewer)},
        request=request,
    )

    assert "Evaluations assigned to you" in html
    assert reverse("reviews:review_detail", args=[mixed["draft"].code]) in html
    assert reverse("reviews:review_list") in html


def test_dashboard_include_is_empty_without_assignments(outsider):
    request = RequestFactory().get("/dashboard/")
    request.user = outsider

    html = render_to_string(
        "reviews/reviewing/_dashboard_assignments.html", {"rows": []}, request=request
    )

    assert html.strip() == ""
