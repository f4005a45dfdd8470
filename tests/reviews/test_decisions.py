import pytest
from django.core import mail
from django.urls import reverse

from reviews.models import ReviewerApplication
from reviews.selectors import reviewers_of_workshop

pytestmark = pytest.mark.django_db

State = ReviewerApplication.State


def decide(client, application, capture, **data):
    with capture(execute=True):
        return client.post(
            reverse("reviews:staff_application_decide", args=[application.code]), data
        )


def test_approve_emails_the_applicant(
    client, staff, application, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    response = decide(
        client, application, django_capture_on_commit_callbacks, decision="approve", reason=""
    )

    assert response.status_code == 302
    assert response.url == reverse(
        "reviews:staff_application_list", args=[application.workshop.code]
    )
    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert application.decided_by == staff
    assert application.decided_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["applicant@example.org"]
    assert "approved" in mail.outbox[0].subject
    assert application.workshop.title in mail.outbox[0].subject
    assert f"/review-applications/{application.code}/" in mail.outbox[0].body


def test_decline_emails_the_reason(client, staff, application, django_capture_on_commit_callbacks):
    client.force_login(staff)
    reason = "We need more reviewers with hands-on CBRN evaluation experience."

    response = decide(
        client, application, django_capture_on_commit_callbacks, decision="decline", reason=reason
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.DECLINED
    assert application.decision_reason == reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["applicant@example.org"]
    assert "declined" in mail.outbox[0].subject
    assert reason in mail.outbox[0].body


def test_decline_without_reason_is_refused(
    client, staff, application, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    response = decide(
        client, application, django_capture_on_commit_callbacks, decision="decline", reason="  "
    )

    assert response.status_code == 400
    assert list(response.context["decision_form"].errors) == ["reason"]
    application.refresh_from_db()
    assert application.state == State.PENDING
    assert mail.outbox == []


def test_decision_email_is_in_the_applicants_language(
    client, staff, application, django_capture_on_commit_callbacks
):
    application.user.preferred_language = "da"
    application.user.save()
    client.force_login(staff)

    decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        decision="decline",
        reason="Too few hours.",
    )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith(
        f"Din ansøgning om at blive bedømmer i {application.workshop.title} er afvist"
    )
    assert "Too few hours." in mail.outbox[0].body


def test_decision_can_be_changed_and_emails_again(
    client, staff, application, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    decide(client, application, django_capture_on_commit_callbacks, decision="approve")
    decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        decision="decline",
        reason="Conflict of interest found.",
    )
    application.refresh_from_db()
    assert application.state == State.DECLINED
    assert len(mail.outbox) == 2


def test_same_decision_twice_is_refused(
    client, staff, application, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    decide(client, application, django_capture_on_commit_callbacks, decision="approve")
    response = decide(client, application, django_capture_on_commit_callbacks, decision="approve")
    assert response.status_code == 400
    assert len(mail.outbox) == 1


def test_withdrawn_application_cannot_be_decided(
    client, staff, application, django_capture_on_commit_callbacks
):
    application.state = State.WITHDRAWN
    application.save()
    client.force_login(staff)
    response = decide(client, application, django_capture_on_commit_callbacks, decision="approve")
    assert response.status_code == 403
    assert mail.outbox == []


def test_approved_applicant_becomes_a_reviewer(
    client, staff, application, other_application, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    decide(client, application, django_capture_on_commit_callbacks, decision="approve")
    assert list(reviewers_of_workshop(workshop=application.workshop)) == [application.user]
