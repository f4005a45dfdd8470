"""The overview page at any size: a page of submissions in title order from SQL, the
workshop-wide figures from the cache, recomputed when a score changes."""

import re

import pytest
from django.urls import reverse

from reviews.models import Review
from reviews.services import reviewing as services
from tests.factories import AssignmentFactory, CompleteSubmissionFactory
from tests.reviews.reviewing.conftest import complete_input

from .conftest import approved_reviewer, make_review

pytestmark = pytest.mark.django_db

# session, user, staff group, MFA authenticators, workshop, then the log's position, criteria,
# a page of submissions and their score rows: the page once the figures are cached.
WARM = 5 + 4


def _overview(client, workshop, **params):
    return client.get(reverse("reviews:aggregate_overview", args=[workshop.code]), params)


def _titles(response) -> list[str]:
    return [row.submission.title for row in response.context["page"].object_list]


def _rel(response):
    version = response.context["version"]
    return next(r for r in version.criteria_rows if r.criterion.code == "REL-1")


@pytest.fixture
def per_page(monkeypatch):
    from reviews.views import aggregates  # noqa: PLC0415 -- patched below

    monkeypatch.setattr(aggregates, "PER_PAGE", 2)


def _add_submission(workshop, criteria_set, title, levels):
    submission = CompleteSubmissionFactory(workshop=workshop, state="eligible", title=title)
    for level in levels:
        make_review(
            submission=submission,
            reviewer=approved_reviewer(workshop),
            criteria_set=criteria_set,
            scores={"REL-1": level, "VAL-1": level, "ELI-2": level},
        )
    return submission


def test_pages_in_title_order(client, staff, scored, workshop, per_page):
    _add_submission(workshop, scored["criteria_set"], "Aardvark study", [2, 2])
    client.force_login(staff)

    first = _overview(client, workshop)
    second = _overview(client, workshop, page=2)

    assert _titles(first) == ["Aardvark study", "Alpha evaluation"]
    assert _titles(second) == ["Beta evaluation"]
    assert first.context["page"].paginator.count == 3
    assert "Page 1 of 2" in first.content.decode()
    # The cells are those of the submission of the row.
    assert [row.review_count for row in first.context["page"].object_list] == [2, 3]
    assert [cell.mean for cell in second.context["page"].object_list[0].cells] == [2.0, None, 2.0]


def test_disagreement_filter_pages_over_the_disagreeing_submissions(
    client, staff, scored, workshop, per_page
):
    _add_submission(workshop, scored["criteria_set"], "Aardvark study", [0, 4])
    # Agrees, and comes second by title.
    _add_submission(workshop, scored["criteria_set"], "Abacus evaluation", [2, 3])
    client.force_login(staff)

    everything = _overview(client, workshop)
    first = _overview(client, workshop, disagreement="1")
    second = _overview(client, workshop, disagreement="1", page=2)

    assert everything.context["page"].paginator.count == 4
    assert _titles(everything) == ["Aardvark study", "Abacus evaluation"]
    assert first.context["page"].paginator.count == 3
    assert _titles(first) == ["Aardvark study", "Alpha evaluation"]
    assert _titles(second) == ["Beta evaluation"]
    assert all(row.disagreement for row in first.context["page"].object_list)


def _submit_new_review(workshop, criteria_set, submission, level):
    reviewer = approved_reviewer(workshop)
    assignment = AssignmentFactory(submission=submission, reviewer=reviewer)
    review = services.review_get_or_create(assignment=assignment, user=reviewer)
    assert review.criteria_set == criteria_set
    data = complete_input(criteria_set)
    for criterion in criteria_set.criteria.all():
        data.scores[criterion.pk].level = level
    services.review_submit(review=review, user=reviewer, revision=review.revision, data=data)
    review.refresh_from_db()
    return review


def test_figures_follow_a_submit_and_a_reopen(
    client, staff, scored, workshop, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    before = _overview(client, workshop)
    assert (before.context["version"].review_count, _rel(before).stats.count) == (6, 6)
    assert _rel(before).disagreement_count == 1
    beta = scored["submissions"][1]

    # Beta's REL-1 was 2, 2, 2: a 0 makes it disagree. The warming task is not run here:
    # the page sees the change by itself.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review = _submit_new_review(workshop, scored["criteria_set"], beta, 0)
    assert len(callbacks) == 1
    after_submit = _overview(client, workshop)

    assert (after_submit.context["version"].review_count, _rel(after_submit).stats.count) == (7, 7)
    assert _rel(after_submit).disagreement_count == 2
    assert _rel(after_submit).stats.mean == 14 / 7
    text = re.sub(r"\s+", " ", after_submit.content.decode())
    assert "2 of 2" in text
    beta_row = after_submit.context["page"].object_list[1]
    assert (beta_row.submission, beta_row.review_count, beta_row.disagreement) == (beta, 4, True)

    # Reopened: the review counts nowhere again. The task computes the figures after the
    # commit, so the page reads them from the cache.
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reopen(review=review, user=staff, reason="Level 0 needs a reason.")
    with django_assert_num_queries(WARM):
        after_reopen = _overview(client, workshop)

    assert Review.objects.get(pk=review.pk).state == Review.State.DRAFT
    assert (after_reopen.context["version"].review_count, _rel(after_reopen).stats.count) == (6, 6)
    assert _rel(after_reopen).disagreement_count == 1
    assert _overview(client, workshop, disagreement="1").context["page"].paginator.count == 2
