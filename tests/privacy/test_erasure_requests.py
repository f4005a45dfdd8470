"""A person asks for erasure from their profile, may withdraw while it waits; AI Office
staff see the requests, what an erasure would delete and keep, and decide with a reason."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import AuditEvent, OutgoingEmail
from privacy.models import ErasedAccount, ErasureRequest
from privacy.services.erasure import (
    erasure_request_approve,
    erasure_request_create,
    erasure_request_refuse,
    erasure_request_withdraw,
)
from privacy.tasks import erasure_dispatch
from reviews.models import Review
from tests.factories import (
    AssignmentFactory,
    CompleteSubmissionFactory,
    MembershipFactory,
    ReviewFactory,
    SubmissionFactory,
    SubmissionFileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
State = ErasureRequest.State


# --- services ------------------------------------------------------------------------------


def test_a_request_is_recorded_with_its_reason_hashed(evaluator):
    erasure_request = erasure_request_create(user=evaluator, reason="  I left the field.  ")

    assert (erasure_request.state, erasure_request.reason) == (State.REQUESTED, "I left the field.")
    event = AuditEvent.objects.get(action="erasure.requested")
    assert (event.actor, event.object_code) == (evaluator, erasure_request.code)
    assert event.details["reason"]["length"] == len("I left the field.")


def test_one_open_request_per_person(evaluator):
    erasure_request_create(user=evaluator)
    with pytest.raises(ValidationError, match="still open"):
        erasure_request_create(user=evaluator)


def test_withdraw_only_while_waiting(evaluator, staff):
    erasure_request = erasure_request_create(user=evaluator)
    erasure_request_withdraw(erasure_request=erasure_request, user=evaluator)
    erasure_request.refresh_from_db()
    assert erasure_request.state == State.WITHDRAWN
    assert AuditEvent.objects.filter(action="erasure.withdrawn", actor=evaluator).exists()
    with pytest.raises(ValidationError):
        erasure_request_withdraw(erasure_request=erasure_request, user=evaluator)
    # After withdrawing, a new request may be made.
    assert erasure_request_create(user=evaluator).state == State.REQUESTED


def test_refusal_needs_a_reason_and_is_sent_to_the_person(evaluator, staff):
    erasure_request = erasure_request_create(user=evaluator)
    with pytest.raises(ValidationError):
        erasure_request_refuse(erasure_request=erasure_request, decided_by=staff, reason="  ")

    erasure_request_refuse(
        erasure_request=erasure_request, decided_by=staff, reason="Your review is disputed."
    )

    erasure_request.refresh_from_db()
    assert (erasure_request.state, erasure_request.decided_by) == (State.REFUSED, staff)
    event = AuditEvent.objects.get(action="erasure.refused")
    assert (event.actor, event.details) == (staff, {"reason": "Your review is disputed."})
    (message,) = OutgoingEmail.objects.all()
    assert message.to == ["evaluator@example.org"]
    assert "Your review is disputed." in message.body
    assert not ErasedAccount.objects.exists()


def test_staff_never_decide_their_own_request(staff):
    erasure_request = erasure_request_create(user=staff)
    with pytest.raises(ValidationError, match="Another member of staff"):
        erasure_request_approve(erasure_request=erasure_request, decided_by=staff, reason="ok")


def test_approval_erases_the_account_after_the_commit(
    evaluator, staff, django_capture_on_commit_callbacks
):
    erasure_request = erasure_request_create(user=evaluator, reason="Personal reasons")
    with django_capture_on_commit_callbacks(execute=True):
        erasure_request_approve(
            erasure_request=erasure_request,
            decided_by=staff,
            reason="Nothing needs the account.",
            enqueue=erasure_dispatch,
        )

    erasure_request.refresh_from_db()
    evaluator.refresh_from_db()
    assert erasure_request.state == State.DONE and erasure_request.completed_at
    assert erasure_request.reason == ""  # their words go with the account
    assert erasure_request.result["deleted"]["portal.Membership"] == 1
    erased = ErasedAccount.objects.get(user=evaluator)
    assert (erased.request, erased.erased_by, erased.cause) == (erasure_request, staff, "request")
    assert evaluator.email == f"erased-{erased.code}@invalid"
    assert [e.action for e in AuditEvent.objects.order_by("id")] == [
        "erasure.requested",
        "erasure.approved",
        "account.pseudonymised",
    ]
    assert AuditEvent.objects.get(action="account.pseudonymised").actor == staff


# --- pages ---------------------------------------------------------------------------------


def test_profile_offers_the_request_and_shows_its_state(client, evaluator):
    client.force_login(evaluator)
    page = client.get(reverse("portal:profile")).content.decode()
    assert reverse("privacy:erasure_request") in page

    response = client.post(
        reverse("privacy:erasure_request"), {"reason": "Moving on", "confirm": "on"}
    )

    assert response.status_code == 302
    erasure_request = ErasureRequest.objects.get(user=evaluator)
    page = client.get(reverse("portal:profile")).content.decode()
    assert "The AI Office has not decided yet." in page
    assert reverse("privacy:erasure_withdraw", args=[erasure_request.code]) in page
    # The form is not offered again while the request is open.
    form_page = client.get(reverse("privacy:erasure_request")).content.decode()
    assert "State: Requested" in form_page and 'name="confirm"' not in form_page

    client.post(reverse("privacy:erasure_withdraw", args=[erasure_request.code]))
    erasure_request.refresh_from_db()
    assert erasure_request.state == State.WITHDRAWN


def test_the_request_form_needs_the_confirmation(client, evaluator):
    client.force_login(evaluator)
    response = client.post(reverse("privacy:erasure_request"), {"reason": "x"})
    assert response.status_code == 400
    assert "Tick the box to confirm." in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_a_second_request_is_refused_with_a_message(client, evaluator):
    erasure_request_create(user=evaluator)
    client.force_login(evaluator)
    response = client.post(reverse("privacy:erasure_request"), {"confirm": "on"})
    assert response.status_code == 400
    assert ErasureRequest.objects.filter(user=evaluator).count() == 1


def test_staff_detail_says_what_is_deleted_and_what_is_kept(client, staff, organisation):
    person = UserFactory(full_name="Dora Deleteme")
    MembershipFactory(user=person)  # alone in an organisation of their own
    solo_org = person.memberships.get().organisation
    draft = SubmissionFactory(organisation=solo_org, contact=person)
    SubmissionFileFactory(submission=draft)
    SubmissionFactory(organisation=solo_org, contact=person)
    submitted = CompleteSubmissionFactory(organisation=organisation, contact=person)
    submitted.state = "eligible"
    submitted.save()
    for _ in range(3):
        ReviewFactory(
            assignment=AssignmentFactory(reviewer=person),
            state=Review.State.SUBMITTED,
        )
    erasure_request = erasure_request_create(user=person, reason="Bye")
    client.force_login(staff)

    page = client.get(reverse("privacy:staff_erasure_detail", args=[erasure_request.code]))

    text = page.content.decode()
    assert "2 drafts never submitted, of organisations nobody else belongs to" in text
    assert "1 file of those drafts" in text
    assert "3 submitted reviews and their scores, attributed to the pseudonym" in text
    assert "1 submitted evaluation they are the contact or an author of" in text
    assert "1 membership of an organisation" in text
    assert 'name="decision"' in text


def test_staff_decide_through_the_page(
    client, staff, evaluator, django_capture_on_commit_callbacks
):
    erasure_request = erasure_request_create(user=evaluator)
    client.force_login(staff)
    url = reverse("privacy:staff_erasure_decide", args=[erasure_request.code])

    refused = client.post(url, {"decision": "approve", "reason": ""})
    assert refused.status_code == 400
    assert "Give the reason for the decision." in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve", "reason": "Approved."})

    assert response.status_code == 302
    erasure_request.refresh_from_db()
    assert erasure_request.state == State.DONE
    detail = client.get(reverse("privacy:staff_erasure_detail", args=[erasure_request.code]))
    text = detail.content.decode()
    assert "What the erasure did" in text and 'name="decision"' not in text
    assert "Former participant" in text


def test_staff_list_filters_by_state(client, staff, evaluator, other_evaluator):
    erasure_request_create(user=evaluator)
    refused = erasure_request_create(user=other_evaluator)
    erasure_request_refuse(erasure_request=refused, decided_by=staff, reason="No.")
    client.force_login(staff)

    all_requests = client.get(reverse("privacy:staff_erasure_list"))
    only_refused = client.get(reverse("privacy:staff_erasure_list"), {"state": "refused"})
    bad = client.get(reverse("privacy:staff_erasure_list"), {"state": "nonsense"})

    assert len(all_requests.context["page"].object_list) == 2
    assert [r.user for r in only_refused.context["page"].object_list] == [other_evaluator]
    assert bad.status_code == 400 and len(bad.context["page"].object_list) == 2


@pytest.mark.parametrize("size", [2, 30])
def test_staff_list_queries_constant(client, staff, django_assert_num_queries, size):
    for _ in range(size):
        erasure_request_create(user=UserFactory())
    client.force_login(staff)
    # session, user, staff group, MFA check, count, page (with user and decider)
    with django_assert_num_queries(6):
        response = client.get(reverse("privacy:staff_erasure_list"))
    assert len(response.context["page"].object_list) == min(size, 25)
