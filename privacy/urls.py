from django.urls import path

from privacy.views import exports, transparency

app_name = "privacy"

urlpatterns = [
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
