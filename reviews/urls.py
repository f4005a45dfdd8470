"""URLs of the reviews app, one module per area (applications, reviewing, staff work on
assignments and progress, aggregates, workshop invitations)."""

from reviews import (
    urls_aggregates,
    urls_applications,
    urls_consolidation,
    urls_reviewing,
    urls_staff,
)
from reviews.workshop_invitations import urls as urls_workshop_invitations

app_name = "reviews"

urlpatterns = [
    *urls_applications.urlpatterns,
    *urls_reviewing.urlpatterns,
    *urls_staff.urlpatterns,
    *urls_workshop_invitations.urlpatterns,
    *urls_aggregates.urlpatterns,
    *urls_consolidation.urlpatterns,
]
