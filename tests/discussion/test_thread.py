"""Who reads the discussion of a submission, what they see of it, and its edits."""

import pytest
from django.urls import reverse

from criteria.models import CriterionTranslation
from discussion import selectors, services
from discussion.models import Comment
from portal.models import AuditEvent, User, Workshop
from tests.factories import translate_criterion


def _url(d):
    return reverse("discussion:thread", kwargs={"code": d.submission.code})


def _post(d, user, body, readers=Comment.Readers.REVIEWERS):
    thread = selectors.thread_get_for_user(code=d.submission.code, user=user)
    return services.comment_post(thread=thread, user=user, body=body, readers=readers)


def test_submitter_never_sees_the_thread(client, d):
    client.force_login(d.submitter)
    assert client.get(_url(d)).status_code == 404


@pytest.mark.parametrize("who", ["declined", "conflicted"])
def test_declined_and_conflicted_reviewers_never_see_it(client, d, who):
    # Even when the workshop lets reviewers see everything at once.
    Workshop.objects.filter(pk=d.workshop.pk).update(
        review_visibility=Workshop.ReviewVisibility.ALWAYS
    )
    client.force_login(getattr(d, who))
    assert client.get(_url(d)).status_code == 404
    assert client.post(_url(d), {"body": "hi", "readers": "reviewers"}).status_code == 404


def test_reviewer_reads_only_after_own_review_when_the_rule_says_so(client, d):
    client.force_login(d.c)
    assert client.get(_url(d)).status_code == 403
    Workshop.objects.filter(pk=d.workshop.pk).update(
        review_visibility=Workshop.ReviewVisibility.ALWAYS
    )
    assert client.get(_url(d)).status_code == 200


def test_rule_never_keeps_reviewers_out(client, d):
    Workshop.objects.filter(pk=d.workshop.pk).update(
        review_visibility=Workshop.ReviewVisibility.NEVER
    )
    client.force_login(d.a)
    assert client.get(_url(d)).status_code == 403


def test_staff_always_read_everything_with_names(client, d):
    _post(d, d.a, "From A")
    _post(d, d.staff, "Staff only", readers=Comment.Readers.AI_OFFICE)
    client.force_login(d.staff)
    response = client.get(_url(d))
    assert response.status_code == 200
    labels = [item.author_label for item in response.context["comments"]]
    assert labels == ["Alma Alpha", "Sofie Staff (AI Office)"]
    assert "Staff only" in response.content.decode()


def test_reviewers_see_labels_stable_per_submission_and_not_staff_only_comments(client, d):
    _post(d, d.b, "From B")
    _post(d, d.a, "From A")
    _post(d, d.staff, "Staff only", readers=Comment.Readers.AI_OFFICE)
    _post(d, d.staff, "To all")
    _post(d, d.a, "A to the AI Office", readers=Comment.Readers.AI_OFFICE)
    client.force_login(d.b)
    response = client.get(_url(d))
    content = response.content.decode()
    labels = [item.author_label for item in response.context["comments"]]
    # Assignment order: A was assigned first, then B: the same letters on every page.
    assert labels == ["Reviewer B", "Reviewer A", "AI Office"]
    assert "Alma Alpha" not in content and "Sofie Staff" not in content
    assert "Staff only" not in content and "A to the AI Office" not in content
    # A sees their own comment for the AI Office.
    client.force_login(d.a)
    labels = [item.author_label for item in client.get(_url(d)).context["comments"]]
    assert labels == ["Reviewer B", "Reviewer A", "AI Office", "Reviewer A"]


def test_names_shown_when_the_workshop_shows_reviewer_names(client, d):
    Workshop.objects.filter(pk=d.workshop.pk).update(reviewer_names_visible=True)
    _post(d, d.a, "From A")
    client.force_login(d.b)
    assert [i.author_label for i in client.get(_url(d)).context["comments"]] == ["Alma Alpha"]


def test_posting_through_the_page_is_audited(client, d):
    client.force_login(d.a)
    response = client.post(_url(d), {"body": "See **C1**", "readers": "reviewers"})
    assert response.status_code == 302
    comment = Comment.objects.get()
    # The page it lands on tells the draft script that the text reached the server.
    assert client.get(response.url).context["draft_posted"] is True
    assert client.get(_url(d)).context["draft_posted"] is False
    assert (comment.author, comment.readers, comment.by_staff) == (d.a, "reviewers", False)
    assert AuditEvent.objects.filter(action="comment.posted", object_code=comment.code).exists()
    page = client.get(_url(d)).content.decode()
    assert "<strong>C1</strong>" in page


def test_markdown_is_sanitised_and_score_quotes_link(client, d):
    _post(d, d.a, '> [C1 level 2](#score-C1)\n\n<script>alert(1)</script><img src="x">')
    client.force_login(d.b)
    page = client.get(_url(d)).content.decode()
    assert '<a href="#score-C1" rel="noopener noreferrer">C1 level 2</a>' in page
    assert "<script>alert" not in page and '<img src="x"' not in page


def test_empty_comment_refused_with_text_kept(client, d):
    client.force_login(d.a)
    response = client.post(_url(d), {"body": "   ", "readers": "reviewers"})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_edit_keeps_history_for_staff_only(client, d):
    comment = _post(d, d.a, "First text")
    client.force_login(d.a)
    edit = reverse(
        "discussion:comment_edit", kwargs={"code": d.submission.code, "comment_code": comment.code}
    )
    assert client.post(edit, {"body": "Second text", "revision": 1}).status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.revision) == ("Second text", 2)
    assert list(comment.revisions.values_list("number", "body")) == [(1, "First text")]
    history = reverse(
        "discussion:comment_history",
        kwargs={"code": d.submission.code, "comment_code": comment.code},
    )
    assert client.get(history).status_code == 403
    client.force_login(d.b)
    assert client.get(edit).status_code == 403
    assert client.get(history).status_code == 403
    assert "First text" not in client.get(_url(d)).content.decode()
    client.force_login(d.staff)
    page = client.get(history).content.decode()
    assert "First text" in page and "Second text" in page


def test_stale_edit_refused_with_both_texts(client, d):
    comment = _post(d, d.a, "First text")
    client.force_login(d.a)
    edit = reverse(
        "discussion:comment_edit", kwargs={"code": d.submission.code, "comment_code": comment.code}
    )
    assert client.post(edit, {"body": "From tab one", "revision": 1}).status_code == 302
    response = client.post(edit, {"body": "From tab two", "revision": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "From tab one" in page and "From tab two" in page
    comment.refresh_from_db()
    assert comment.body == "From tab one"
    # Saved again from the revision the refusal carried.
    assert client.post(edit, {"body": "From tab two", "revision": 2}).status_code == 302


def test_removal_leaves_a_marker(client, d):
    comment = _post(d, d.a, "Regrettable text")
    client.force_login(d.a)
    remove = reverse(
        "discussion:comment_remove",
        kwargs={"code": d.submission.code, "comment_code": comment.code},
    )
    assert client.post(remove).status_code == 302
    client.force_login(d.b)
    page = client.get(_url(d)).content.decode()
    assert "Regrettable text" not in page
    assert "This comment was removed." in page
    assert AuditEvent.objects.filter(action="comment.removed", object_code=comment.code).exists()
    # Nobody edits or removes it again; staff still read it in the history.
    client.force_login(d.a)
    assert client.post(remove).status_code == 403
    client.force_login(d.staff)
    history = reverse(
        "discussion:comment_history",
        kwargs={"code": d.submission.code, "comment_code": comment.code},
    )
    assert "Regrettable text" in client.get(history).content.decode()


def test_thread_linked_from_the_review_page_and_staff_reviewers_page(client, d):
    client.force_login(d.a)
    page = client.get(
        reverse("reviews:review_detail", kwargs={"code": d.assignments[d.a].code})
    ).content.decode()
    assert _url(d) in page
    client.force_login(d.staff)
    page = client.get(
        reverse("reviews:staff_submission_reviewers", kwargs={"code": d.submission.code})
    ).content.decode()
    assert _url(d) in page


@pytest.mark.parametrize("size", [5, 50])
def test_thread_queries_constant(client, d, django_assert_num_queries, size):
    for index in range(size):
        author = [d.a, d.b, d.staff][index % 3]
        comment = _post(d, author, f"Comment {index}")
        if index % 7 == 0:
            services.comment_edit(comment=comment, user=author, body="edited", revision=1)
    client.force_login(d.b)
    with django_assert_num_queries(QUERIES_REVIEWER):
        response = client.get(_url(d))
    assert len(response.context["comments"]) == size
    client.force_login(d.staff)
    with django_assert_num_queries(QUERIES_STAFF):
        response = client.get(_url(d))
    assert len(response.context["comments"]) == size


# session, user, staff group, the reviewer's assignment, its conflict checks (recorded
# conflicts, membership, ties), comments with authors and edit counts, labels, the other
# reviews to quote and their labels, subscription
QUERIES_REVIEWER = 12
# session, user, staff group, MFA, submission, comments, labels, submitted reviews,
# subscription
QUERIES_STAFF = 9


def test_quote_links_to_the_score_beside_the_thread(client, d):
    client.force_login(d.b)
    page = client.get(_url(d))
    [other] = page.context["reviews"]
    assert other.review.label == "Reviewer A"
    anchor = f"score-reviewer-a-{d.criterion.code.lower()}"
    content = page.content.decode()
    assert f'id="{anchor}"' in content
    assert "Justification A1" in content and "Justification B1" not in content
    quoted = client.get(_url(d), {"quote": anchor}).context["form"]["body"].value()
    assert quoted.startswith(f"> [Reviewer A, {d.criterion.code}: ")
    assert f"](#{anchor})" in quoted and "> Justification A1" in quoted
    client.post(_url(d), {"body": quoted + "I disagree.", "readers": "reviewers"})
    page = client.get(_url(d)).content.decode()
    assert f'<a href="#{anchor}" rel="noopener noreferrer">Reviewer A, {d.criterion.code}' in page
    # A foreign or stale anchor quotes nothing.
    form = client.get(_url(d), {"quote": "score-reviewer-b-x"}).context["form"]
    assert not form["body"].value()


def test_staff_quote_from_every_review_by_name(client, d):
    client.force_login(d.staff)
    reviews = client.get(_url(d)).context["reviews"]
    assert [item.review.label for item in reviews] == ["Alma Alpha", "Bo Beta"]


def test_reviews_beside_the_thread_name_the_criteria_in_the_reader_language(client, d):
    criterion = d.criterion
    english = criterion.title
    translate_criterion(criterion, language="de", title="Übersetzter Titel")
    translate_criterion(criterion, language="fr", title="Titre traduit")
    other = criterion.criteria_set.criteria.exclude(pk=criterion.pk).select_related("group")[0]
    CriterionTranslation.objects.filter(criterion=other, language="de").delete()
    User.objects.filter(pk=d.b.pk).update(preferred_language="de")
    client.force_login(d.b)

    page = client.get(_url(d))
    html = page.content.decode()

    assert f"{criterion.code} Übersetzter Titel</dt>" in html
    assert english not in html
    level = criterion.levels[0]["level"]
    assert f"Übersetzter Titel — niveau {level}" in html
    # Not translated: the English, marked, with its group's translation where there is one.
    assert f'{other.code} <span lang="en">{other.title}</span> <span class="badge' in html
    # The quote carries the level's German descriptor.
    [review] = page.context["reviews"]
    anchor = review.quotables[0].anchor
    quoted = client.get(_url(d), {"quote": anchor}).context["form"]["body"].value()
    assert quoted.startswith(
        f"> [{review.review.label}, {criterion.code}: {level} — Übersetzter Titel — niveau {level}]"
    )

    User.objects.filter(pk=d.staff.pk).update(preferred_language="fr")
    client.force_login(d.staff)
    html = client.get(_url(d)).content.decode()
    assert html.count(f"{criterion.code} Titre traduit</dt>") == 2
    assert f"{criterion.group.code} {criterion.group.code} (fr)</h4>" in html
    assert english not in html
