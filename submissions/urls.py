from django.urls import path

from submissions.views import evaluator, files, staff

app_name = "submissions"

urlpatterns = [
    path("submissions/", evaluator.submission_list, name="list"),
    path(
        "workshops/<str:workshop_code>/submit/",
        evaluator.submission_create,
        name="create",
    ),
    path("submissions/<str:code>/", evaluator.submission_detail, name="detail"),
    path("submissions/<str:code>/edit/", evaluator.submission_edit, name="edit"),
    path("submissions/<str:code>/submit/", evaluator.submission_submit, name="submit"),
    path("submissions/<str:code>/withdraw/", evaluator.submission_withdraw, name="withdraw"),
    path(
        "submissions/<str:code>/files/<str:file_code>/",
        files.file_download,
        name="file_download",
    ),
    path(
        "staff/workshops/<str:workshop_code>/submissions/",
        staff.submission_list,
        name="staff_list",
    ),
    path(
        "staff/workshops/<str:workshop_code>/submissions.csv",
        staff.submission_export_csv,
        name="staff_export",
    ),
    path("staff/submissions/<str:code>/screen/", staff.submission_screen, name="screen"),
    path("staff/submissions/<str:code>/extend/", staff.submission_extend, name="extend"),
    path("staff/submissions/<str:code>/restore/", staff.submission_restore, name="restore"),
    path(
        "staff/submissions/<str:code>/versions/<int:number>/",
        staff.version_diff,
        name="version_diff",
    ),
]
