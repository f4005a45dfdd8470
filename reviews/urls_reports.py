"""Reports: staff pages under the workshop, downloads by opaque job code."""

from django.urls import path

from reviews.reports import views

_STAFF = "staff/workshops/<str:workshop_code>/reports/"

urlpatterns = [
    path(_STAFF, views.report_index, name="report_index"),
    path(f"{_STAFF}generate/", views.report_generate, name="report_generate"),
    path(f"{_STAFF}texts/", views.summary_edit, name="report_summary_edit"),
    path(f"{_STAFF}quotes/", views.quote_list, name="report_quotes"),
    path(f"{_STAFF}quotes/toggle/", views.quote_toggle, name="report_quote_toggle"),
    path(f"{_STAFF}quotes/<str:selection_code>/", views.quote_edit, name="report_quote_edit"),
    path(f"{_STAFF}remarks/", views.remark_list, name="report_remarks"),
    path(f"{_STAFF}remarks/<str:organisation_code>/", views.remark_edit, name="report_remark_edit"),
    path(f"{_STAFF}release-feedback/", views.report_release_all, name="report_release_all"),
    path(f"{_STAFF}<str:job_code>/status/", views.report_status, name="report_status"),
    path(f"{_STAFF}<str:job_code>/retry/", views.report_retry, name="report_retry"),
    path(f"{_STAFF}<str:job_code>/release/", views.report_release, name="report_release"),
    path(f"{_STAFF}<str:job_code>/delete/", views.report_delete, name="report_delete"),
    path("reports/<str:job_code>/download/", views.report_download, name="report_download"),
    path("reports/feedback/", views.feedback_reports, name="report_feedback_list"),
]
