"""The upload size limit, enforced while the request body streams in.

A form's `max_size` check runs after Django has already written the whole file to disk;
this handler stops the upload as soon as it passes the limit, so an oversized file costs
neither disk nor a long wait for the user's answer. It must come first in
settings.FILE_UPLOAD_HANDLERS, before the handler that writes chunks to disk.

When it stops an upload it sets `request.upload_too_large` to
{"field": field name or None, "name": file name or None, "limit_mb": int}; the file is
then missing from request.FILES, and the view should say why from that attribute (use
getattr(request, "upload_too_large", None): it is set only on refused requests).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .files import sanitise_filename

# Room for the other form fields and the multipart boundaries and headers around the
# file, on top of the file limit, before the declared body size alone condemns a request.
FORM_OVERHEAD_BYTES = 1024 * 1024


class MaxSizeUploadHandler(FileUploadHandler):
    """Refuses any uploaded file larger than settings.SUBMISSION_MAX_UPLOAD_BYTES."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = settings.SUBMISSION_MAX_UPLOAD_BYTES
        self.received = 0
        self.body_too_large = False

    def _mark_too_large(self, *, field: str | None, name: str | None) -> None:
        if self.request is not None:
            self.request.upload_too_large = {
                "field": field,
                "name": sanitise_filename(name) if name else None,
                "limit_mb": self.limit // (1024 * 1024),
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
        if content_length > self.limit + FORM_OVERHEAD_BYTES:
            self.body_too_large = True
            self._mark_too_large(field=None, name=None)
        return None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
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
        self._mark_too_large(field=self.field_name, name=self.file_name)
        # connection_reset=False: Django reads and discards the rest of the body, so the
        # browser receives the page explaining the refusal instead of "connection reset".
        # The reverse proxy's client_max_body_size bounds how much that can be.
        raise StopUpload(connection_reset=False)
