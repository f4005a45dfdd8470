from django.urls import path

from privacy.views import erasure, exports, transparency

app_name = "privacy"

urlpatterns = [
    path("profile/delete-account/", erasure.erasure_request_view, name="erasure_request"),
    path(
        "profile/delete-account/<str:code>/withdraw/",
        erasure.erasure_withdraw,
        name="erasure_withdraw",
    ),
    path("staff/erasure-requests/", erasure.staff_erasure_list, name="staff_erasure_list"),
    path(
        "staff/erasure-requests/<str:code>/",
        erasure.staff_erasure_detail,
        name="staff_erasure_detail",
    ),
    path(
        "staff/erasure-requests/<str:code>/decide/",
        erasure.staff_erasure_decide,
        name="staff_erasure_decide",
    ),
    path(
        "profile/data-export/",
        exports.data_export_request_view,
        name="data_export_request",
    ),
    path(
        "profile/data-export/<str:export_code>/status/",
        exports.data_export_status,
        name="data_export_status",
    ),
    path(
        "profile/data-export/<str:export_code>/download/",
        exports.data_export_download_view,
        name="data_export_download",
    ),
    path(
        "privacy/record-of-processing/",
        transparency.record_of_processing,
        name="record_of_processing",
    ),
]
