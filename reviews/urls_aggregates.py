"""Staff aggregates and reviewer ratings."""

from django.urls import path

from reviews.views import aggregates

_STAFF = "staff/workshops/<str:workshop_code>/"

urlpatterns = [
    path(f"{_STAFF}aggregates/", aggregates.aggregate_overview, name="aggregate_overview"),
    path(
        f"{_STAFF}aggregates/<str:submission_code>/",
        aggregates.aggregate_submission,
        name="aggregate_submission",
    ),
    path(f"{_STAFF}reviewer-ratings/", aggregates.reviewer_ratings, name="reviewer_ratings"),
    path(
        f"{_STAFF}reviewer-ratings/<str:application_code>/",
        aggregates.reviewer_rate,
        name="reviewer_rate",
    ),
]
