"""Who may download which report, and who may use the staff pages. 404 for what one may
not see; staff pages answer 403 to other logged-in people."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.models import FeedbackRemark, ReportJob
from reports.services.report_jobs import report_job_release
from tests.factories import MembershipFactory, UserFactory

Kind = ReportJob.Kind


def _done_job(workshop, kind, staff, organisation=None) -> ReportJob:
    """A finished job with a small file: building real PDFs is tested elsewhere."""
    job = ReportJob(
        workshop=workshop,
        kind=kind,
        organisation=organisation,
        params_hash=f"{kind}-{organisation.pk if organisation else ''}",
        state=ReportJob.State.DONE,
        progress=100,
        file_name="report.pdf",
        content_type="application/pdf",
        created_by=staff,
        finished_at=timezone.now(),
    )
    job.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    job.save()
    return job


@pytest.fixture
def jobs(scored_workshop, staff):
    workshop = scored_workshop["workshop"]
    s1_org = scored_workshop["submissions"]["S1"].organisation
    return {
        "public": _done_job(workshop, Kind.PUBLIC_SUMMARY, staff),
        "internal": _done_job(workshop, Kind.INTERNAL_EDITION, staff),
        "feedback": _done_job(workshop, Kind.FEEDBACK, staff, s1_org),
    }


@pytest.fixture
def other_member(scored_workshop):
    user = UserFactory(email="s2-member@example.org")
    MembershipFactory(organisation=scored_workshop["submissions"]["S2"].organisation, user=user)
    return user


def _download(client, user, job):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("reports:download", args=[job.code]))
    if response.streaming:
        response.body = b"".join(response.streaming_content)
        response.close()
    return response


PERSONAS = ["staff", "member_of", "other_member", "outsider", "reviewer"]


@pytest.mark.parametrize(
    ("persona", "kind", "status"),
    [
        ("staff", "public", 200),
        ("staff", "internal", 200),
        ("staff", "feedback", 200),
        ("member_of", "public", 404),
        ("member_of", "internal", 404),
        ("member_of", "feedback", 404),  # not released yet
        ("other_member", "feedback", 404),
        ("outsider", "public", 404),
        ("outsider", "feedback", 404),
        ("reviewer", "internal", 404),
    ],
)
def test_download_before_release(client, request, jobs, persona, kind, status):
    user = request.getfixturevalue(persona)

    response = _download(client, user, jobs[kind])

    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("member_of", 200), ("other_member", 404), ("outsider", 404)],
)
def test_download_of_released_feedback(client, request, jobs, staff, persona, status):
    report_job_release(job=jobs["feedback"], user=staff)
    user = request.getfixturevalue(persona)

    response = _download(client, user, jobs["feedback"])

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.body.startswith(b"%PDF-")


def test_anonymous_download_goes_to_login(client, jobs):
    response = _download(client, None, jobs["public"])

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unfinished_report_cannot_be_downloaded_even_by_staff(client, staff, jobs):
    ReportJob.objects.filter(pk=jobs["public"].pk).update(state=ReportJob.State.RUNNING)

    assert _download(client, staff, jobs["public"]).status_code == 404


def test_withdrawn_release_hides_the_report_again(client, jobs, staff, member_of):
    report_job_release(job=jobs["feedback"], user=staff)
    report_job_release(job=jobs["feedback"], user=staff, release=False)

    assert _download(client, member_of, jobs["feedback"]).status_code == 404


def test_member_sees_released_feedback_in_their_list(client, jobs, staff, member_of):
    ReportJob.objects.filter(pk=jobs["feedback"].pk).update(released_at=timezone.now())
    client.force_login(member_of)

    response = client.get(reverse("reports:feedback_list"))

    assert reverse("reports:download", args=[jobs["feedback"].code]) in (response.content.decode())


@pytest.mark.parametrize("persona", ["member_of", "outsider", "reviewer"])
def test_staff_pages_refuse_others(client, request, scored_workshop, jobs, persona):
    client.force_login(request.getfixturevalue(persona))
    code = scored_workshop["workshop"].code

    for url in (
        reverse("reports:index", args=[code]),
        reverse("reports:summary_edit", args=[code]),
        reverse("reports:quotes", args=[code]),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            reverse("reports:generate", args=[code]), {"kind": "public_summary"}
        ).status_code
        == 403
    )


def test_staff_pages_render_for_staff(client, staff, scored_workshop, jobs):
    client.force_login(staff)
    code = scored_workshop["workshop"].code

    for url in (
        reverse("reports:index", args=[code]),
        reverse("reports:summary_edit", args=[code]),
        reverse("reports:quotes", args=[code]),
    ):
        assert client.get(url).status_code == 200, url


def test_staff_pages_of_a_draft_workshop_answer_404_to_others(client, member_of, scored_workshop):
    """A workshop still in draft is seen by staff alone (they answered 403 whatever the
    workshop code before the permission moved to the top, after the workshop lookup)."""
    workshop = scored_workshop["workshop"]
    workshop.phase_override = "draft"
    workshop.save(update_fields=["phase_override"])
    client.force_login(member_of)
    code = workshop.code

    statuses = [
        client.get(reverse("reports:index", args=[code])).status_code,
        client.get(reverse("reports:summary_edit", args=[code])).status_code,
        client.get(reverse("reports:quotes", args=[code])).status_code,
        client.get(reverse("reports:remarks", args=[code])).status_code,
        client.post(
            reverse("reports:generate", args=[code]), {"kind": "public_summary"}
        ).status_code,
        client.post(reverse("reports:release_all", args=[code])).status_code,
    ]

    assert statuses == [404] * 6


@pytest.mark.parametrize("persona", ["member_of", "outsider", "reviewer"])
def test_pages_of_a_job_someone_may_not_see_answer_404(client, request, jobs, persona):
    """Not 403: a report one may not see is not told apart from one that does not exist."""
    client.force_login(request.getfixturevalue(persona))
    job = jobs["public"]
    args = [job.workshop.code, job.code]

    statuses = [
        client.get(reverse("reports:status", args=args)).status_code,
        client.post(reverse("reports:retry", args=args)).status_code,
        client.post(reverse("reports:release", args=args)).status_code,
        client.get(reverse("reports:delete", args=args)).status_code,
        client.post(reverse("reports:delete", args=args)).status_code,
    ]

    assert statuses == [404] * 5


def test_pages_of_released_feedback_answer_its_members_403(client, jobs, staff, member_of):
    """They may download it, never manage it."""
    report_job_release(job=jobs["feedback"], user=staff)
    client.force_login(member_of)
    args = [jobs["feedback"].workshop.code, jobs["feedback"].code]

    statuses = [
        client.get(reverse("reports:status", args=args)).status_code,
        client.post(reverse("reports:release", args=args), {"release": "0"}).status_code,
        client.post(reverse("reports:delete", args=args)).status_code,
    ]

    assert statuses == [403] * 3
    assert ReportJob.objects.get(pk=jobs["feedback"].pk).released_at is not None


@pytest.mark.parametrize(("persona", "status"), [("member_of", 403), ("other_member", 404)])
def test_remarks_to_an_organisation_answer_404_to_who_may_not_see_it(
    client, request, scored_workshop, persona, status
):
    """Its members see their organisation (403); others do not (404)."""
    workshop = scored_workshop["workshop"]
    organisation = scored_workshop["submissions"]["S1"].organisation
    client.force_login(request.getfixturevalue(persona))
    url = reverse("reports:remark_edit", args=[workshop.code, organisation.code])

    statuses = [
        client.get(url).status_code,
        client.post(url, {"remarks_md": "Mine.", "revision": "0"}).status_code,
    ]

    assert statuses == [status, status]
    assert not FeedbackRemark.objects.exists()
