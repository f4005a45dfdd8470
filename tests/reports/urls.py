"""The portal's URLs with the report URLs included in the `reviews` namespace, for as long
as reviews/urls.py does not include reviews.urls_reports itself."""

from django.urls import include, path

import reviews.urls
from portal import urls as portal_urls
from reviews import urls_reports

_report_names = {pattern.name for pattern in urls_reports.urlpatterns}
_reviews_patterns = [
    *(p for p in reviews.urls.urlpatterns if getattr(p, "name", None) not in _report_names),
    *urls_reports.urlpatterns,
]

urlpatterns = [
    (
        path("", include((_reviews_patterns, "reviews")))
        if getattr(entry, "namespace", None) == "reviews"
        else entry
    )
    for entry in portal_urls.urlpatterns
]
