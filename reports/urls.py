"""Reports: staff pages under the workshop, downloads by opaque job code. Included at the
root, so the paths are those the pages had when this lived in the reviews app."""

from django.urls import path

from reports import views

app_name = "reports"

_STAFF = "staff/workshops/<str:workshop_code>/reports/"

urlpatterns = [
    path(_STAFF, views.report_index, name="index"),
    path(f"{_STAFF}generate/", views.report_generate, name="generate"),
    path(f"{_STAFF}texts/", views.summary_edit, name="summary_edit"),
    path(f"{_STAFF}quotes/", views.quote_list, name="quotes"),
    path(f"{_STAFF}quotes/toggle/", views.quote_toggle, name="quote_toggle"),
    path(f"{_STAFF}quotes/<str:selection_code>/", views.quote_edit, name="quote_edit"),
    path(f"{_STAFF}remarks/", views.remark_list, name="remarks"),
    path(f"{_STAFF}remarks/<str:organisation_code>/", views.remark_edit, name="remark_edit"),
    path(f"{_STAFF}release-feedback/", views.report_release_all, name="release_all"),
    path(f"{_STAFF}<str:job_code>/status/", views.report_status, name="status"),
    path(f"{_STAFF}<str:job_code>/retry/", views.report_retry, name="retry"),
    path(f"{_STAFF}<str:job_code>/release/", views.report_release, name="release"),
    path(f"{_STAFF}<str:job_code>/delete/", views.report_delete, name="delete"),
    path("reports/<str:job_code>/download/", views.report_download, name="download"),
    path("reports/feedback/", views.feedback_reports, name="feedback_list"),
]
