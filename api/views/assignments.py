"""Assignments (the staff's list of them all, a reviewer's own), many of them changed at
once, and automatic assignment runs: started, polled, listed and published through the
services, lookups and permissions of the staff's pages."""

from typing import ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from api.parsers import JSONParser
from api.problems import CONTENT_TYPE, Conflict, problem
from api.serializers.assignments import (
    AssignmentFilterSerializer,
    AssignmentSerializer,
    BulkRequestSerializer,
    BulkResultSerializer,
    RunDetailSerializer,
    RunPublishResultSerializer,
    RunSerializer,
    RunStartSerializer,
    bulk_result_data,
    run_url,
)
from api.views.base import Access, Endpoint
from assignment import lookups, selectors
from assignment.forms import WEIGHT_FIELDS, RunSettingsForm
from assignment.matching.options import RunSettings
from assignment.services import ui as ui_services
from assignment.services.bulk import BulkRow, assignments_bulk_apply, bulk_rows_from_csv
from portal import lookups as portal_lookups
from portal.permissions import has_perm
from reviews.selectors.progress import assignments_for_staff
from reviews.selectors.visibility import assignment_rows_for_reviewer

MANAGE_RUNS = "assignment.manage_runs"

# --- assignments ----------------------------------------------------------------------------


class AssignmentList(Endpoint):
    """Staff: every assignment, filtered. Anyone else: their own live assignments, as on
    their "My reviews" page (conflicted, declined and unreachable ones left out)."""

    access = {"GET": Access("reviews.see_own_assignments", scope="assignments:read")}
    serializer_class = AssignmentSerializer
    # The filters are read by AssignmentFilterSerializer and applied by the selectors.
    filter_backends: ClassVar[list] = []

    @extend_schema(
        parameters=[AssignmentFilterSerializer],
        operation_id="assignment_list",
        responses=AssignmentSerializer(many=True),
    )
    def get(self, request):
        params = AssignmentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        if has_perm(request.user, "reviews.assign_reviewers"):
            assignments = assignments_for_staff(
                workshop_code=filters.get("workshop", ""),
                submission_code=filters.get("submission", ""),
                reviewer_code=filters.get("reviewer", ""),
                state=filters.get("state", ""),
            )
        else:
            assignments = self._own(request.user, filters)
        page = self.paginate_queryset(assignments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @staticmethod
    def _own(user, filters) -> list:
        """The reviewer's rows (few: the list the browser shows in full), filtered."""
        if filters.get("reviewer"):
            # A reviewer id names someone in a call: a reviewer's list holds only theirs.
            return []
        own = []
        for row in assignment_rows_for_reviewer(user=user):
            assignment = row.assignment
            if filters.get("workshop") not in (None, assignment.workshop.code):
                continue
            if filters.get("submission") not in (None, assignment.submission.code):
                continue
            if filters.get("state") not in (None, assignment.state):
                continue
            assignment.effective_deadline = row.deadline
            own.append(assignment)
        return own


# --- bulk -----------------------------------------------------------------------------------


class CSVParser(BaseParser):
    """A CSV body, as text (the rows are read by assignment.services.bulk)."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ParseError(_("The body is not UTF-8 text.")) from None


class _BulkQuery(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False)


class AssignmentBulk(Endpoint):
    """Assign reviewers to submissions, or take them off, many rows at once: all or nothing.

    JSON (`{"dry_run": true, "assignments": [{"submission", "reviewer", "action"}]}`) or
    CSV (`Content-Type: text/csv`, header `submission,reviewer,action`, `?dry_run=true`).
    The reviewer is named by the code of their application to the call; `action` is
    `assign` (the default) or `remove`. Each row gets the checks of the staff's reviewers
    page (eligibility, approval, clearance, conflicts of interest, declines, duplicates).
    The answer lists every row's outcome; with a refused row nothing is applied and the
    answer is a 400 problem whose `errors` name the rows (`rows` lists them all). A dry run
    applies nothing and answers 200 with what applying would do.
    """

    access = {
        "POST": Access(
            "reviews.assign_reviewers", scope="assignments:write", lookup=portal_lookups.workshop
        )
    }
    parser_classes = [JSONParser, CSVParser]
    serializer_class = BulkResultSerializer

    @extend_schema(
        operation_id="assignment_bulk",
        parameters=[_BulkQuery],
        request={"application/json": BulkRequestSerializer, "text/csv": OpenApiTypes.STR},
        responses={
            200: BulkResultSerializer,
            400: OpenApiResponse(description="A row was refused: nothing was applied."),
        },
    )
    def post(self, request, workshop_code):
        query = _BulkQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        dry_run = query.validated_data["dry_run"]
        if isinstance(request.data, str):
            rows = bulk_rows_from_csv(request.data)
        else:
            body = BulkRequestSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            dry_run = dry_run or body.validated_data["dry_run"]
            rows = [BulkRow(**row) for row in body.validated_data["assignments"]]
        result = assignments_bulk_apply(
            workshop=self.object, user=request.user, rows=rows, dry_run=dry_run
        )
        data = bulk_result_data(result)
        if result.refused and not dry_run:
            errors = {f"rows[{row['row']}]": row["errors"] for row in data["rows"] if row["errors"]}
            body = problem(
                400,
                _("Nothing was applied: %(count)s rows were refused; see `errors`.")
                % {"count": len(errors)},
                code="refused",
                errors=errors,
                rows=data["rows"],
            )
            return Response(body, status=400, content_type=CONTENT_TYPE)
        return Response(data)


# --- runs -----------------------------------------------------------------------------------


def _form_data(settings: dict) -> dict:
    """The run form's fields from the API's settings, the form's defaults for the rest."""
    data = RunSettingsForm.initial_from(RunSettings())
    data["max_load"] = None
    weights = settings.pop("weights", None) or {}
    data.update(settings)
    for name, _label, _help in WEIGHT_FIELDS:
        if name in weights:
            data[f"w_{name}"] = weights[name]
    return {key: "" if value is None else value for key, value in data.items()}


def _api_field(name: str) -> str:
    return f"weights.{name[2:]}" if name.startswith("w_") else name


class RunListStart(Endpoint):
    """GET: the workshop's runs, newest first. POST: start a run with the staff form's
    settings; 202 with the run's address (`Location`) to poll."""

    access = {
        "GET": Access(MANAGE_RUNS, scope="assignments:read", lookup=portal_lookups.workshop),
        "POST": Access(MANAGE_RUNS, scope="assignments:write", lookup=portal_lookups.workshop),
    }
    serializer_class = RunSerializer
    filter_backends: ClassVar[list] = []

    @extend_schema(operation_id="assignment_run_list", responses=RunSerializer(many=True))
    def get(self, request, workshop_code):
        page = self.paginate_queryset(selectors.runs_for_workshop(workshop=self.object))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="assignment_run_start",
        request=RunStartSerializer,
        responses={202: RunSerializer},
    )
    def post(self, request, workshop_code):
        body = RunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = RunSettingsForm(_form_data(dict(body.validated_data)))
        if not form.is_valid():
            raise ValidationError(
                {_api_field(name): list(errors) for name, errors in form.errors.items()}
            )
        run = ui_services.assignment_run_start(
            workshop=self.object, user=request.user, settings=form.settings
        )
        return Response(
            self.get_serializer(run).data, status=202, headers={"Location": run_url(request, run)}
        )


class RunDetail(Endpoint):
    """A run: state and progress while it is solved, its error when it failed, the
    proposal's summary once done."""

    access = {"GET": Access(MANAGE_RUNS, scope="assignments:read", lookup=lookups.run_by_code)}
    serializer_class = RunDetailSerializer

    @extend_schema(operation_id="assignment_run_detail")
    def get(self, request, run_code):
        response = Response(self.get_serializer(self.object).data)
        response["Cache-Control"] = "no-store"
        return response


class RunPublish(Endpoint):
    """Turn a finished run's proposal into assignments and email the reviewers concerned,
    as the staff page's publish button does. A run that is not finished, or already
    published, is refused with 409 and the reason; a proposal that can no longer be
    applied as it stands, with 400 and every reason."""

    access = {"POST": Access(MANAGE_RUNS, scope="assignments:write", lookup=lookups.run_by_code)}
    serializer_class = RunPublishResultSerializer

    @extend_schema(operation_id="assignment_run_publish", request=None)
    def post(self, request, run_code):
        run = self.object
        if not has_perm(request.user, "assignment.publish_run", run):
            if run.published_at is not None:
                raise Conflict(_("This run was already published."), code="published")
            # The service's own words for the same refusal.
            raise Conflict(_("Only a finished run can be published."), code="not_finished")
        result = ui_services.assignment_run_publish_and_notify(run=run, user=request.user)
        run.refresh_from_db()
        return Response(
            self.get_serializer(
                {
                    "created": len(result.created),
                    "removed": len(result.removed),
                    "kept": result.kept,
                    "run": run,
                }
            ).data
        )
