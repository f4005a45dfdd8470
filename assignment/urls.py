"""Automatic assignment: reviewers' bids, and the staff's runs, preview, publishing and
openreview-matcher files. Included at the root, so the paths are those the pages had when
this lived in the reviews app."""

from django.urls import path

from assignment.views import bids, files, proposal, runs

app_name = "assignment"

_STAFF = "staff/workshops/<str:workshop_code>/assignment/"
_RUN = f"{_STAFF}runs/<str:run_code>/"

urlpatterns = [
    path("reviews/bids/<str:workshop_code>/", bids.bid_list, name="bid_list"),
    path(_STAFF, runs.run_list, name="runs"),
    path(f"{_STAFF}import/", files.import_assignments, name="import"),
    path(f"{_STAFF}export/<str:kind>/", files.export, name="export"),
    path(f"{_STAFF}exports/<str:export_code>/", files.export_status, name="export_status"),
    path(
        f"{_STAFF}exports/<str:export_code>/download/",
        files.export_download,
        name="export_download",
    ),
    path(_RUN, runs.run_detail, name="run"),
    path(f"{_RUN}status/", runs.run_status, name="run_status"),
    path(f"{_RUN}again/", runs.run_again, name="run_again"),
    path(f"{_RUN}pairs/add/", proposal.pair_add, name="pair_add"),
    path(f"{_RUN}pairs/remove/", proposal.pair_remove, name="pair_remove"),
    path(f"{_RUN}publish/", proposal.run_publish, name="run_publish"),
]
