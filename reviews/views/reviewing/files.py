"""A submission's files as its reviewers download them."""

from django.views.decorators.http import require_GET

from portal.downloads import attachment_response, open_stored
from portal.permissions import permission_required
from reviews import lookups
from reviews.models import Assignment
from reviews.selectors import visibility as selectors
from submissions.files import pdf_strip_metadata


@permission_required("reviews.see_assignment", lookup=lookups.assignment)
@require_GET
def review_file(request, assignment: Assignment, file_code: str):
    """A file of the latest submitted version; in an anonymous workshop, PDFs lose their
    document metadata (author, title, software) and every file gets a neutral name."""
    file = selectors.submission_file_for_reviewer(assignment=assignment, file_code=file_code)
    anonymous = assignment.workshop.anonymous_review
    stream = open_stored(file.file)
    if anonymous and file.content_type == "application/pdf":
        with stream:
            stream = pdf_strip_metadata(source=stream)
    return attachment_response(
        stream,
        filename=selectors.reviewer_file_name(file=file, anonymous=anonymous),
        content_type=file.content_type,
    )
