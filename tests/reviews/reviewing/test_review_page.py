"""The review page: the review row, the form built from the criteria set, anonymity, and
other reviewers' reviews per the workshop's policy."""

import re

import pytest
from django.urls import reverse

from criteria.models import CriteriaSet
from reviews.models import Review
from tests.factories import CriteriaSetFactory

from .conftest import next_version, submit_review

pytestmark = pytest.mark.django_db


def _get(client, assignment):
    client.force_login(assignment.reviewer)
    return client.get(reverse("reviews:review_detail", args=[assignment.code]))


def test_first_visit_creates_a_draft_against_the_current_set(client, assignment, criteria_set):
    response = _get(client, assignment)

    assert response.status_code == 200
    review = Review.objects.get(assignment=assignment)
    assert (review.state, review.criteria_set, review.revision) == ("draft", criteria_set, 1)


def test_second_visit_keeps_the_review_and_its_set_version(client, assignment, criteria_set):
    _get(client, assignment)
    newer = CriteriaSetFactory(
        workshop=assignment.workshop, version=next_version(criteria_set.workshop)
    )

    _get(client, assignment)

    assert Review.objects.filter(assignment=assignment).count() == 1
    assert Review.objects.get(assignment=assignment).criteria_set == criteria_set != newer


def test_assignment_not_yet_accepted_shows_accept_and_decline_and_no_form(client, assignment):
    assignment.state = "assigned"
    assignment.save()

    response = _get(client, assignment)

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("reviews:assignment_accept", args=[assignment.code]) in html
    assert reverse("reviews:assignment_decline", args=[assignment.code]) in html
    assert 'id="review-form"' not in html
    assert not Review.objects.filter(assignment=assignment).exists()


def test_without_criteria_set_no_review_is_created(client, assignment):
    CriteriaSet.objects.filter(workshop=assignment.workshop).delete()

    response = _get(client, assignment)

    assert "The criteria for this review are not published yet." in response.content.decode()
    assert not Review.objects.filter(assignment=assignment).exists()


def test_form_has_a_fieldset_and_legend_per_criterion_in_set_order(client, assignment):
    html = _get(client, assignment).content.decode()

    legends = re.findall(r'<legend class="h5[^"]*">([^<]+)</legend>', html)
    assert legends == [
        "REL-1 Systemic-risk relevance",
        "VAL-1 Internal validity",
        "ELI-2 Mitigation robustness",
    ]
    assert re.findall(r'<h2 class="h4 mt-2" id="group-\d+">([^<]+)</h2>', html) == [
        "A Relevance",
        "B Rigour",
    ]


def test_levels_show_their_descriptors_and_na_only_where_allowed(client, assignment, criteria_set):
    html = _get(client, assignment).content.decode()
    criteria = {c.code: c for c in criteria_set.criteria.all()}

    def labels(code):
        pk = criteria[code].pk
        return re.findall(rf'for="id_c{pk}-level_\d+">([^<]+)</label>', html)

    assert labels("REL-1") == [
        "0 — Absent",
        "1 — Weak",
        "2 — Partial",
        "3 — Meets the Code&#x27;s expectation",
        "4 — State of the art",
    ]
    assert labels("ELI-2")[-1] == "Not applicable (N/A)"
    assert f'name="c{criteria["ELI-2"].pk}-na_reason"' in html
    assert f'name="c{criteria["REL-1"].pk}-na_reason"' not in html
    assert "Required to submit: at least 20 characters." in html


def test_form_shows_description_guidance_tags_and_feedback(client, assignment, criteria_set):
    html = _get(client, assignment).content.decode()

    assert "Internal validity: description." in html
    assert "Internal validity: guidance for reviewers." in html
    assert "Criterion needs refinement" in html
    assert "Feedback on this criterion (optional)" in html
    assert "Is the criterion clear?" in html
    assert 'src="/static/portal/review-autosave.js"' in html


def test_page_loads_no_inline_script_or_style(client, assignment, second_review):
    html = _get(client, assignment).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html
    assert " on" + "click=" not in html


IDENTITY = [
    "Centre for Frontier Model Evaluation",  # organisation
    "Ada Author",  # author
    "Erik Evaluator",  # contact
    "evaluator@example.org",
    "Funded in part by a grant from the provider.",  # conflict statement
    "CFME-uplift-report.pdf",  # the file name names the organisation
]


def test_anonymous_workshop_hides_who_submitted(client, assignment):
    html = _get(client, assignment).content.decode()

    assert [text for text in IDENTITY if text in html] == []
    assert "Wet-lab uplift of Model X" in html
    assert "main-document.pdf" in html


def test_open_workshop_shows_who_submitted(client, assignment):
    assignment.workshop.anonymous_review = False
    assignment.workshop.save()

    html = _get(client, assignment).content.decode()

    assert [text for text in IDENTITY if text not in html] == []


def test_page_shows_the_latest_submitted_version_not_the_working_copy(client, assignment):
    submission = assignment.submission
    submission.abstract = "An edit after submitting that nobody submitted."
    submission.save()

    html = _get(client, assignment).content.decode()

    assert "An edit after submitting that nobody submitted." not in html
    assert "We measure uplift on a set of wet-lab troubleshooting tasks." in html


@pytest.mark.parametrize(
    ("policy", "own_submitted", "shown"),
    [
        ("never", False, False),
        ("never", True, False),
        ("after_own", False, False),
        ("after_own", True, True),
        ("always", False, True),
    ],
)
def test_other_reviews_follow_the_workshop_policy(
    client, assignment, second_review, policy, own_submitted, shown
):
    assignment.workshop.review_visibility = policy
    assignment.workshop.save()
    if own_submitted:
        submit_review(assignment)

    html = _get(client, assignment).content.decode()

    assert ("SECOND-REVIEW-SUMMARY" in html) is shown
    assert "Selma Second" not in html


def test_other_reviews_show_names_when_the_workshop_says_so(client, assignment, second_review):
    assignment.workshop.reviewer_names_visible = True
    assignment.workshop.save()

    html = _get(client, assignment).content.decode()

    assert ">Selma Second<" in html


def test_other_reviews_show_the_submitted_version(client, assignment, second_review):
    # Live rows never differ from the last version (drafts of a submitted review are
    # refused), but the page reads the version: what was submitted is what others see.
    version = second_review.versions.get()
    version.data["overall"]["summary"] = "AS-SUBMITTED-SUMMARY"
    version.save()

    html = _get(client, assignment).content.decode()

    assert "AS-SUBMITTED-SUMMARY" in html
    assert "SECOND-REVIEW-SUMMARY" not in html


def test_other_reviews_leave_out_criterion_feedback(client, assignment, second_review):
    version = second_review.versions.get()
    version.data["scores"][0]["feedback_suggestion"] = "FEEDBACK-FOR-THE-AI-OFFICE"
    version.save()

    html = _get(client, assignment).content.decode()

    assert "FEEDBACK-FOR-THE-AI-OFFICE" not in html
