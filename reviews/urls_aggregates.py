"""Staff aggregates, reviewer ratings, workshop invitations, and the invitees' RSVP link."""

from django.urls import path

from reviews.views import aggregates
from reviews.workshop_invitations import views as invitations

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
    path(f"{_STAFF}workshop-invitations/", invitations.attendee_list, name="attendee_list"),
    path(
        f"{_STAFF}workshop-invitations/export.csv",
        invitations.attendee_export_csv,
        name="attendee_export",
    ),
    path(
        f"{_STAFF}workshop-invitations/submitters/",
        invitations.invite_submitters,
        name="invite_submitters",
    ),
    path(
        f"{_STAFF}workshop-invitations/reviewers/",
        invitations.invite_reviewers,
        name="invite_reviewers",
    ),
    path("workshop-invitations/<str:token>/", invitations.invitation_rsvp, name="invitation_rsvp"),
]
