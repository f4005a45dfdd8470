"""Stored files handed to the person who may have them: one answer for every download."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def open_stored(field_file: FieldFile):
    """The stored file, open for reading; 404 when there is none or storage has lost it
    (a disk restored without its media folder): the person gets a clear "not found"
    instead of a server error, and the row stays for staff to see."""
    if not field_file:
        raise Http404
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None


def attachment_response(handle, *, filename: str, content_type: str) -> FileResponse:
    """Always a download, never rendered in the portal's origin whatever the bytes are, and
    never kept by a browser's or a proxy's cache."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
