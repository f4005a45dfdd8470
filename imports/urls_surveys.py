"""EU Survey's column mapping page (the run pages are in imports.urls)."""

from django.urls import path

from imports import survey_views

app_name = "imports"

urlpatterns = [
    path(
        "staff/imports/<str:run_code>/mapping/",
        survey_views.survey_mapping,
        name="survey_mapping",
    ),
]
