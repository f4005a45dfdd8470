"""Comments on a proposal: the author edits (earlier text kept, a stale save refused) or
removes theirs; staff remove any and read the history; nobody else may."""

import pytest
from django.urls import reverse
from django.utils import timezone

from debate.models import ProposalComment
from portal.models import AuditEvent

from .conftest import make_proposal

pytestmark = pytest.mark.django_db


def _url(name, comment):
    proposal = comment.proposal
    return reverse(f"debate:{name}", args=[proposal.workshop.code, proposal.code, comment.code])


def _detail(comment):
    proposal = comment.proposal
    return reverse("debate:proposal_detail", args=[proposal.workshop.code, proposal.code])


@pytest.fixture
def comment(workshop, participant, other_participant):
    proposal = make_proposal(workshop, other_participant)
    return ProposalComment.objects.create(proposal=proposal, author=participant, body="First.")


def test_the_author_edits_and_the_earlier_text_is_kept(client, comment, participant, staff):
    client.force_login(participant)
    page = client.get(_detail(comment)).content.decode()
    assert _url("proposal_comment_edit", comment) in page
    form = client.get(_url("proposal_comment_edit", comment))
    assert form.status_code == 200
    assert form.context["form"].initial == {"body": "First.", "revision": 1}

    response = client.post(
        _url("proposal_comment_edit", comment), {"body": "Second, *better*.", "revision": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_detail(comment)}#comment-{comment.code}"
    comment.refresh_from_db()
    assert (comment.body, comment.revision) == ("Second, *better*.", 2)
    assert comment.edited_at is not None
    assert list(comment.revisions.values_list("number", "body")) == [(1, "First.")]
    event = AuditEvent.objects.get(action="proposal.comment_edited")
    assert (event.actor, event.details) == (participant, {"comment": comment.code, "revision": 2})
    page = client.get(_detail(comment)).content.decode()
    assert "<em>better</em>" in page and "edited" in page

    # A save from the page opened before (revision 1) is refused, both texts shown.
    stale = client.post(_url("proposal_comment_edit", comment), {"body": "Third.", "revision": 1})
    assert stale.status_code == 409
    assert stale.context["conflict"] == "Second, *better*."
    assert 'name="revision" value="2"' in stale.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Second, *better*."

    # Staff read the history; the author does not.
    assert client.get(_url("proposal_comment_history", comment)).status_code == 403
    client.force_login(staff)
    history = client.get(_url("proposal_comment_history", comment))
    assert [r.body for r in history.context["revisions"]] == ["First."]
    assert "Second, *better*." in history.content.decode()


def test_the_author_removes_theirs_and_a_marker_stays(client, comment, participant, staff):
    client.force_login(participant)
    confirm = client.get(_url("proposal_comment_remove", comment))
    assert "First." in confirm.content.decode()
    assert client.post(_url("proposal_comment_remove", comment)).status_code == 302
    comment.refresh_from_db()
    assert comment.removed_at is not None and comment.body == "First."
    page = client.get(_detail(comment)).content.decode()
    assert "This comment was removed." in page
    assert "First." not in page
    assert _url("proposal_comment_edit", comment) not in page
    # Removed: no more edits, no second removal.
    edit = client.post(_url("proposal_comment_edit", comment), {"body": "Back.", "revision": 1})
    assert edit.status_code == 403
    assert client.post(_url("proposal_comment_remove", comment)).status_code == 403
    assert AuditEvent.objects.filter(action="proposal.comment_removed").count() == 1


def test_staff_remove_any_comment_but_edit_none(client, comment, staff):
    client.force_login(staff)
    page = client.get(_detail(comment)).content.decode()
    assert _url("proposal_comment_remove", comment) in page
    assert _url("proposal_comment_edit", comment) not in page
    assert client.get(_url("proposal_comment_edit", comment)).status_code == 403
    assert client.post(_url("proposal_comment_remove", comment)).status_code == 302
    comment.refresh_from_db()
    assert comment.removed_at is not None
    event = AuditEvent.objects.get(action="proposal.comment_removed")
    assert event.actor == staff


def test_another_participant_may_do_neither(client, comment, other_participant):
    client.force_login(other_participant)
    page = client.get(_detail(comment)).content.decode()
    assert _url("proposal_comment_remove", comment) not in page
    assert client.get(_url("proposal_comment_edit", comment)).status_code == 403
    assert client.post(_url("proposal_comment_remove", comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.removed_at is None


def test_a_withdrawn_proposal_freezes_its_comments(client, comment, participant):
    comment.proposal.withdrawn_at = timezone.now()
    comment.proposal.save()
    client.force_login(participant)
    edit = client.post(_url("proposal_comment_edit", comment), {"body": "Later.", "revision": 1})
    assert edit.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "First."


def test_an_empty_edit_is_refused(client, comment, participant):
    client.force_login(participant)
    response = client.post(_url("proposal_comment_edit", comment), {"body": "  ", "revision": 1})
    assert response.status_code == 400
    assert comment.revisions.count() == 0


def test_a_comment_longer_than_the_limit_is_refused_by_the_service(comment, participant):
    from django.core.exceptions import ValidationError  # noqa: PLC0415 -- test-local

    from debate import services  # noqa: PLC0415 -- test-local
    from portal.services.comments import COMMENT_MAX_LENGTH  # noqa: PLC0415 -- test-local

    too_long = "x" * (COMMENT_MAX_LENGTH + 1)
    with pytest.raises(ValidationError, match="A comment holds at most 20000 characters"):
        services.proposal_comment_edit(comment=comment, user=participant, body=too_long, revision=1)
    with pytest.raises(ValidationError, match="A comment holds at most 20000 characters"):
        services.proposal_comment_add(proposal=comment.proposal, user=participant, body=too_long)
    comment.refresh_from_db()
    assert (comment.body, comment.revisions.count()) == ("First.", 0)
