"""Errors as `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`,
plus `code` (a stable machine-readable reason) and, for invalid input, `errors` (the
messages per field, `non_field_errors` for the rest)."""

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CONTENT_TYPE = "application/problem+json"
MB = 1024 * 1024


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The resource changed since you read it.")
    default_code = "stale"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _("Send the ETag you read in an If-Match header.")
    default_code = "if_match_required"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the resource's current state.")
    default_code = "conflict"


def problem(status_code: int, detail, *, code: str = "", errors=None, **extra) -> dict:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": str(detail),
    }
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def problem_response(status_code: int, detail, **kwargs) -> JsonResponse:
    """For answers outside DRF's views (middleware, unmatched API paths)."""
    return JsonResponse(
        problem(status_code, detail, **kwargs), status=status_code, content_type=CONTENT_TYPE
    )


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            field: [str(message) for message in _flatten(messages)]
            for field, messages in detail.items()
        }
    return {"non_field_errors": [str(message) for message in _flatten(detail)]}


def _flatten(messages):
    if isinstance(messages, dict):
        for value in messages.values():
            yield from _flatten(value)
    elif isinstance(messages, list | tuple):
        for value in messages:
            yield from _flatten(value)
    else:
        yield messages


def exception_handler(exc, context):
    """DRF's handler, then reshaped as a problem document."""
    if isinstance(exc, RequestDataTooBig):
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (files aside) while
        # parsing it: an answer to the caller, not a server error or an HTML page.
        exc = PayloadTooLarge(
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // MB} MB "
            "(files aside)."
        )
    elif isinstance(exc, SuspiciousOperation):
        # Too many fields or files, a malformed multipart body: the request is at fault.
        exc = exceptions.ParseError(f"The request body was refused: {exc}", code="malformed")
    if isinstance(exc, DjangoValidationError):
        # A service refused: the same messages as the browser's form shows.
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        body = problem(
            response.status_code,
            _("The request was not valid: see `errors`."),
            code="invalid",
            errors=errors,
        )
    elif isinstance(exc, Http404 | exceptions.NotFound):
        body = problem(404, _("Not found."), code="not_found")
    elif isinstance(exc, DjangoPermissionDenied):
        body = problem(403, _("You may not do this."), code="permission_denied")
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", "") or getattr(exc, "default_code", "")
        body = problem(response.status_code, detail, code=code)
    headers = {
        k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")
    }
    return Response(body, status=response.status_code, headers=headers, content_type=CONTENT_TYPE)


class ApiProblemMiddleware:
    """Anything under /api/ that no API view answered (an unknown path, an error before a
    view ran) still answers as a problem document, never an HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (404, 500)
            and not response.get("Content-Type", "").startswith(("application/", "text/csv"))
        ):
            if response.status_code == 404:
                return problem_response(404, _("Not found."), code="not_found")
            return problem_response(500, _("Server error."), code="server_error")
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, Http404):
            return problem_response(404, _("Not found."), code="not_found")
        # Anything else takes Django's usual path (logged, mailed to admins), and its 500
        # page is then replaced in __call__.
        return None
