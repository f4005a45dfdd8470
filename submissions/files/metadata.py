"""A copy of a PDF without the metadata that names its authors and their software, for
reviewers of an anonymous workshop."""

import tempfile
from typing import IO

from django.conf import settings
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

# Document-level and page-level entries that carry authorship, software and editing
# history rather than content.
_ROOT_METADATA_KEYS = ("/Metadata", "/PieceInfo")
_PAGE_METADATA_KEYS = ("/Metadata", "/PieceInfo")


def pdf_strip_metadata(*, source: IO[bytes]) -> IO[bytes]:
    """A copy of the PDF without its document information and XMP metadata.

    Returns a NamedTemporaryFile positioned at the start; closing it deletes it. Run it
    only on a file that file_validate accepted (it parses in this process, where the
    validation parsed under limits), ideally in a Celery task rather than a web request.
    Removes the document information dictionary (Author, Creator, Producer, Title,
    Subject, Keywords, dates) and XMP streams of the document and of its pages; the
    pages, outline and links are kept.
    """
    reader = PdfReader(source, strict=False)
    if reader.is_encrypted:
        raise ValueError("pdf_strip_metadata needs an unencrypted PDF; validate it first")
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    for key in _ROOT_METADATA_KEYS:
        writer.root_object.pop(NameObject(key), None)
    for page in writer.pages:
        for key in _PAGE_METADATA_KEYS:
            page.pop(NameObject(key), None)
    # Cloning copied the old metadata objects; unreferenced now, they would still be
    # written to the file (and readable in it) unless dropped.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    output = tempfile.NamedTemporaryFile(  # noqa: SIM115 - returned to the caller
        suffix=".pdf", dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    try:
        writer.write(output)
        output.flush()
        output.seek(0)
    except BaseException:
        output.close()
        raise
    return output
