from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.views.decorators.http import require_GET

from submissions import selectors


def _needs_anonymised_copy(request, submission) -> bool:
    """Reviewers of an anonymous workshop get PDFs without document metadata.

    Staff and the submitting organisation see the file as uploaded.
    """
    if not submission.workshop.anonymous_review or request.user.is_ai_office_staff:
        return False
    return not request.user.has_perm("submissions.view_as_member", submission)


@login_required
@require_GET
def file_download(request, code: str, file_code: str):
    submission, file = selectors.submission_file_get_for_user(
        submission_code=code, file_code=file_code, user=request.user
    )
    stream = file.file.open("rb")
    if file.content_type == "application/pdf" and _needs_anonymised_copy(request, submission):
        from submissions.files import pdf_strip_metadata

        with stream:
            stream = pdf_strip_metadata(source=stream)
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=file.original_name,
        content_type=file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
