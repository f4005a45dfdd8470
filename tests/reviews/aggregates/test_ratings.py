"""Staff rate reviewers 1-5 with a note; rating again replaces the rating."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.models import ReviewerApplication, ReviewerRating
from reviews.services.ratings import reviewer_rate

pytestmark = pytest.mark.django_db


def _application(workshop, user):
    return ReviewerApplication.objects.get(workshop=workshop, user=user)


def test_reviewer_rate_creates_then_updates(workshop, staff, reviewers):
    reviewer = reviewers[0]

    first = reviewer_rate(workshop=workshop, reviewer=reviewer, rating=3, note="ok", user=staff)
    second = reviewer_rate(
        workshop=workshop, reviewer=reviewer, rating=5, note="  Thorough.  ", user=staff
    )

    assert second.pk == first.pk
    assert ReviewerRating.objects.filter(workshop=workshop, reviewer=reviewer).count() == 1
    second.refresh_from_db()
    assert (second.rating, second.note, second.rated_by) == (5, "Thorough.", staff)


@pytest.mark.parametrize("rating", [0, 6, "4", True])
def test_reviewer_rate_rejects_out_of_range(workshop, staff, reviewers, rating):
    with pytest.raises(ValidationError) as error:
        reviewer_rate(workshop=workshop, reviewer=reviewers[0], rating=rating, note="", user=staff)

    assert error.value.message_dict == {"rating": ["Choose a rating from 1 to 5."]}
    assert ReviewerRating.objects.count() == 0


def test_reviewer_rate_rejects_non_reviewer(workshop, staff, outsider):
    with pytest.raises(ValidationError):
        reviewer_rate(workshop=workshop, reviewer=outsider, rating=3, note="", user=staff)

    assert ReviewerRating.objects.count() == 0


def test_ratings_page_lists_load_confidence_and_rating(client, staff, scored, workshop):
    r1, r2, r3 = scored["reviewers"]
    reviewer_rate(workshop=workshop, reviewer=r2, rating=4, note="Careful", user=staff)
    client.force_login(staff)

    response = client.get(reverse("reviews:reviewer_ratings", args=[workshop.code]))

    assert response.status_code == 200
    rows = {row.pk: row for row in response.context["reviewers"]}
    # The draft's author is an approved reviewer too, with one assignment and nothing submitted.
    assert len(rows) == 4
    assert (rows[r1.pk].assignment_count, rows[r1.pk].submitted_count) == (2, 2)
    # Confidence of r1 = 2, r2 = 3, r3 = 4 in every review.
    assert rows[r1.pk].mean_confidence == 2.0
    assert rows[r3.pk].mean_confidence == 4.0
    assert (rows[r2.pk].rating, rows[r2.pk].rating_note) == (4, "Careful")
    assert rows[r1.pk].rating is None
    assert rows[r1.pk].application_code == _application(workshop, r1).code


def test_ratings_page_sorts_by_rating(client, staff, reviewers, workshop):
    r1, r2, r3 = reviewers
    reviewer_rate(workshop=workshop, reviewer=r3, rating=2, note="", user=staff)
    reviewer_rate(workshop=workshop, reviewer=r2, rating=5, note="", user=staff)
    client.force_login(staff)

    response = client.get(
        reverse("reviews:reviewer_ratings", args=[workshop.code]), {"sort": "rating"}
    )

    assert [row.pk for row in response.context["reviewers"]] == [r2.pk, r3.pk, r1.pk]


def test_rate_view_upserts_and_redirects(client, staff, reviewers, workshop):
    application = _application(workshop, reviewers[0])
    client.force_login(staff)
    url = reverse("reviews:reviewer_rate", args=[workshop.code, application.code])

    client.post(url, {"rating": "2", "note": "Late", "sort": "rating"})
    response = client.post(url, {"rating": "4", "note": "Late but thorough", "sort": "rating"})

    assert response.status_code == 302
    assert response.url == reverse("reviews:reviewer_ratings", args=[workshop.code]) + (
        "?sort=rating"
    )
    rating = ReviewerRating.objects.get()
    assert (rating.reviewer, rating.rating, rating.note) == (
        reviewers[0],
        4,
        "Late but thorough",
    )


def test_rate_view_invalid_rating_changes_nothing(client, staff, reviewers, workshop):
    application = _application(workshop, reviewers[0])
    client.force_login(staff)

    response = client.post(
        reverse("reviews:reviewer_rate", args=[workshop.code, application.code]),
        {"rating": "9", "note": ""},
        follow=True,
    )

    assert ReviewerRating.objects.count() == 0
    assert "was not saved" in response.content.decode()


def test_rate_view_pending_application_is_404(client, staff, workshop):
    from tests.factories import ReviewerApplicationFactory

    pending = ReviewerApplicationFactory(workshop=workshop)
    client.force_login(staff)

    response = client.post(
        reverse("reviews:reviewer_rate", args=[workshop.code, pending.code]), {"rating": "3"}
    )

    assert response.status_code == 404
