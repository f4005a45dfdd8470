"""Reports: staff pages under the workshop, downloads by opaque job code. Included at the
root, so the paths are those the pages had when this lived in the reviews app."""

from django.urls import path

from reports.views import downloads, jobs, quotes, remarks, texts

app_name = "reports"

_STAFF = "staff/workshops/<str:workshop_code>/reports/"

urlpatterns = [
    path(_STAFF, jobs.report_index, name="index"),
    path(f"{_STAFF}generate/", jobs.report_generate, name="generate"),
    path(f"{_STAFF}texts/", texts.summary_edit, name="summary_edit"),
    path(f"{_STAFF}quotes/", quotes.quote_list, name="quotes"),
    path(f"{_STAFF}quotes/toggle/", quotes.quote_toggle, name="quote_toggle"),
    path(f"{_STAFF}quotes/<str:selection_code>/", quotes.quote_edit, name="quote_edit"),
    path(f"{_STAFF}remarks/", remarks.remark_list, name="remarks"),
    path(f"{_STAFF}remarks/<str:organisation_code>/", remarks.remark_edit, name="remark_edit"),
    path(f"{_STAFF}release-feedback/", jobs.report_release_all, name="release_all"),
    path(f"{_STAFF}<str:job_code>/status/", jobs.report_status, name="status"),
    path(f"{_STAFF}<str:job_code>/retry/", jobs.report_retry, name="retry"),
    path(f"{_STAFF}<str:job_code>/release/", jobs.report_release, name="release"),
    path(f"{_STAFF}<str:job_code>/delete/", jobs.report_delete, name="delete"),
    path("reports/<str:job_code>/download/", downloads.report_download, name="download"),
    path("reports/feedback/", downloads.feedback_reports, name="feedback_list"),
]
