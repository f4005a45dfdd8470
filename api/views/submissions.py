"""Submissions: the list, a draft created and edited, files uploaded and removed, submit and
withdraw, versions, and downloads. Each endpoint checks what its browser page checks, with
the same lookup and permission, and writes through the same service."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from api.filters import SubmissionFilter
from api.parsers import JSONParser
from api.preconditions import etag, if_match_revision
from api.problems import CONTENT_TYPE as PROBLEM
from api.problems import problem
from api.serializers.submissions import (
    EDITABLE_FIELDS,
    FileUploadSerializer,
    SubmissionCreateSerializer,
    SubmissionDetailSerializer,
    SubmissionFileSerializer,
    SubmissionListSerializer,
    SubmissionUpdateSerializer,
    SubmissionVersionRefSerializer,
    SubmissionVersionSerializer,
)
from api.views.base import Access, Endpoint
from portal import lookups as portal_lookups
from portal import selectors as portal_selectors
from portal.concurrency import StaleEditError
from portal.downloads import attachment_response, open_stored
from portal.ids import may_name_a_row
from portal.permissions import has_perm, require_perm
from submissions import lookups, selectors, services
from submissions.files import sanitise_filename
from submissions.forms import SubmissionForm
from submissions.models import Submission

READ = "submissions:read"
WRITE = "submissions:write"
SEE = Access("submissions.see_submission", READ, lookup=lookups.submission)
EDIT = Access("submissions.edit_submission", WRITE, lookup=lookups.submission)

CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The submission's code.")
FILE_CODE = OpenApiParameter("file_code", str, OpenApiParameter.PATH)
NUMBER = OpenApiParameter("number", int, OpenApiParameter.PATH)


def _detail(request, submission: Submission, *, status_code=200, headers=None) -> Response:
    context = {
        "request": request,
        "files": [
            _owned(file, submission)
            for file in selectors.submission_current_files(submission=submission)
        ],
        "versions": [
            _owned(version, submission)
            for version in selectors.submission_versions(submission=submission)
        ],
        "missing": services.submission_missing(submission=submission),
        "can": {
            "edit": has_perm(request.user, "submissions.edit_submission", submission),
            "withdraw": has_perm(request.user, "submissions.withdraw_submission", submission),
        },
    }
    data = SubmissionDetailSerializer(submission, context=context).data
    return Response(
        data, status=status_code, headers={"ETag": etag(submission.revision), **(headers or {})}
    )


def _owned(part, submission):
    # The serializers name the submission in URLs; this saves a query per row.
    part.submission = submission
    return part


def _reloaded(request, submission: Submission) -> Submission:
    """The submission again, with the relations the lookup loads, after a service changed
    it."""
    return lookups.submission(request, code=submission.code)


# --- the fields, validated by the browser's form --------------------------------------


def _form_data(submission: Submission, attrs: dict, revision: int) -> dict:
    """The edit form's data: the stored values, with what the request sends on top."""
    data = {"revision": revision}
    for name in EDITABLE_FIELDS:
        if name in ("risk_areas", "methods"):
            related = getattr(submission, name).all() if submission.pk else []
            data[name] = [item.code for item in related]
        elif name == "provider":
            data[name] = submission.provider_id
        else:
            data[name] = getattr(submission, name)
    for name, value in attrs.items():
        if name == "provider":
            # By name, as the form's "other provider": known names match case-insensitively.
            data["provider"], data["provider_other"] = None, value
        elif name in data:
            data[name] = value
    return data


_FORM_FIELD_NAMES = {"provider_other": "provider", "__all__": "non_field_errors"}


def _validated_fields(submission: Submission, attrs: dict, revision: int) -> dict:
    """Check the fields as the browser's form does (same rules, same messages) and return
    what submission_update takes."""
    form = SubmissionForm(_form_data(submission, attrs, revision), instance=submission)
    if not form.is_valid():
        raise exceptions.ValidationError(
            {
                _FORM_FIELD_NAMES.get(name, name): [str(message) for message in messages]
                for name, messages in form.errors.items()
            }
        )
    data = form.cleaned_data
    provider = data.get("provider")
    if provider is not None and provider.pk is None:
        provider = services.provider_get_or_create(name=provider.name)
    fields = {
        name: data[name]
        for name in EDITABLE_FIELDS
        if name not in ("risk_areas", "methods", "provider")
    }
    fields["provider"] = provider
    update = {
        "fields": fields,
        "risk_areas": list(data["risk_areas"]),
        "methods": list(data["methods"]),
    }
    if "authors" in attrs:
        update["authors"] = [dict(author) for author in attrs["authors"]]
    return update


# --- optimistic locking ---------------------------------------------------------------


def _stale(submission: Submission) -> Response:
    body = problem(
        412,
        _(
            "Someone else saved this submission after you read it, so your changes were not "
            "saved. It is now at revision %(revision)s (changed %(changed)s): read it again, "
            "apply your changes and send them with the new ETag."
        )
        % {"revision": submission.revision, "changed": submission.updated_at.isoformat()},
        code="stale",
        current_revision=submission.revision,
        updated_at=submission.updated_at.isoformat(),
    )
    return Response(
        body, status=412, headers={"ETag": etag(submission.revision)}, content_type=PROBLEM
    )


# --- endpoints ------------------------------------------------------------------------


class SubmissionList(Endpoint):
    """The submissions you can see: your organisations' (AI Office staff: every one).
    Reviewers read what they review through the reviews endpoints, never here."""

    access = {
        "GET": Access("portal.use_portal", READ),
        "POST": Access("submissions.create_submission", WRITE),
    }
    serializer_class = SubmissionListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SubmissionFilter

    def get_queryset(self):
        return selectors.submissions_listed_for(user=self.request.user)

    @extend_schema(operation_id="submission_list", responses=SubmissionListSerializer(many=True))
    def get(self, request):
        submissions = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(submissions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="submission_create",
        request=SubmissionCreateSerializer,
        responses={201: SubmissionDetailSerializer},
    )
    def post(self, request):
        serializer = SubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attrs = dict(serializer.validated_data)
        workshop = self._workshop(request, attrs.pop("workshop"))
        require_perm(request.user, "submissions.create_submission", workshop)
        organisation = self._organisation(request, attrs.pop("organisation"))
        title = attrs.pop("title")
        draft = Submission(workshop=workshop, organisation=organisation, title=title)
        # The other fields are checked before anything is created.
        update = _validated_fields(draft, {**attrs, "title": title}, revision=1) if attrs else None
        # One request, one outcome: no bare draft is left behind if the fields are refused.
        with transaction.atomic():
            submission = services.submission_create(
                workshop=workshop, organisation=organisation, user=request.user, title=title
            )
            if update is not None:
                services.submission_update(
                    submission=submission,
                    user=request.user,
                    revision=submission.revision,
                    **update,
                )
        submission = _reloaded(request, submission)
        location = reverse("api:submission-detail", kwargs={"code": submission.code})
        return _detail(request, submission, status_code=201, headers={"Location": location})

    @staticmethod
    def _workshop(request, code: str):
        unknown = exceptions.ValidationError({"workshop": [_("There is no call with this code.")]})
        if not may_name_a_row(code):
            raise unknown
        try:
            return portal_lookups.workshop(request, workshop_code=code)
        except Http404:
            raise unknown from None

    @staticmethod
    def _organisation(request, code: str):
        organisations = portal_selectors.organisations_of_user(user=request.user)
        if not organisations.exists():
            raise exceptions.ValidationError(
                {
                    "organisation": [
                        _("Create or join an organisation before submitting an evaluation.")
                    ]
                }
            )
        organisation = organisations.filter(code=code).first() if may_name_a_row(code) else None
        if organisation is None:
            raise exceptions.ValidationError(
                {"organisation": [_("You do not belong to an organisation with this code.")]}
            )
        return organisation


class SubmissionDetail(Endpoint):
    """One submission. Its `ETag` is its revision: send it back in `If-Match` to edit."""

    access = {"GET": SEE, "PATCH": EDIT}
    serializer_class = SubmissionDetailSerializer
    parser_classes = [JSONParser]

    @extend_schema(operation_id="submission_detail", parameters=[CODE])
    def get(self, request, code):
        return _detail(request, self.object)

    @extend_schema(
        operation_id="submission_update",
        parameters=[
            CODE,
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                description=_("The ETag you read; or send the revision as `revision`."),
            ),
        ],
        request=SubmissionUpdateSerializer,
        responses={200: SubmissionDetailSerializer},
    )
    def patch(self, request, code):
        submission = self.object
        serializer = SubmissionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attrs = dict(serializer.validated_data)
        revision = if_match_revision(
            request, body_field=True, body_revision=attrs.pop("revision", None)
        )
        if revision != submission.revision:
            return _stale(submission)
        update = _validated_fields(submission, attrs, revision)
        try:
            services.submission_update(
                submission=submission, user=request.user, revision=revision, **update
            )
        except StaleEditError:
            return _stale(_reloaded(request, submission))
        return _detail(request, _reloaded(request, submission))


class SubmissionFileList(Endpoint):
    """The working copy's files; POST adds one (multipart: `kind`, `file`), with the
    browser's size limit (stopped while it streams) and file checks."""

    access = {"GET": SEE, "POST": EDIT}
    serializer_class = SubmissionFileSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="submission_file_list",
        parameters=[CODE],
        responses=SubmissionFileSerializer(many=True),
        filters=False,
    )
    def get(self, request, code):
        files = selectors.submission_current_files(submission=self.object)
        page = self.paginate_queryset(files)
        data = [_owned(file, self.object) for file in page]
        return self.get_paginated_response(self.get_serializer(data, many=True).data)

    @extend_schema(
        operation_id="submission_file_upload",
        parameters=[CODE],
        request={"multipart/form-data": FileUploadSerializer},
        responses={201: SubmissionFileSerializer},
    )
    def post(self, request, code):
        submission = self.object
        data = request.data  # parsed here, through settings.FILE_UPLOAD_HANDLERS
        too_large = getattr(request, "upload_too_large", None)
        if too_large:
            self._refused(request, submission, too_large.get("name"), "too_large")
            return self._too_large(too_large)
        serializer = FileUploadSerializer(data=data)
        if not serializer.is_valid():
            upload = data.get("file")
            if hasattr(upload, "name"):
                reasons = serializer.errors.get("file") or serializer.errors.get("kind")
                code = getattr(reasons[0], "code", "") if reasons else ""
                self._refused(request, submission, upload.name, code or "invalid")
            raise exceptions.ValidationError(serializer.errors)
        upload = serializer.validated_data["file"]
        try:
            file = services.submission_file_attach(
                submission=submission,
                user=request.user,
                upload=upload,
                kind=serializer.validated_data["kind"],
            )
        except ValidationError as error:
            self._refused(request, submission, upload.name, services.refusal_reason(error))
            raise exceptions.ValidationError({"file": error.messages}) from None
        _owned(file, submission)
        body = SubmissionFileSerializer(file, context={"request": request}).data
        return Response(body, status=201, headers={"Location": body["url"]})

    @staticmethod
    def _refused(request, submission: Submission, file_name: str | None, reason: str) -> None:
        # The refused attempt rolled back; the record of it commits on its own.
        services.submission_file_refuse(
            submission=submission,
            user=request.user,
            kind=str(request.data.get("kind", "")),
            file_name=sanitise_filename(file_name) if file_name else "",
            reason=reason,
        )

    @staticmethod
    def _too_large(too_large: dict) -> Response:
        limit = too_large.get("limit_mb")
        if too_large.get("name"):
            message = _("“%(name)s” is larger than the %(limit)s MB limit.") % {
                "name": too_large["name"],
                "limit": limit,
            }
        else:
            message = _("The upload is larger than the %(limit)s MB limit.") % {"limit": limit}
        body = problem(413, message, code="too_large", errors={"file": [message]}, limit_mb=limit)
        return Response(body, status=413, content_type=PROBLEM)


class SubmissionFileDetail(Endpoint):
    """One file (of the working copy or of a version); DELETE takes it out of the working
    copy, as the edit page's "remove" does: versions that included it keep it."""

    access = {
        "GET": Access("submissions.download_file", READ, lookup=lookups.submission_file),
        "DELETE": EDIT,
    }
    serializer_class = SubmissionFileSerializer

    @extend_schema(operation_id="submission_file_detail", parameters=[CODE, FILE_CODE])
    def get(self, request, code, file_code):
        return Response(self.get_serializer(self.object).data)

    @extend_schema(
        operation_id="submission_file_remove", parameters=[CODE, FILE_CODE], responses={204: None}
    )
    def delete(self, request, code, file_code):
        submission = self.object
        file = (
            submission.files.filter(code=file_code, detached_at__isnull=True).first()
            if may_name_a_row(file_code)
            else None
        )
        if file is None:
            raise exceptions.NotFound
        services.submission_file_detach(submission=submission, file=file, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubmissionFileDownload(Endpoint):
    """The file as uploaded, for the submitting organisation and staff (reviewers download
    through the reviews endpoints, stripped of metadata in anonymous workshops)."""

    access = {"GET": Access("submissions.download_file", READ, lookup=lookups.submission_file)}

    @extend_schema(
        operation_id="submission_file_download",
        parameters=[CODE, FILE_CODE],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, code, file_code):
        file = self.object
        # The same answer as the browser's download (submissions.views.files).
        return attachment_response(
            open_stored(file.file), filename=file.original_name, content_type=file.content_type
        )


class SubmissionSubmit(Endpoint):
    """Freeze the working copy as the next version. Refused (400) while something required
    is missing (listed in `errors`) or after the deadline."""

    access = {"POST": EDIT}
    serializer_class = SubmissionVersionSerializer

    @extend_schema(
        operation_id="submission_submit",
        parameters=[CODE],
        request=None,
        responses={201: SubmissionVersionSerializer},
    )
    def post(self, request, code):
        version = services.submission_submit(submission=self.object, user=request.user)
        version = lookups.submission_version(request, code=code, number=version.number)
        body = self.get_serializer(version).data
        return Response(body, status=201, headers={"Location": body["url"]})


class SubmissionWithdraw(Endpoint):
    access = {"POST": Access("submissions.withdraw_submission", WRITE, lookup=lookups.submission)}
    serializer_class = SubmissionDetailSerializer

    @extend_schema(
        operation_id="submission_withdraw",
        parameters=[CODE],
        request=None,
        responses={200: SubmissionDetailSerializer},
    )
    def post(self, request, code):
        services.submission_withdraw(submission=self.object, user=request.user)
        return _detail(request, _reloaded(request, self.object))


class SubmissionVersionList(Endpoint):
    access = {"GET": SEE}
    serializer_class = SubmissionVersionRefSerializer

    @extend_schema(
        operation_id="submission_version_list",
        parameters=[CODE],
        responses=SubmissionVersionRefSerializer(many=True),
        filters=False,
    )
    def get(self, request, code):
        versions = selectors.submission_versions(submission=self.object).order_by("number")
        page = [_owned(version, self.object) for version in self.paginate_queryset(versions)]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class SubmissionVersionDetail(Endpoint):
    # Who may see the submission may see what it was at each submit (the detail page lists
    # the versions); the version itself is fetched through its own lookup.
    access = {"GET": SEE}
    serializer_class = SubmissionVersionSerializer

    @extend_schema(operation_id="submission_version_detail", parameters=[CODE, NUMBER])
    def get(self, request, code, number):
        version = lookups.submission_version(request, code=code, number=number)
        return Response(self.get_serializer(version).data)
