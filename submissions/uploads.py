"""The upload size limit, enforced while the request body streams in.

A form's `max_size` check runs after Django has already written the whole file to disk;
this handler stops the upload as soon as it passes the limit, so an oversized file costs
neither disk nor a long wait for the user's answer. It must come first in
settings.FILE_UPLOAD_HANDLERS, before the handler that writes chunks to disk.

When it stops an upload it sets `request.upload_too_large` to
{"field": field name or None, "name": file name or None, "limit_mb": int}; the file is
then missing from request.FILES, and the view should say why from that attribute (use
getattr(request, "upload_too_large", None): it is set only on refused requests).

The limit is settings.SUBMISSION_MAX_UPLOAD_BYTES for every file field, unless the view the
request is routed to names other limits for some of its fields (see `upload_limits`): the
staff import takes a ZIP of PDFs far larger than any one submission file. The choice is
made from the resolved URL, not inside the view, because CsrfViewMiddleware reads the body
(request.POST) before the view runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from .files import sanitise_filename

# Room for the other form fields and the multipart boundaries and headers around the
# file, on top of the file limit, before the declared body size alone condemns a request.
FORM_OVERHEAD_BYTES = 1024 * 1024
MB = 1024 * 1024

# The attribute a view (function or class) carries: {file field: name of a setting in MB}.
UPLOAD_LIMITS_ATTRIBUTE = "upload_limits"

View = TypeVar("View", bound=Callable[..., Any])


def upload_limits(**fields: str) -> Callable[[View], View]:
    """Give a function view's file fields their own limits: `@upload_limits(files_archive=
    "IMPORT_ARCHIVE_MAX_MB")`. Settings are named, not read, so that a changed setting (in
    tests, too) applies to the next request. A class view sets the attribute itself."""

    def decorate(view: View) -> View:
        setattr(view, UPLOAD_LIMITS_ATTRIBUTE, dict(fields))
        return view

    return decorate


def too_large_message(too_large: dict) -> str:
    """What to tell the user of an upload this handler stopped (request.upload_too_large)."""
    if too_large.get("name"):
        return _("“%(name)s” is larger than the %(limit)s MB limit.") % {
            "name": too_large["name"],
            "limit": too_large.get("limit_mb"),
        }
    # The whole request was refused before a file part was reached.
    return _("The upload is larger than the %(limit)s MB limit.") % {
        "limit": too_large.get("limit_mb")
    }


def _field_limits(request: Any) -> dict[str, int]:
    """{field: bytes} for the view `request` is routed to; {} for the default everywhere."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {}
    view = match.func
    named = getattr(view, UPLOAD_LIMITS_ATTRIBUTE, None)
    if named is None:
        named = getattr(getattr(view, "view_class", None), UPLOAD_LIMITS_ATTRIBUTE, None)
    return {field: getattr(settings, setting) * MB for field, setting in (named or {}).items()}


class MaxSizeUploadHandler(FileUploadHandler):
    """Refuses any uploaded file larger than its limit: settings.SUBMISSION_MAX_UPLOAD_BYTES
    unless the view names another for its field."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.default_limit = settings.SUBMISSION_MAX_UPLOAD_BYTES
        self.field_limits = _field_limits(request)
        self.limit = self.default_limit
        # The whole body may hold every file a view takes at its largest.
        self.body_limit = sum(self.field_limits.values()) or self.default_limit
        self.received = 0
        self.body_too_large = False

    def _mark_too_large(self, *, field: str | None, name: str | None, limit: int) -> None:
        if self.request is not None:
            self.request.upload_too_large = {
                "field": field,
                "name": sanitise_filename(name) if name else None,
                "limit_mb": limit // MB,
            }

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 - Django's parameter name
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        # The declared length already says the request is too large. StopUpload raised
        # here would escape Django's parser as a server error, so the refusal happens at
        # the first file part instead (new_file), before a byte of it is written: the
        # small fields before it (the CSRF token among them) are still parsed, so the
        # view can answer with a message instead of a CSRF failure.
        if content_length > self.body_limit + FORM_OVERHEAD_BYTES:
            self.body_too_large = True
            self._mark_too_large(field=None, name=None, limit=self.body_limit)
        return None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        self.limit = self.field_limits.get(field_name, self.default_limit)
        if self.body_too_large:
            self._stop()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        # Counted before the chunk is passed on: the disk handler after this one never
        # receives a byte beyond the limit.
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        # The next handler builds the UploadedFile.
        return None

    def _stop(self) -> None:
        self._mark_too_large(field=self.field_name, name=self.file_name, limit=self.limit)
        # connection_reset=False: Django reads and discards the rest of the body, so the
        # browser receives the page explaining the refusal instead of "connection reset".
        # The reverse proxy's client_max_body_size bounds how much that can be.
        raise StopUpload(connection_reset=False)
