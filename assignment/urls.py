"""Automatic assignment: reviewers' bids, and the staff's runs, preview, publishing and
openreview-matcher files. Included at the root, so the paths are those the pages had when
this lived in the reviews app."""

from django.urls import path

from assignment import views

app_name = "assignment"

_STAFF = "staff/workshops/<str:workshop_code>/assignment/"
_RUN = f"{_STAFF}runs/<str:run_code>/"

urlpatterns = [
    path("reviews/bids/<str:workshop_code>/", views.bid_list, name="bid_list"),
    path(_STAFF, views.run_list, name="runs"),
    path(f"{_STAFF}import/", views.import_assignments, name="import"),
    path(f"{_STAFF}export/<str:kind>/", views.export, name="export"),
    path(_RUN, views.run_detail, name="run"),
    path(f"{_RUN}status/", views.run_status, name="run_status"),
    path(f"{_RUN}again/", views.run_again, name="run_again"),
    path(f"{_RUN}pairs/add/", views.pair_add, name="pair_add"),
    path(f"{_RUN}pairs/remove/", views.pair_remove, name="pair_remove"),
    path(f"{_RUN}publish/", views.run_publish, name="run_publish"),
]
