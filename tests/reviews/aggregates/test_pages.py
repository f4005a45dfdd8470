"""The staff aggregate pages show the numbers of the selectors, formatted to 2 decimals."""

import re

import pytest
from django.urls import reverse

from criteria.models import CriteriaSetTranslation
from portal.models import User
from tests.factories import translate_criterion

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_overview_shows_per_criterion_and_per_submission(client, staff, scored, workshop):
    client.force_login(staff)

    response = client.get(reverse("reviews:aggregate_overview", args=[workshop.code]))

    assert response.status_code == 200
    version = response.context["version"]
    assert version.criteria_set == scored["criteria_set"]
    text = _text(response)
    # REL-1 pooled: mean 2.33, median 2.00, sd 1.03, alpha as computed.
    rel = next(r for r in version.criteria_rows if r.criterion.code == "REL-1")
    assert f"{rel.alpha:.2f}" in text
    assert "2.33" in text and "1.03" in text
    assert "1 of 2" in text
    # Per-submission rows are ordered by title, with the mean per criterion.
    rows = response.context["page"].object_list
    assert [row.submission.title for row in rows] == ["Alpha evaluation", "Beta evaluation"]
    assert "2.67" in text  # Alpha evaluation, REL-1
    assert text.count("badge text-bg-warning") == 2


def test_overview_filters_disagreement(client, staff, scored, workshop):
    client.force_login(staff)

    response = client.get(
        reverse("reviews:aggregate_overview", args=[workshop.code]), {"disagreement": "1"}
    )

    assert [row.submission.title for row in response.context["page"].object_list] == [
        "Alpha evaluation",
        "Beta evaluation",
    ]


def test_overview_without_reviews(client, staff, workshop):
    client.force_login(staff)

    response = client.get(reverse("reviews:aggregate_overview", args=[workshop.code]))

    assert response.status_code == 200
    assert response.context["version"] is None
    assert "No review has been submitted yet" in _text(response)


def test_submission_page_labels_and_names(client, staff, scored, workshop):
    alpha_sub = scored["submissions"][0]
    client.force_login(staff)

    response = client.get(
        reverse("reviews:aggregate_submission", args=[workshop.code, alpha_sub.code])
    )

    assert response.status_code == 200
    [item] = response.context["versions"]
    assert [column["label"] for column in item["columns"]] == [
        "Reviewer A",
        "Reviewer B",
        "Reviewer C",
    ]
    assert [column["user"] for column in item["columns"]] == scored["reviewers"]
    text = _text(response)
    assert "Reviewer Person 1" in text
    assert "2.67" in text and "1.53" in text  # REL-1 mean, sd
    assert "2.50" in text and "0.71" in text  # ELI-2 mean, sd
    # The draft of the fourth reviewer is not shown.
    assert len(response.context["reviewers"]) == 3


def test_submission_page_of_another_workshop_is_404(client, staff, scored):
    from tests.factories import WorkshopFactory

    other = WorkshopFactory()
    client.force_login(staff)

    response = client.get(
        reverse("reviews:aggregate_submission", args=[other.code, scored["submissions"][0].code])
    )

    assert response.status_code == 404


def test_aggregate_pages_name_the_criteria_in_the_reader_language(client, staff, scored, workshop):
    criteria_set = scored["criteria_set"]
    translate_criterion(criteria_set.criteria.get(code="REL-1"), language="fr", title="Pertinence")
    CriteriaSetTranslation.objects.create(
        criteria_set=criteria_set,
        language="fr",
        title="Critères de proportionnalité",
        source_digest=criteria_set.source_digest(),
    )
    User.objects.filter(pk=staff.pk).update(preferred_language="fr")
    client.force_login(staff)
    submission = scored["submissions"][0]

    for url in (
        reverse("reviews:aggregate_overview", args=[workshop.code]),
        reverse("reviews:aggregate_submission", args=[workshop.code, submission.code]),
    ):
        html = client.get(url).content.decode()
        assert "<strong>REL-1</strong> Pertinence" in html
        assert "Systemic-risk relevance" not in html
        assert "Critères de proportionnalité" in html
        assert "Proportionality criteria" not in html
        assert '<strong>VAL-1</strong> <span lang="en">Internal validity</span>' in html
