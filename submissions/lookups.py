"""Lookups for `portal.permissions.permission_required`: the submission (or its file, or
version) a URL names, through the selectors, so what the user may not see answers 404."""

from submissions import selectors
from submissions.models import Submission, SubmissionFile, SubmissionVersion


def submission(request, code: str) -> Submission:
    return selectors.submission_get_for_user(code=code, user=request.user)


def submission_file(request, code: str, file_code: str) -> SubmissionFile:
    return selectors.submission_file_get_for_user(
        submission_code=code, file_code=file_code, user=request.user
    )


def submission_version(request, code: str, number: int) -> SubmissionVersion:
    return selectors.submission_version_get_for_user(
        submission_code=code, number=number, user=request.user
    )
