from django.urls import path

from reviews.views import applications as views

urlpatterns = [
    path(
        "workshops/<str:workshop_code>/review-application/",
        views.application_apply,
        name="application_apply",
    ),
    path(
        "review-applications/<str:code>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "review-applications/<str:code>/edit/",
        views.application_edit,
        name="application_edit",
    ),
    path(
        "review-applications/<str:code>/availability/",
        views.application_availability,
        name="application_availability",
    ),
    path(
        "review-applications/<str:code>/withdraw/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path("review-applications/<str:code>/cv/", views.application_cv, name="application_cv"),
    path(
        "staff/workshops/<str:workshop_code>/reviewer-applications/",
        views.staff_application_list,
        name="staff_application_list",
    ),
    path(
        "staff/reviewer-applications/<str:code>/decide/",
        views.staff_application_decide,
        name="staff_application_decide",
    ),
    path("conflicts-of-interest/", views.tie_list, name="tie_list"),
    path("conflicts-of-interest/<str:code>/end/", views.tie_end, name="tie_end"),
]
