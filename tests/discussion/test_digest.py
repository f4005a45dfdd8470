"""The email digest: at most one per hour per submission per reviewer, new comments only,
with a link to the thread and one to unsubscribe from it."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from discussion import selectors, services
from discussion.models import Comment
from portal.models import OutgoingEmail

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _post_at(d, user, body, at, readers=Comment.Readers.REVIEWERS):
    thread = selectors.thread_get_for_user(code=d.submission.code, user=user)
    comment = services.comment_post(thread=thread, user=user, body=body, readers=readers)
    Comment.objects.filter(pk=comment.pk).update(created_at=at)
    return comment


def _mail_to(address):
    return [email for email in OutgoingEmail.objects.order_by("pk") if address in email.to]


def test_digest_timing_one_per_hour_with_new_comments_only(d):
    _post_at(d, d.a, "First from A", T0)
    # Sent at once to B (C has not submitted a review; declined and conflicted never; the
    # author gets no mail about their own comment).
    assert services.digests_send(now=T0 + timedelta(minutes=5)) == 1
    [first] = _mail_to(d.b.email)
    assert "First from A" in first.body
    assert "Reviewer A" in first.body and "Alma Alpha" not in first.body
    thread_path = reverse("discussion:thread", kwargs={"code": d.submission.code})
    assert thread_path in first.body
    assert reverse("discussion:subscription", kwargs={"code": d.submission.code}) in first.body
    for user in (d.a, d.c, d.declined, d.conflicted):
        assert _mail_to(user.email) == []

    # A second comment 10 minutes later waits for the hour to pass.
    _post_at(d, d.a, "Second from A", T0 + timedelta(minutes=10))
    assert services.digests_send(now=T0 + timedelta(minutes=15)) == 0
    assert services.digests_send(now=T0 + timedelta(minutes=64)) == 0
    assert services.digests_send(now=T0 + timedelta(minutes=65)) == 1
    second = _mail_to(d.b.email)[-1]
    assert "Second from A" in second.body and "First from A" not in second.body
    # Nothing new: nothing sent, however late.
    assert services.digests_send(now=T0 + timedelta(hours=5)) == 0


def test_staff_only_and_removed_comments_are_not_mailed(d):
    _post_at(d, d.staff, "For the AI Office", T0, readers=Comment.Readers.AI_OFFICE)
    removed = _post_at(d, d.a, "Removed soon", T0)
    services.comment_remove(comment=removed, user=d.a)
    assert services.digests_send(now=T0 + timedelta(minutes=5)) == 0
    assert OutgoingEmail.objects.count() == 0


def test_unsubscribe_per_thread(client, d):
    client.force_login(d.b)
    url = reverse("discussion:subscription", kwargs={"code": d.submission.code})
    assert client.get(url).status_code == 200
    assert client.post(url, {"subscribed": ""}).status_code == 302
    _post_at(d, d.a, "Unheard", T0)
    assert services.digests_send(now=T0 + timedelta(minutes=5)) == 0
    assert _mail_to(d.b.email) == []
    # Back in: the comments missed meanwhile come in the next digest.
    assert client.post(url, {"subscribed": "on"}).status_code == 302
    assert services.digests_send(now=T0 + timedelta(minutes=10)) == 1
    assert "Unheard" in _mail_to(d.b.email)[-1].body


def test_reviewer_gets_the_digest_once_the_thread_opens_to_them(d):
    _post_at(d, d.a, "Before C submitted", T0)
    services.digests_send(now=T0 + timedelta(minutes=5))
    assert _mail_to(d.c.email) == []
    review = d.assignments[d.c].review
    review.state = "submitted"
    review.save(update_fields=["state"])
    assert services.digests_send(now=T0 + timedelta(minutes=10)) == 1
    assert "Before C submitted" in _mail_to(d.c.email)[-1].body
