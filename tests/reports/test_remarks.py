"""Staff's remarks to each organisation: the list of organisations that get a feedback
report, and the edit page with its preview and optimistic locking."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.concurrency import StaleEditError
from reports.models import FeedbackRemark, ReportJob
from reports.services.texts import feedback_remark_save
from tests.factories import WorkshopFactory


def _list_url(workshop, **query):
    url = reverse("reports:remarks", args=[workshop.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _edit_url(workshop, organisation):
    return reverse("reports:remark_edit", args=[workshop.code, organisation.code])


@pytest.fixture
def workshop(scored_workshop):
    return scored_workshop["workshop"]


@pytest.fixture
def open_lab(scored_workshop):
    return scored_workshop["submissions"]["S1"].organisation


def _rows(response) -> dict[str, dict]:
    return {
        organisation.name: {
            "remarks": organisation.has_remarks,
            "state": organisation.feedback_state,
            "released": organisation.feedback_released_at is not None,
        }
        for organisation in response.context["page"].object_list
    }


def test_list_shows_organisations_with_reviews_and_their_report_state(
    client, staff, workshop, open_lab, scored_workshop
):
    feedback_remark_save(
        workshop=workshop, organisation=open_lab, remarks_md="Well done.", user=staff
    )
    quiet = scored_workshop["submissions"]["S3"].organisation
    ReportJob.objects.create(
        workshop=workshop,
        kind=ReportJob.Kind.FEEDBACK,
        organisation=quiet,
        params_hash="q-1",
        state=ReportJob.State.DONE,
        finished_at=timezone.now(),
        released_at=timezone.now(),
    )
    client.force_login(staff)

    response = client.get(_list_url(workshop))

    assert _rows(response) == {
        "Hidden Agency": {"remarks": False, "state": None, "released": False},
        "Open Lab": {"remarks": True, "state": None, "released": False},
        "Quiet Institute": {"remarks": False, "state": "done", "released": True},
        "Secret Provider Inc": {"remarks": False, "state": None, "released": False},
    }
    body = response.content.decode()
    assert _edit_url(workshop, open_lab) in body
    assert (
        'aria-current="page" href="{}"'.format(reverse("reports:index", args=[workshop.code]))
        in body
    )


def test_list_searches_by_name(client, staff, workshop):
    client.force_login(staff)

    response = client.get(_list_url(workshop, q="secret"))

    assert list(_rows(response)) == ["Secret Provider Inc"]


def test_list_search_without_match_says_so(client, staff, workshop):
    client.force_login(staff)

    response = client.get(_list_url(workshop, q="nobody"))

    assert "No organisation matches this search." in response.content.decode()


def test_list_is_paginated(client, staff, workshop, monkeypatch):
    monkeypatch.setattr("reports.views.remarks.ORGANISATIONS_PER_PAGE", 3)
    client.force_login(staff)

    first = client.get(_list_url(workshop))
    second = client.get(_list_url(workshop, page=2))

    assert list(_rows(first)) == ["Hidden Agency", "Open Lab", "Quiet Institute"]
    assert list(_rows(second)) == ["Secret Provider Inc"]


@pytest.mark.parametrize("count", [3, 12])
def test_list_queries_do_not_grow_with_organisations(
    client, staff, count, django_assert_num_queries
):
    from tests.factories import (
        AssignmentFactory,
        CompleteSubmissionFactory,
        CriteriaSetFactory,
        OrganisationFactory,
        ReviewFactory,
    )

    workshop = WorkshopFactory()
    criteria_set = CriteriaSetFactory(workshop=workshop, version=2)
    for n in range(count):
        organisation = OrganisationFactory(name=f"Organisation {n:02d}")
        submission = CompleteSubmissionFactory(workshop=workshop, organisation=organisation)
        ReviewFactory(
            assignment=AssignmentFactory(submission=submission),
            criteria_set=criteria_set,
            state="submitted",
            submitted_at=timezone.now(),
        )
        FeedbackRemark.objects.create(workshop=workshop, organisation=organisation, remarks_md="x")
        ReportJob.objects.create(
            workshop=workshop,
            kind=ReportJob.Kind.FEEDBACK,
            organisation=organisation,
            params_hash=f"h-{n}",
        )
    client.force_login(staff)

    # session, user, staff group, MFA (staff middleware), workshop, count, one page
    with django_assert_num_queries(7):
        response = client.get(_list_url(workshop))

    assert len(response.context["page"].object_list) == count


def test_edit_saves_the_remarks(client, staff, workshop, open_lab):
    client.force_login(staff)

    response = client.post(
        _edit_url(workshop, open_lab), {"remarks_md": "Thank you: **clear**.", "revision": "0"}
    )

    assert response.status_code == 302
    remark = FeedbackRemark.objects.get(workshop=workshop, organisation=open_lab)
    assert (remark.remarks_md, remark.revision, remark.updated_by) == (
        "Thank you: **clear**.",
        1,
        staff,
    )


def test_edit_preview_renders_safely_and_saves_nothing(client, staff, workshop, open_lab):
    client.force_login(staff)

    response = client.post(
        _edit_url(workshop, open_lab),
        {"remarks_md": "**Bold** <script>alert(1)</script>", "revision": "0", "preview": "1"},
    )

    assert response.status_code == 200
    assert str(response.context["preview"]) == "<p><strong>Bold</strong> </p>"
    assert "<script>" not in response.content.decode()
    assert not FeedbackRemark.objects.filter(workshop=workshop).exists()


def test_edit_based_on_a_stale_version_is_refused_and_keeps_the_text(
    client, staff, workshop, open_lab
):
    feedback_remark_save(workshop=workshop, organisation=open_lab, remarks_md="First.", user=staff)
    client.force_login(staff)
    loaded = client.get(_edit_url(workshop, open_lab)).context["form"]["revision"].value()
    feedback_remark_save(
        workshop=workshop, organisation=open_lab, remarks_md="A colleague's.", user=staff
    )

    response = client.post(
        _edit_url(workshop, open_lab), {"remarks_md": "Mine.", "revision": str(loaded)}
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this text after you opened it." in body
    assert ">Mine.</textarea>" in body
    assert "A colleague&#x27;s." in body or "A colleague's." in body
    assert FeedbackRemark.objects.get(organisation=open_lab).remarks_md == "A colleague's."
    # The form now carries the current revision: saving again replaces theirs, knowingly.
    again = client.post(
        _edit_url(workshop, open_lab),
        {"remarks_md": "Mine.", "revision": response.context["form"]["revision"].value()},
    )
    assert again.status_code == 302
    assert FeedbackRemark.objects.get(organisation=open_lab).remarks_md == "Mine."


def test_first_save_racing_another_first_save_is_refused(staff, workshop, open_lab):
    feedback_remark_save(
        workshop=workshop, organisation=open_lab, remarks_md="Theirs.", user=staff, revision=0
    )

    with pytest.raises(StaleEditError) as raised:
        feedback_remark_save(
            workshop=workshop, organisation=open_lab, remarks_md="Mine.", user=staff, revision=0
        )

    assert (raised.value.current, raised.value.current_value) == (1, "Theirs.")


def test_edit_of_too_long_remarks_says_so_and_keeps_the_text(client, staff, workshop, open_lab):
    client.force_login(staff)
    text = "x" * 50_001

    response = client.post(_edit_url(workshop, open_lab), {"remarks_md": text, "revision": "0"})

    assert response.status_code == 400
    assert response.context["form"]["remarks_md"].value() == text
    assert response.context["form"].errors["remarks_md"]
    assert not FeedbackRemark.objects.exists()


def test_edit_of_an_organisation_without_reviews_here_is_404(client, staff, workshop, open_lab):
    other = WorkshopFactory()
    client.force_login(staff)

    assert client.get(_edit_url(other, open_lab)).status_code == 404


@pytest.mark.parametrize("persona", ["evaluator", "reviewer", "outsider"])
def test_remark_pages_refuse_others(client, request, persona, workshop, open_lab):
    """The list is a page of a workshop they see (403); Open Lab they do not see (404)."""
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_list_url(workshop)).status_code == 403
    assert client.get(_edit_url(workshop, open_lab)).status_code == 404
    response = client.post(_edit_url(workshop, open_lab), {"remarks_md": "x", "revision": "0"})
    assert response.status_code == 404
    assert not FeedbackRemark.objects.exists()


def test_remark_pages_send_anonymous_to_login(client, workshop, open_lab):
    for url in (_list_url(workshop), _edit_url(workshop, open_lab)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
