"""Imports: staff pages under the workshop, a run by its opaque code."""

from django.urls import path

from imports import survey_views, views

app_name = "imports"

urlpatterns = [
    path("staff/workshops/<str:workshop_code>/imports/", views.import_index, name="index"),
    path("staff/imports/<str:run_code>/", views.import_detail, name="detail"),
    path("staff/imports/<str:run_code>/options/", views.import_options, name="options"),
    path("staff/imports/<str:run_code>/apply/", views.import_apply, name="apply"),
    path("staff/imports/<str:run_code>/discard/", views.import_discard, name="discard"),
    path("staff/imports/<str:run_code>/restart/", views.import_restart, name="restart"),
    path("staff/imports/<str:run_code>/status/", views.import_status, name="status"),
    path(
        "staff/imports/<str:run_code>/mapping/",
        survey_views.survey_mapping,
        name="survey_mapping",
    ),
]
