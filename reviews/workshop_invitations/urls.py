"""Staff pages that invite people and list attendees; the invitees' RSVP link and answer page."""

from django.urls import path

from reviews.workshop_invitations import views

_STAFF = "staff/workshops/<str:workshop_code>/workshop-invitations/"

urlpatterns = [
    path(_STAFF, views.attendee_list, name="attendee_list"),
    path(f"{_STAFF}export.csv", views.attendee_export_csv, name="attendee_export"),
    path(f"{_STAFF}submitters/", views.invite_submitters, name="invite_submitters"),
    path(f"{_STAFF}reviewers/", views.invite_reviewers, name="invite_reviewers"),
    path("workshop-invitations/<str:token>/", views.invitation_rsvp, name="invitation_rsvp"),
    path(
        "workshop-invitations/<str:code>/answer/",
        views.invitation_answer,
        name="invitation_answer",
    ),
]
