"""Imports: upload an export (a dry run by default: the answer is the preview), read a run,
apply it, discard it. AI Office staff only, as the staff pages.

Apply writes exactly the rows the preview accepted (create, update), all or nothing, and
leaves the refused ones out: as the staff page's Apply does. `dry_run=false` previews and
applies in one request. A large run is a job: the answer is then 202 with a Location to
poll (GET the run until its state is previewed, applied or failed)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.problems import CONTENT_TYPE as PROBLEM
from api.problems import problem
from api.serializers.imports import ImportCreateSerializer, ImportRunSerializer
from api.views.base import Access, Endpoint
from imports import lookups, services
from imports.forms import UPLOAD_LIMITS
from imports.models import ImportRun
from portal import lookups as portal_lookups
from submissions.uploads import too_large_message

PERM = "imports.run_imports"
State = ImportRun.State


def _answer(request, run: ImportRun) -> Response:
    """200 with the run when it is done with; 202 while a job works on it. Either way the
    Location is the run's, to read it again."""
    location = reverse("api:import-detail", args=[run.code])
    data = ImportRunSerializer(run, context={"request": request}).data
    code = status.HTTP_202_ACCEPTED if run.is_active else status.HTTP_200_OK
    return Response(data, status=code, headers={"Location": location})


class ImportCreate(Endpoint):
    access = {"POST": Access(PERM, scope="imports:write", lookup=portal_lookups.workshop)}
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportCreateSerializer
    # Read by submissions.uploads.MaxSizeUploadHandler while the body streams in.
    upload_limits = UPLOAD_LIMITS

    @extend_schema(
        request=ImportCreateSerializer,
        responses={200: ImportRunSerializer, 202: ImportRunSerializer},
    )
    def post(self, request, workshop_code):
        data = request.data  # parsed here, through settings.FILE_UPLOAD_HANDLERS
        too_large = getattr(request, "upload_too_large", None)
        if too_large:
            message = too_large_message(too_large)
            field = too_large.get("field") or "non_field_errors"
            body = problem(
                413,
                message,
                code="too_large",
                errors={field: [message]},
                limit_mb=too_large.get("limit_mb"),
            )
            return Response(body, status=413, content_type=PROBLEM)
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run = services.import_run_create(
            workshop=self.object,
            source=data["source"],
            target=data["target"],
            data_file=data["data_file"],
            files_archive=data.get("files_archive"),
            options=data.get("options") or {},
            user=request.user,
        )
        run = services.import_run_preview(run=run)
        if not data["dry_run"] and run.state == State.PREVIEWED:
            run = services.import_run_apply(run=run, user=request.user)
        return _answer(request, run)


class ImportDetail(Endpoint):
    access = {"GET": Access(PERM, scope="imports:read", lookup=lookups.import_run)}
    serializer_class = ImportRunSerializer

    @extend_schema(operation_id="import_detail")
    def get(self, request, run_code):
        try:
            offset = max(0, int(request.query_params.get("rows_offset", 0)))
        except ValueError:
            offset = 0
        return Response(
            ImportRunSerializer(
                self.object, context={"request": request, "rows_offset": offset}
            ).data
        )


class ImportApply(Endpoint):
    access = {"POST": Access(PERM, scope="imports:write", lookup=lookups.import_run)}
    serializer_class = ImportRunSerializer

    @extend_schema(request=None)
    def post(self, request, run_code):
        run = services.import_run_apply(run=self.object, user=request.user)
        return _answer(request, run)


class ImportDiscard(Endpoint):
    access = {"POST": Access(PERM, scope="imports:write", lookup=lookups.import_run)}
    serializer_class = ImportRunSerializer

    @extend_schema(request=None)
    def post(self, request, run_code):
        run = services.import_run_discard(run=self.object, user=request.user)
        return _answer(request, run)
