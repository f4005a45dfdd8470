"""Criteria sets: the versions, one with its groups and criteria, its export as JSON or
YAML, and import into a workshop's current version. AI Office staff only, as the browser's
criteria pages; the same services and import form."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api.filters import CriteriaSetFilter
from api.parsers import JSONParser
from api.serializers.criteria import (
    CriteriaImportSerializer,
    CriteriaSetDetailSerializer,
    CriteriaSetSerializer,
    CriteriaSetVersionSerializer,
)
from api.views.base import Access, Endpoint, FileFormatNegotiation
from criteria import interchange, lookups, selectors, services
from criteria.forms import ImportForm
from portal import lookups as portal_lookups

READ = "criteria:read"
WRITE = "criteria:write"
MANAGE = "criteria.manage_criteria"
SEE_SET = Access(MANAGE, READ, lookup=lookups.criteria_set)
# As the browser's export (criteria.views.interchange).
CONTENT_TYPES = {"json": "application/json", "yaml": "application/yaml"}

SET_CODE = OpenApiParameter("set_code", str, OpenApiParameter.PATH)


class CriteriaSetList(Endpoint):
    """Every version of every workshop's criteria set, by workshop, newest version first."""

    access = {"GET": Access(MANAGE, READ)}
    serializer_class = CriteriaSetSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CriteriaSetFilter

    def get_queryset(self):
        return selectors.criteria_sets_visible_to(user=self.request.user)

    @extend_schema(operation_id="criteria_set_list", responses=CriteriaSetSerializer(many=True))
    def get(self, request):
        sets = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(sets)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CriteriaSetDetail(Endpoint):
    """One version, with its groups and their criteria in display order."""

    access = {"GET": SEE_SET}
    serializer_class = CriteriaSetDetailSerializer

    @extend_schema(operation_id="criteria_set_detail", parameters=[SET_CODE])
    def get(self, request, set_code):
        loaded = selectors.criteria_set_with_criteria(criteria_set=self.object)
        loaded.workshop = self.object.workshop
        loaded.based_on = self.object.based_on
        return Response(self.get_serializer(loaded).data)


class CriteriaSetVersions(Endpoint):
    """Every version of the same workshop's set, newest first, with their criteria and
    reviews counted (as the browser's overview)."""

    access = {"GET": SEE_SET}
    serializer_class = CriteriaSetVersionSerializer

    @extend_schema(
        operation_id="criteria_set_versions",
        parameters=[SET_CODE],
        responses=CriteriaSetVersionSerializer(many=True),
        filters=False,
    )
    def get(self, request, set_code):
        workshop = self.object.workshop
        versions = selectors.criteria_sets_of_workshop(workshop=workshop).order_by("-version")
        page = self.paginate_queryset(versions)
        for criteria_set in page:
            criteria_set.workshop = workshop
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CriteriaSetExport(Endpoint):
    """The version as the interchange file (`?format=json`, the default, or `yaml`): the
    browser's export, which the import reads back unchanged."""

    access = {"GET": SEE_SET}
    content_negotiation_class = FileFormatNegotiation

    @extend_schema(
        operation_id="criteria_set_export",
        parameters=[
            SET_CODE,
            OpenApiParameter("format", str, OpenApiParameter.QUERY, enum=list(interchange.FORMATS)),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "application/yaml"): OpenApiTypes.STR,
        },
    )
    def get(self, request, set_code):
        format = request.query_params.get("format", "json")
        if format not in CONTENT_TYPES:
            raise exceptions.ValidationError(
                {
                    "format": [
                        _("Unknown format “%(format)s”: choose JSON or YAML.") % {"format": format}
                    ]
                }
            )
        criteria_set = self.object
        text = services.criteria_set_export(
            criteria_set=criteria_set, format=format, user=request.user
        )
        response = HttpResponse(text, content_type=f"{CONTENT_TYPES[format]}; charset=utf-8")
        filename = f"criteria-{criteria_set.workshop.code}-v{criteria_set.version}.{format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class CriteriaSetImport(Endpoint):
    """Replace the workshop's current version with a JSON or YAML file (the export's
    layout). A frozen current version is kept and the file becomes the next version (201);
    otherwise the current one is updated (200). Every problem is reported with its line in
    `errors.content`, and nothing is changed."""

    access = {"POST": Access(MANAGE, WRITE, lookup=portal_lookups.workshop)}
    serializer_class = CriteriaSetDetailSerializer
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="criteria_set_import",
        parameters=[OpenApiParameter("workshop_code", str, OpenApiParameter.PATH)],
        request={
            "application/json": CriteriaImportSerializer,
            "multipart/form-data": CriteriaImportSerializer,
        },
        responses={
            200: CriteriaSetDetailSerializer,
            201: OpenApiResponse(CriteriaSetDetailSerializer, description="A new version."),
        },
    )
    def post(self, request, workshop_code):
        workshop = self.object
        current = selectors.criteria_set_current(workshop=workshop)
        data = request.data
        form = ImportForm(data, getattr(data, "FILES", None) or request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): list(messages)
                    for name, messages in form.errors.items()
                }
            )
        try:
            imported = services.criteria_set_import(
                workshop=workshop,
                text=form.cleaned_data["content"],
                format=form.cleaned_data["resolved_format"],
                user=request.user,
            )
        except ValidationError as error:
            raise exceptions.ValidationError({"content": error.messages}) from None
        created = current is None or imported.pk != current.pk
        loaded = selectors.criteria_set_with_criteria(criteria_set=imported)
        loaded.workshop = workshop
        body = self.get_serializer(loaded).data
        return Response(body, status=201 if created else 200, headers={"Location": body["url"]})
