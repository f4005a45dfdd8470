"""Saving a review: drafts, submit validation, versions, freezing the criteria set,
optimistic locking (full page and autosave), the deadline and extensions, and answering
an assignment."""

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria.models import CriteriaSet
from reviews.models import Assignment, CriterionScore, Review, ReviewVersion
from reviews.services import reviewing as services

from .conftest import complete_input, form_data, submit_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(assignment):
    return services.review_get_or_create(assignment=assignment, user=assignment.reviewer)


@pytest.fixture
def criteria(criteria_set):
    return {c.code: c for c in criteria_set.criteria.all()}


@pytest.fixture
def page_url(assignment):
    return reverse("reviews:review_detail", args=[assignment.code])


@pytest.fixture
def autosave_url(assignment):
    return reverse("reviews:review_autosave", args=[assignment.code])


@pytest.fixture
def logged_in(client, assignment):
    client.force_login(assignment.reviewer)
    return client


def close_reviewing(workshop):
    now = timezone.now()
    workshop.submission_opens_at = now - timedelta(days=30)
    workshop.submission_closes_at = now - timedelta(days=20)
    workshop.review_deadline = now - timedelta(hours=1)
    workshop.save()


# --- drafts ---------------------------------------------------------------------------------


def test_draft_saves_whatever_was_typed(logged_in, page_url, review, criteria):
    data = services.ReviewInput(summary="Half a thought")
    data.scores[criteria["VAL-1"].pk] = services.ScoreInput(justification="Short.", tag="gap")

    response = logged_in.post(page_url, form_data(review, data=data))

    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.revision, review.summary) == ("draft", 2, "Half a thought")
    score = review.scores.get()
    assert (score.criterion, score.level, score.justification, score.tag) == (
        criteria["VAL-1"],
        None,
        "Short.",
        "gap",
    )
    # The score points at the criterion row of the review's set version.
    assert score.criterion.criteria_set_id == review.criteria_set_id


def test_draft_refuses_a_level_that_is_not_listed(logged_in, page_url, review, criteria):
    post = form_data(review)
    post[services.score_key(criteria["REL-1"].pk, "level")] = "9"
    post[services.score_key(criteria["VAL-1"].pk, "level")] = services.NOT_APPLICABLE

    response = logged_in.post(page_url, post)

    assert response.status_code == 200
    assert [message for _anchor, message in response.context["error_summary"]] == [
        "REL-1 Systemic-risk relevance — Level: Select a valid choice. 9 is not one of the "
        "available choices.",
        "VAL-1 Internal validity — Level: Select a valid choice. na is not one of the "
        "available choices.",
    ]
    review.refresh_from_db()
    assert review.revision == 1


def test_draft_keeps_na_with_its_reason(logged_in, page_url, review, criteria):
    data = services.ReviewInput()
    data.scores[criteria["ELI-2"].pk] = services.ScoreInput(
        not_applicable=True, na_reason="No mitigations were in scope."
    )

    logged_in.post(page_url, form_data(review, data=data))

    score = CriterionScore.objects.get(review=review)
    assert (score.not_applicable, score.level, score.na_reason) == (
        True,
        None,
        "No mitigations were in scope.",
    )


# --- submitting -----------------------------------------------------------------------------


def test_submit_lists_every_problem_by_criterion_and_keeps_the_text(
    logged_in, page_url, review, criteria
):
    data = services.ReviewInput(strengths="Clear threat model.")
    data.scores[criteria["REL-1"].pk] = services.ScoreInput(level=2, justification="Too short.")
    data.scores[criteria["VAL-1"].pk] = services.ScoreInput(
        justification="Confidence intervals are reported for every task."
    )
    data.scores[criteria["ELI-2"].pk] = services.ScoreInput(not_applicable=True)

    response = logged_in.post(page_url, form_data(review, action="submit", data=data))

    rel, val, eli = (criteria[code].pk for code in ("REL-1", "VAL-1", "ELI-2"))
    assert response.status_code == 200
    assert response.context["error_summary"] == [
        (
            f"id_c{rel}-justification",
            "REL-1 Systemic-risk relevance: the justification needs at least 20 characters",
        ),
        (f"id_c{val}-level_0", "VAL-1 Internal validity: choose a level"),
        (f"id_c{eli}-na_reason", "ELI-2 Mitigation robustness: say why it is not applicable"),
        ("id_summary", "Overall: write a summary"),
        ("id_confidence_0", "Overall: choose your confidence (1 to 5)"),
        ("id_recommendation_0", "Overall: choose a recommendation"),
    ]
    html = response.content.decode()
    for anchor, _message in response.context["error_summary"]:
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}"' in html
    # Nothing is lost: the draft is saved as typed, and not submitted.
    review.refresh_from_db()
    assert (review.state, review.strengths) == ("draft", "Clear threat model.")
    assert review.scores.get(criterion=criteria["REL-1"]).justification == "Too short."
    assert not ReviewVersion.objects.exists()


def test_submit_asks_for_level_or_na_where_na_is_allowed(logged_in, page_url, review, criteria):
    data = complete_input(review.criteria_set)
    data.scores[criteria["ELI-2"].pk] = services.ScoreInput(justification="")

    response = logged_in.post(page_url, form_data(review, action="submit", data=data))

    assert [message for _anchor, message in response.context["error_summary"]] == [
        "ELI-2 Mitigation robustness: choose a level or N/A",
        "ELI-2 Mitigation robustness: the justification needs at least 20 characters",
    ]


def test_submit_counts_the_justification_without_surrounding_spaces(
    logged_in, page_url, review, criteria, workshop
):
    workshop.justification_min_length = 30
    workshop.save()
    data = complete_input(review.criteria_set)
    data.scores[criteria["VAL-1"].pk].justification = "   " + "x" * 29 + "    "

    response = logged_in.post(page_url, form_data(review, action="submit", data=data))

    assert [message for _anchor, message in response.context["error_summary"]] == [
        "VAL-1 Internal validity: the justification needs at least 30 characters"
    ]


def test_submit_creates_version_1_with_a_snapshot_and_freezes_the_set(
    logged_in, page_url, review, criteria_set
):
    response = logged_in.post(
        page_url, form_data(review, action="submit", data=complete_input(criteria_set))
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == "submitted"
    assert review.submitted_at is not None
    version = review.versions.get()
    assert version.number == 1
    assert version.data["criteria_set"] == {
        "code": criteria_set.code,
        "title": criteria_set.title,
        "version": criteria_set.version,
    }
    assert [(s["criterion"], s["level"], s["descriptor"]) for s in version.data["scores"]] == [
        ("REL-1", 3, "Meets the Code's expectation"),
        ("VAL-1", 3, "Meets the Code's expectation"),
        ("ELI-2", 3, "Meets the Code's expectation"),
    ]
    assert version.data["overall"]["recommendation"] == "yes"
    criteria_set.refresh_from_db()
    assert criteria_set.frozen_at is not None


def test_resubmit_creates_version_2_and_keeps_version_1(logged_in, page_url, review, criteria_set):
    submit_review(review.assignment)
    review.refresh_from_db()
    frozen_at = CriteriaSet.objects.get(pk=criteria_set.pk).frozen_at
    page = logged_in.get(page_url).content.decode()
    assert "Submit again" in page
    assert 'value="save"' not in page
    changed = complete_input(criteria_set, summary="Second thoughts: the sample is too small.")

    response = logged_in.post(page_url, form_data(review, action="submit", data=changed))

    assert response.status_code == 302
    first, second = review.versions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.data["overall"]["summary"] == "A careful study with a clear threat model."
    assert second.data["overall"]["summary"] == "Second thoughts: the sample is too small."
    # Frozen once, by the first submit.
    assert CriteriaSet.objects.get(pk=criteria_set.pk).frozen_at == frozen_at


def test_incomplete_resubmit_keeps_the_submitted_version_untouched(
    logged_in, page_url, review, criteria_set
):
    review = submit_review(review.assignment)
    broken = complete_input(criteria_set, summary="")

    response = logged_in.post(page_url, form_data(review, action="submit", data=broken))

    assert response.status_code == 200
    assert [m for _a, m in response.context["error_summary"]] == ["Overall: write a summary"]
    assert "the submitted version stays as it was" in response.content.decode()
    review.refresh_from_db()
    assert (review.state, review.summary) == (
        "submitted",
        "A careful study with a clear threat model.",
    )
    assert review.versions.count() == 1


def test_a_submitted_review_cannot_be_saved_as_a_draft(logged_in, autosave_url, review):
    review = submit_review(review.assignment)

    response = logged_in.post(autosave_url, form_data(review, data=services.ReviewInput()))

    assert response.status_code == 400
    assert response.json()["error"].startswith("This review is submitted: submit it again")
    review.refresh_from_db()
    assert review.summary == "A careful study with a clear threat model."


# --- optimistic locking ---------------------------------------------------------------------


def test_stale_full_page_save_is_refused_and_keeps_the_refused_text(logged_in, page_url, review):
    # Two tabs open the page at revision 1; tab A saves, then tab B saves.
    tab_a = form_data(review, data=services.ReviewInput(summary="Tab A summary"))
    tab_b = form_data(review, data=services.ReviewInput(summary="Tab B summary"))
    assert logged_in.post(page_url, tab_a).status_code == 302

    response = logged_in.post(page_url, tab_b)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved: this review changed after you opened the page" in html
    assert ">\nTab B summary</textarea>" in html
    assert response.context["form"]["revision"].value() == "2"
    assert [(d.label, d.saved, d.posted) for d in response.context["stale_differences"]] == [
        ("Summary", "Tab A summary", "Tab B summary")
    ]
    review.refresh_from_db()
    assert (review.summary, review.revision) == ("Tab A summary", 2)


def test_after_a_stale_refusal_saving_again_is_a_deliberate_overwrite(logged_in, page_url, review):
    logged_in.post(page_url, form_data(review, data=services.ReviewInput(summary="Tab A")))
    refused = logged_in.post(page_url, form_data(review, data=services.ReviewInput(summary="B")))
    again = dict(refused.context["form"].data.items())

    response = logged_in.post(page_url, again)

    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.summary, review.revision) == ("B", 3)


def test_stale_submit_is_refused_without_a_version(logged_in, page_url, review, criteria_set):
    logged_in.post(page_url, form_data(review, data=services.ReviewInput(summary="Tab A")))

    response = logged_in.post(
        page_url, form_data(review, action="submit", data=complete_input(criteria_set))
    )

    assert response.status_code == 409
    assert not ReviewVersion.objects.exists()


def test_stale_autosave_answers_409_with_the_current_revision(
    logged_in, page_url, autosave_url, review
):
    logged_in.post(page_url, form_data(review, data=services.ReviewInput(summary="Tab A")))

    response = logged_in.post(
        autosave_url, form_data(review, data=services.ReviewInput(summary="Tab B"))
    )

    assert response.status_code == 409
    body = response.json()
    assert body["current_revision"] == 2
    assert body["error"].startswith("this review was saved in another tab or window")
    review.refresh_from_db()
    assert review.summary == "Tab A"


def test_autosave_saves_and_answers_the_new_revision_in_the_users_time(
    logged_in, autosave_url, review
):
    review.assignment.reviewer.timezone = "Asia/Tokyo"
    review.assignment.reviewer.save()

    response = logged_in.post(
        autosave_url, form_data(review, data=services.ReviewInput(summary="Typed"))
    )

    assert response.status_code == 200
    review.refresh_from_db()
    tokyo = timezone.localtime(review.updated_at, ZoneInfo("Asia/Tokyo"))
    assert response.json() == {
        "revision": 2,
        "saved_at": review.updated_at.isoformat(),
        "message": f"Saved at {tokyo:%H:%M}",
    }
    assert review.summary == "Typed"


def test_autosave_refuses_bad_types_with_400(logged_in, autosave_url, review, criteria):
    post = form_data(review)
    post[services.score_key(criteria["REL-1"].pk, "level")] = "7"

    response = logged_in.post(autosave_url, post)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [services.score_key(criteria["REL-1"].pk, "level")]


def test_autosave_when_logged_out_answers_401_json(client, autosave_url, review):
    response = client.post(autosave_url, form_data(review))

    assert response.status_code == 401
    assert json.loads(response.content)["error"].startswith("you are signed out")


# --- the deadline ----------------------------------------------------------------------------


def test_after_the_deadline_the_page_is_read_only(logged_in, page_url, review, workshop):
    close_reviewing(workshop)

    html = logged_in.get(page_url).content.decode()

    assert 'id="review-form"' not in html
    assert "The review can no longer be changed." in html


def test_after_the_deadline_a_post_is_refused_with_403_and_the_text_is_shown(
    logged_in, page_url, review, workshop
):
    close_reviewing(workshop)

    response = logged_in.post(
        page_url, form_data(review, data=services.ReviewInput(summary="Too late text"))
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "The review deadline passed on" in html
    assert "Too late text" in html
    assert 'id="review-form"' not in html
    review.refresh_from_db()
    assert (review.summary, review.revision) == ("", 1)


def test_after_the_deadline_autosave_answers_403(logged_in, autosave_url, review, workshop):
    close_reviewing(workshop)

    response = logged_in.post(autosave_url, form_data(review))

    assert response.status_code == 403
    assert response.json()["error"].startswith("The review deadline passed on")


def test_an_extension_reopens_the_review_for_that_reviewer(
    logged_in, page_url, review, workshop, criteria_set
):
    close_reviewing(workshop)
    Assignment.objects.filter(pk=review.assignment_id).update(
        deadline_override=timezone.now() + timedelta(days=2)
    )

    assert 'id="review-form"' in logged_in.get(page_url).content.decode()
    response = logged_in.post(
        page_url, form_data(review, action="submit", data=complete_input(criteria_set))
    )

    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).state == "submitted"


def test_an_extension_that_passed_closes_the_review_again(logged_in, page_url, review):
    Assignment.objects.filter(pk=review.assignment_id).update(
        deadline_override=timezone.now() - timedelta(minutes=1)
    )

    response = logged_in.post(page_url, form_data(review))

    assert response.status_code == 403


def test_no_review_is_started_after_the_deadline(logged_in, page_url, assignment, workshop):
    close_reviewing(workshop)

    html = logged_in.get(page_url).content.decode()

    assert "The deadline passed before you started this review." in html
    assert not Review.objects.filter(assignment=assignment).exists()


# --- answering an assignment -----------------------------------------------------------------


def test_accept(logged_in, assignment):
    assignment.state = "assigned"
    assignment.save()

    response = logged_in.post(reverse("reviews:assignment_accept", args=[assignment.code]))

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == "accepted"
    assert assignment.responded_at is not None


def test_decline_needs_a_reason_and_records_it(logged_in, assignment):
    assignment.state = "assigned"
    assignment.save()
    url = reverse("reviews:assignment_decline", args=[assignment.code])

    refused = logged_in.post(url, {"reason": "   "})
    response = logged_in.post(url, {"reason": "I advised the provider last year."})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"reason": ["This field is required."]}
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.state, assignment.decline_reason) == (
        "declined",
        "I advised the provider last year.",
    )
    # Declined assignments disappear for the reviewer.
    page = logged_in.get(reverse("reviews:review_detail", args=[assignment.code]))
    assert page.status_code == 404


def test_an_answered_assignment_cannot_be_declined(logged_in, assignment):
    response = logged_in.post(
        reverse("reviews:assignment_decline", args=[assignment.code]), {"reason": "Changed mind"}
    )

    # The reviewer sees the assignment but may no longer answer it.
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.state == "accepted"


def test_a_not_yet_accepted_review_cannot_be_saved(logged_in, page_url, assignment):
    assignment.state = "assigned"
    assignment.save()

    response = logged_in.post(page_url, {"revision": "1", "summary": "x"})

    assert response.status_code == 403
    assert "Accept the assignment before writing the review." in response.content.decode()
