"""Automatic assignment: reviewers' bids, and the staff's runs, preview, publishing and
openreview-matcher files. Included in the "reviews" namespace at the root."""

from django.urls import path

from reviews.views import matching as views

_STAFF = "staff/workshops/<str:workshop_code>/assignment/"
_RUN = f"{_STAFF}runs/<str:run_code>/"

urlpatterns = [
    path("reviews/bids/<str:workshop_code>/", views.bid_list, name="bid_list"),
    path(_STAFF, views.run_list, name="matching_runs"),
    path(f"{_STAFF}import/", views.import_assignments, name="matching_import"),
    path(f"{_STAFF}export/<str:kind>/", views.export, name="matching_export"),
    path(_RUN, views.run_detail, name="matching_run"),
    path(f"{_RUN}status/", views.run_status, name="matching_run_status"),
    path(f"{_RUN}again/", views.run_again, name="matching_run_again"),
    path(f"{_RUN}pairs/add/", views.pair_add, name="matching_pair_add"),
    path(f"{_RUN}pairs/remove/", views.pair_remove, name="matching_pair_remove"),
    path(f"{_RUN}publish/", views.run_publish, name="matching_run_publish"),
]
