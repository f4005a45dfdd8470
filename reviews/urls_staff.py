"""Staff work on assignments, conflicts and review progress."""

from django.urls import path

from reviews.views import progress, staff_assignments, staff_reviews

urlpatterns = [
    path(
        "staff/workshops/<str:workshop_code>/progress/",
        progress.progress,
        name="staff_progress",
    ),
    path(
        "staff/workshops/<str:workshop_code>/progress/remind-late/",
        progress.remind_late,
        name="staff_remind_late",
    ),
    path(
        "staff/submissions/<str:code>/reviewers/",
        staff_assignments.submission_reviewers,
        name="staff_submission_reviewers",
    ),
    path(
        "staff/submissions/<str:code>/reviewers/assign/",
        staff_assignments.assignment_add,
        name="staff_assignment_add",
    ),
    path(
        "staff/submissions/<str:code>/reviewers/conflicts/",
        staff_assignments.conflict_decide,
        name="staff_conflict_decide",
    ),
    path(
        "staff/submissions/<str:code>/reviewers/conflicts/revoke/",
        staff_assignments.conflict_revoke_view,
        name="staff_conflict_revoke",
    ),
    path(
        "staff/submissions/<str:code>/reviewers/<str:assignment_code>/remove/",
        staff_assignments.assignment_remove_view,
        name="staff_assignment_remove",
    ),
    path(
        "staff/submissions/<str:code>/reviewers/<str:assignment_code>/extend/",
        staff_assignments.assignment_extend_view,
        name="staff_assignment_extend",
    ),
    path(
        "staff/submissions/<str:code>/reviewers/<str:assignment_code>/reopen/",
        staff_reviews.review_reopen,
        name="staff_review_reopen",
    ),
]
