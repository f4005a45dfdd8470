"""Who sees what: each persona against each page, download and export.

Anything a person may not see answers 404, including guessed URLs and a file code from
another submission; what they may see but not change answers 403.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import permissions
from submissions import services
from submissions.models import Submission
from tests.factories import CompleteSubmissionFactory, SubmissionFileFactory
from tests.helpers import close_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(complete_draft, evaluator):
    services.submission_submit(submission=complete_draft, user=evaluator)
    complete_draft.refresh_from_db()
    return complete_draft


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _status(client, url) -> int:
    """Status of a GET, releasing a file response's file handle."""
    response = client.get(url)
    close_response(response)
    return response.status_code


PAGES = ["detail", "edit", "withdraw"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("evaluator", 200),
        ("org_admin", 200),
        ("other_evaluator", 404),
        ("outsider", 404),
        ("staff", 200),
    ],
)
def test_submission_pages_by_persona(client, request, submitted, page, persona, status):
    user = request.getfixturevalue(persona)
    response = _get(client, user, reverse(f"submissions:{page}", args=[submitted.code]))
    if persona == "staff" and page in ("edit", "withdraw"):
        # Staff may see but do not edit or withdraw on the submitters' behalf.
        status = 403
    assert response.status_code == status


def test_anonymous_is_sent_to_login(client, submitted):
    response = client.get(reverse("submissions:detail", args=[submitted.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_guessed_code_is_404(client, evaluator):
    client.force_login(evaluator)
    assert client.get(reverse("submissions:detail", args=["doesnotexist"])).status_code == 404


def test_other_organisations_draft_is_404(client, evaluator, other_organisation, workshop):
    other = CompleteSubmissionFactory(workshop=workshop, organisation=other_organisation)
    client.force_login(evaluator)
    for page in PAGES:
        assert client.get(reverse(f"submissions:{page}", args=[other.code])).status_code == 404
    file = other.files.get()
    url = reverse("submissions:file_download", args=[other.code, file.code])
    assert _status(client, url) == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("evaluator", 200), ("other_evaluator", 404), ("outsider", 404), ("staff", 200)],
)
def test_file_download_by_persona(client, request, submitted, persona, status):
    file = submitted.files.get()
    response = _get(
        client,
        request.getfixturevalue(persona),
        reverse("submissions:file_download", args=[submitted.code, file.code]),
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        close_response(response)


def test_old_version_file_stays_downloadable_to_members(client, evaluator, submitted):
    old = submitted.files.get()
    old.detached_at = timezone.now()
    old.save()
    SubmissionFileFactory(submission=submitted, original_name="report-v2.pdf")
    client.force_login(evaluator)
    url = reverse("submissions:file_download", args=[submitted.code, old.code])
    assert _status(client, url) == 200


def test_withdrawn_submission_file_hidden_from_others(
    client, evaluator, other_evaluator, submitted
):
    services.submission_withdraw(submission=submitted, user=evaluator)
    file = submitted.files.get()
    url = reverse("submissions:file_download", args=[submitted.code, file.code])
    client.force_login(other_evaluator)
    assert _status(client, url) == 404
    client.force_login(evaluator)
    assert _status(client, url) == 200


def test_file_code_from_another_submission_is_404(
    client, evaluator, submitted, workshop, organisation
):
    mine_too = CompleteSubmissionFactory(workshop=workshop, organisation=organisation)
    foreign_file = mine_too.files.get()
    client.force_login(evaluator)
    url = reverse("submissions:file_download", args=[submitted.code, foreign_file.code])
    assert _status(client, url) == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("evaluator", 403), ("other_evaluator", 403), ("outsider", 403), ("staff", 200)],
)
def test_staff_list_and_export_by_persona(client, request, submitted, workshop, persona, status):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("submissions:staff_list", args=[workshop.code])).status_code == status
    assert (
        client.get(reverse("submissions:staff_export", args=[workshop.code])).status_code == status
    )


@pytest.mark.parametrize("page", ["screen", "extend"])
def test_staff_actions_refused_to_evaluator(client, evaluator, submitted, page):
    client.force_login(evaluator)
    assert client.get(reverse(f"submissions:{page}", args=[submitted.code])).status_code == 403
    assert client.post(reverse("submissions:restore", args=[submitted.code])).status_code == 403


def test_version_diff_is_staff_only(client, evaluator, submitted):
    client.force_login(evaluator)
    url = reverse("submissions:version_diff", args=[submitted.code, 1])
    assert _status(client, url) == 403


def test_edit_after_withdrawal_is_403(client, evaluator, submitted):
    services.submission_withdraw(submission=submitted, user=evaluator)
    client.force_login(evaluator)
    assert client.get(reverse("submissions:edit", args=[submitted.code])).status_code == 403


def test_evaluator_list_shows_only_own_organisations(
    client, evaluator, submitted, other_organisation, workshop
):
    CompleteSubmissionFactory(workshop=workshop, organisation=other_organisation)
    client.force_login(evaluator)
    response = client.get(reverse("submissions:list"))
    assert [s.code for s in response.context["page"].object_list] == [submitted.code]


@pytest.mark.parametrize("persona", ["staff", "superuser"])
@pytest.mark.parametrize("page", ["edit", "withdraw"])
def test_superuser_gets_the_same_403_as_staff_on_another_organisations_submission(
    client, request, submitted, persona, page
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(f"submissions:{page}", args=[submitted.code])
    assert client.get(url).status_code == 403
    response = client.post(url, {"title": "Taken over", "confirm": "on"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == Submission.State.SUBMITTED
    assert submitted.title != "Taken over"


def test_user_has_perm_takes_the_rules_path_without_superuser_shortcut(superuser, submitted):
    assert superuser.has_perm("submissions.edit_submission", submitted) is False
    assert superuser.has_perm("submissions.withdraw_submission", submitted) is False
    # A superuser is still AI Office staff, and the admin's model permissions still hold.
    assert superuser.has_perm("portal.view_staff_pages") is True
    assert superuser.has_perm("submissions.change_submission") is True


def test_the_submitting_organisations_member_may_edit(evaluator, complete_draft):
    assert permissions.has_perm(evaluator, "submissions.edit_submission", complete_draft)


@pytest.mark.parametrize(("persona", "offered"), [("staff", True), ("evaluator", False)])
def test_staff_actions_are_offered_to_who_may_take_them(
    client, request, submitted, persona, offered
):
    client.force_login(request.getfixturevalue(persona))

    html = client.get(reverse("submissions:detail", args=[submitted.code])).content.decode()

    links = [
        reverse("submissions:screen", args=[submitted.code]),
        reverse("submissions:extend", args=[submitted.code]),
        reverse("submissions:version_diff", args=[submitted.code, 1]),
    ]
    assert [link in html for link in links] == [offered] * 3


def test_staff_pages_of_a_submission_someone_may_not_see_answer_404(
    client, other_evaluator, submitted
):
    """Not 403: a 403 tells a guesser the code exists."""
    client.force_login(other_evaluator)
    code = submitted.code

    statuses = [
        client.get(reverse("submissions:screen", args=[code])).status_code,
        client.get(reverse("submissions:extend", args=[code])).status_code,
        client.post(reverse("submissions:restore", args=[code])).status_code,
        _status(client, reverse("submissions:version_diff", args=[code, 1])),
    ]

    assert statuses == [404, 404, 404, 404]


def test_a_file_storage_lost_answers_404_not_a_server_error(client, evaluator, submitted):
    file = submitted.files.get()
    file.file.storage.delete(file.file.name)
    url = reverse("submissions:file_download", args=[submitted.code, file.code])
    assert _get(client, evaluator, url).status_code == 404
