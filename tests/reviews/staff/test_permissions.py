"""Staff pages: staff only, MFA enforced by middleware. Everyone else signed in gets 403 on
a workshop's pages; on a submission's pages, 403 if they may see the submission (members
of its organisation) and 404 if not."""

import pytest
from django.urls import reverse

from tests.factories import AssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(workshop, submission, rui):
    assignment = AssignmentFactory(submission=submission, reviewer=rui)
    code = submission.code
    return {
        "get": [
            reverse("reviews:staff_progress", args=[workshop.code]),
            reverse("reviews:staff_progress", args=[workshop.code]) + "?tab=reviewers",
            reverse("reviews:staff_submission_reviewers", args=[code]),
            reverse("reviews:staff_assignment_extend", args=[code, assignment.code]),
        ],
        "post": [
            reverse("reviews:staff_remind_late", args=[workshop.code]),
            reverse("reviews:staff_assignment_add", args=[code]),
            reverse("reviews:staff_assignment_remove", args=[code, assignment.code]),
            reverse("reviews:staff_assignment_extend", args=[code, assignment.code]),
            reverse("reviews:staff_conflict_decide", args=[code]),
            reverse("reviews:staff_conflict_revoke", args=[code]),
        ],
    }


def statuses(client, urls) -> set[int]:
    return {client.get(url).status_code for url in urls["get"]} | {
        client.post(url).status_code for url in urls["post"]
    }


def test_staff_with_mfa_opens_the_pages(client, staff, urls):
    client.force_login(staff)
    assert {client.get(url).status_code for url in urls["get"]} == {200}


WORKSHOP_PAGES = 2  # the first two GET and the first POST name the workshop, not a submission


def statuses_by_page(client, urls) -> tuple[set[int], set[int]]:
    gets = [client.get(url).status_code for url in urls["get"]]
    posts = [client.post(url).status_code for url in urls["post"]]
    workshop = set(gets[:WORKSHOP_PAGES]) | set(posts[:1])
    return workshop, set(gets[WORKSHOP_PAGES:]) | set(posts[1:])


@pytest.mark.parametrize("persona", ["reviewer", "evaluator", "outsider", "conflicted_reviewer"])
def test_signed_in_non_staff_get_403_or_404(client, urls, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert statuses_by_page(client, urls) == ({403}, {404})


def test_members_of_the_submitting_organisation_get_403(client, urls, baltic_lab):
    member = UserFactory(email="member@baltic.example.org")
    MembershipFactory(organisation=baltic_lab, user=member)
    client.force_login(member)
    assert statuses_by_page(client, urls) == ({403}, {403})


def test_anonymous_is_sent_to_login(client, urls):
    responses = [client.get(url) for url in urls["get"]] + [client.post(u) for u in urls["post"]]
    assert {r.status_code for r in responses} == {302}
    assert all(r.url.startswith(reverse("account_login")) for r in responses)


def test_staff_without_mfa_is_sent_to_set_it_up(client, staff_without_mfa, urls):
    client.force_login(staff_without_mfa)
    responses = [client.get(url) for url in urls["get"]] + [client.post(u) for u in urls["post"]]
    assert {r.url for r in responses} == {reverse("mfa_activate_totp")}


def test_nothing_changed_by_refused_posts(client, reviewer, urls, submission):
    client.force_login(reviewer)
    statuses(client, urls)
    assert submission.assignments.count() == 1
