from django.urls import path

from privacy.views import erasure

app_name = "privacy"

urlpatterns: list = [
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
]
