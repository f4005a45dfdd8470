"""The API's index, its OpenAPI schema and the documentation (Swagger UI, served from the
vendored drf-spectacular-sidecar assets: no CDN)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.views.base import Access, Endpoint

COLLECTIONS = {
    "schema": "api:schema",
    "docs": "api:docs",
    "workshops": "api:workshop-list",
    "submissions": "api:submission-list",
    "reviews": "api:review-list",
    "assignments": "api:assignment-list",
    "criteria_sets": "api:criteria-set-list",
    "conflicts": "api:conflict-list",
}
PUBLIC = Access("api.read_schema", scope=None, login_required=False)


class ApiRoot(Endpoint):
    """Where to start: the schema, the documentation and the main collections."""

    access = {"GET": PUBLIC}

    @extend_schema(
        responses=inline_serializer(
            "ApiIndex", {name: serializers.URLField() for name in COLLECTIONS}
        )
    )
    def get(self, request):
        def link(name):
            return reverse(name, request=request)

        return Response({name: link(url_name) for name, url_name in COLLECTIONS.items()})


class Schema(Endpoint, SpectacularAPIView):
    access = {"GET": PUBLIC}
    throttle_classes = Endpoint.throttle_classes
    authentication_classes = Endpoint.authentication_classes


class Docs(Endpoint, SpectacularSwaggerSplitView):
    access = {"GET": PUBLIC}
    url_name = "api:schema"
    throttle_classes = Endpoint.throttle_classes
    authentication_classes = Endpoint.authentication_classes
