from django.views.decorators.http import require_GET

from portal.downloads import attachment_response, open_stored
from portal.permissions import permission_required
from submissions import lookups
from submissions.models import SubmissionFile


@permission_required("submissions.download_file", lookup=lookups.submission_file)
@require_GET
def file_download(request, file: SubmissionFile):
    """The file as uploaded, for the submitting organisation and staff. Reviewers download
    through the reviews app, which strips document metadata in anonymous workshops."""
    return attachment_response(
        open_stored(file.file), filename=file.original_name, content_type=file.content_type
    )
