"""Workshop invitations: sending, the staff pages that send them, the attendee list."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviews.models import WorkshopInvitation
from reviews.workshop_invitations import services
from tests.factories import CompleteSubmissionFactory
from tests.helpers import close_response

pytestmark = pytest.mark.django_db

State = WorkshopInvitation.State
Kind = WorkshopInvitation.Kind
LINK = re.compile(r"https?://[^/\s]+(/workshop-invitations/[^/\s]+/)")


def _send(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.invitation_send(**kwargs)


def _link(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def contact(submissions):
    return submissions[0].contact


def test_send_to_submitter_creates_invitation_and_emails_link(
    django_capture_on_commit_callbacks, workshop, staff, submissions, contact
):
    workshop.event_date = timezone.localdate() + timedelta(days=30)
    workshop.venue = "Brussels, Rue de la Loi 200"
    workshop.save()

    [invitation] = _send(
        django_capture_on_commit_callbacks,
        workshop=workshop,
        users=[contact],
        kind=Kind.SUBMITTER,
        user=staff,
        submission=submissions[0],
    )

    assert (invitation.kind, invitation.state, invitation.submission, invitation.invited_by) == (
        Kind.SUBMITTER,
        State.INVITED,
        submissions[0],
        staff,
    )
    [message] = mail.outbox
    assert message.to == [contact.email]
    assert workshop.title in message.subject
    assert "Alpha evaluation" in message.body
    assert "Brussels, Rue de la Loi 200" in message.body
    assert "It asks you to sign in to the portal first" in message.body
    token = _link(message).split("/")[-2]
    assert services.invitation_from_token(token=token) == invitation


def test_send_email_in_invitees_language(
    django_capture_on_commit_callbacks, workshop, staff, reviewers
):
    reviewer = reviewers[0]
    reviewer.preferred_language = "da"
    reviewer.save()
    workshop.event_date = timezone.localdate().replace(month=3, day=15) + timedelta(days=366)
    workshop.save()

    _send(
        django_capture_on_commit_callbacks,
        workshop=workshop,
        users=[reviewer],
        kind=Kind.REVIEWER,
        user=staff,
    )

    # Django's own Danish month name: the body was rendered in Danish.
    assert "marts" in mail.outbox[0].body


def test_inviting_again_resends_without_duplicate_and_keeps_answer(
    django_capture_on_commit_callbacks, workshop, staff, reviewers
):
    [invitation] = _send(
        django_capture_on_commit_callbacks,
        workshop=workshop,
        users=[reviewers[0]],
        kind=Kind.REVIEWER,
        user=staff,
    )
    services.invitation_answer(
        invitation=invitation, accept=True, dietary_needs="Vegan", user=reviewers[0]
    )

    _send(
        django_capture_on_commit_callbacks,
        workshop=workshop,
        users=[reviewers[0], reviewers[1]],
        kind=Kind.REVIEWER,
        user=staff,
    )

    assert WorkshopInvitation.objects.filter(workshop=workshop).count() == 2
    invitation.refresh_from_db()
    assert (invitation.state, invitation.dietary_needs) == (State.ACCEPTED, "Vegan")
    assert [m.to for m in mail.outbox] == [
        [reviewers[0].email],
        [reviewers[0].email],
        [reviewers[1].email],
    ]


def test_send_refuses_non_reviewer(workshop, staff, outsider):
    with pytest.raises(ValidationError):
        services.invitation_send(
            workshop=workshop, users=[outsider], kind=Kind.REVIEWER, user=staff
        )

    assert WorkshopInvitation.objects.count() == 0


def test_send_refuses_ineligible_submission(workshop, staff):
    submission = CompleteSubmissionFactory(workshop=workshop, state="submitted")

    with pytest.raises(ValidationError):
        services.invitation_send(
            workshop=workshop,
            users=[submission.contact],
            kind=Kind.SUBMITTER,
            user=staff,
            submission=submission,
        )

    assert WorkshopInvitation.objects.count() == 0


def test_send_refuses_someone_outside_the_submitting_organisation(
    workshop, staff, submissions, outsider
):
    with pytest.raises(ValidationError):
        services.invitation_send(
            workshop=workshop,
            users=[outsider],
            kind=Kind.SUBMITTER,
            user=staff,
            submission=submissions[0],
        )


# --- Staff: sending from the lists ---------------------------------------------------------


def test_invite_submitters_view_invites_contacts(
    client, django_capture_on_commit_callbacks, staff, scored, workshop
):
    alpha_sub, beta_sub = scored["submissions"]
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:invite_submitters", args=[workshop.code]),
            {"selected": [alpha_sub.code, beta_sub.code]},
        )

    assert response.status_code == 302
    invitations = WorkshopInvitation.objects.order_by("submission__title")
    assert [(i.user, i.kind, i.submission) for i in invitations] == [
        (alpha_sub.contact, Kind.SUBMITTER, alpha_sub),
        (beta_sub.contact, Kind.SUBMITTER, beta_sub),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [alpha_sub.contact.email, beta_sub.contact.email]
    )


def test_invite_submitters_refuses_ineligible(client, staff, workshop):
    draft = CompleteSubmissionFactory(workshop=workshop, state="submitted")
    client.force_login(staff)

    response = client.post(
        reverse("reviews:invite_submitters", args=[workshop.code]), {"selected": [draft.code]}
    )

    assert response.status_code == 200
    assert WorkshopInvitation.objects.count() == 0


def test_invite_submitters_page_shows_mean_and_recommendations(client, staff, scored, workshop):
    client.force_login(staff)

    response = client.get(reverse("reviews:invite_submitters", args=[workshop.code]))

    rows = {s.title: s for s in response.context["page"].object_list}
    alpha_sub = rows["Alpha evaluation"]
    # Levels 1, 3, 4, 2, 3 (N/A excluded; the draft ignored): mean 13/5.
    assert alpha_sub.mean_level == pytest.approx(2.6)
    assert (alpha_sub.recommend_yes, alpha_sub.recommend_maybe, alpha_sub.recommend_no) == (
        2,
        1,
        0,
    )
    assert alpha_sub.review_count == 3
    assert rows["Beta evaluation"].mean_level == pytest.approx(2.0)
    assert [s.title for s in response.context["page"].object_list] == [
        "Alpha evaluation",
        "Beta evaluation",
    ]


def test_invite_reviewers_view(client, django_capture_on_commit_callbacks, staff, reviewers):
    from reviews.models import ReviewerApplication

    workshop = ReviewerApplication.objects.get(user=reviewers[0]).workshop
    codes = [ReviewerApplication.objects.get(user=r, workshop=workshop).code for r in reviewers[:2]]
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:invite_reviewers", args=[workshop.code]), {"selected": codes}
        )

    assert response.status_code == 302
    assert set(WorkshopInvitation.objects.values_list("user", "kind")) == {
        (reviewers[0].pk, Kind.REVIEWER),
        (reviewers[1].pk, Kind.REVIEWER),
    }
    assert len(mail.outbox) == 2


# --- Attendee list and CSV -----------------------------------------------------------------


@pytest.fixture
def attendees(workshop, staff, reviewers, submissions):
    accepted = services.invitation_send(
        workshop=workshop,
        users=[submissions[0].contact],
        kind=Kind.SUBMITTER,
        user=staff,
        submission=submissions[0],
    )[0]
    services.invitation_answer(
        invitation=accepted,
        accept=True,
        accessibility_needs='=HYPERLINK("http://evil")',
        dietary_needs="+1 vegan",
        user=submissions[0].contact,
    )
    declined = services.invitation_send(
        workshop=workshop, users=[reviewers[0]], kind=Kind.REVIEWER, user=staff
    )[0]
    services.invitation_answer(invitation=declined, accept=False, user=reviewers[0])
    invited = services.invitation_send(
        workshop=workshop, users=[reviewers[1]], kind=Kind.REVIEWER, user=staff
    )[0]
    return {"accepted": accepted, "declined": declined, "invited": invited}


def test_attendee_list_filters_by_state(client, staff, attendees, workshop):
    client.force_login(staff)
    url = reverse("reviews:attendee_list", args=[workshop.code])

    everyone = client.get(url)
    accepted = client.get(url, {"state": "accepted"})

    assert everyone.context["page"].paginator.count == 3
    assert list(accepted.context["page"].object_list) == [attendees["accepted"]]
    assert everyone.context["total"] == 3
    assert [count for _s, _l, count in everyone.context["state_counts"]] == [1, 1, 1]


def _csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    close_response(response)
    return list(csv.reader(io.StringIO(content)))


def test_attendee_csv_content_and_formula_neutralised(client, staff, attendees, workshop):
    contact = attendees["accepted"].user
    contact.full_name = "@SUM(A1:A2)"
    contact.save()
    client.force_login(staff)

    response = client.get(
        reverse("reviews:attendee_export", args=[workshop.code]), {"state": "accepted"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attendees-" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header == [
        "name",
        "email",
        "kind",
        "state",
        "organisation",
        "submission_code",
        "submission_title",
        "accessibility_needs",
        "dietary_needs",
        "language",
        "invited_at",
        "responded_at",
    ]
    [row] = rows
    submission = attendees["accepted"].submission
    assert row[:9] == [
        "'@SUM(A1:A2)",
        contact.email,
        "submitter",
        "accepted",
        submission.organisation.name,
        submission.code,
        "Alpha evaluation",
        '\'=HYPERLINK("http://evil")',
        "'+1 vegan",
    ]


def test_attendee_csv_reviewer_affiliation(client, staff, attendees, workshop):
    client.force_login(staff)

    response = client.get(
        reverse("reviews:attendee_export", args=[workshop.code]),
        {"state": "declined", "kind": "reviewer"},
    )

    _header, *rows = _csv(response)
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        (attendees["declined"].user.full_name, "reviewer", "declined", "Independent")
    ]
