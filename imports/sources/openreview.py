"""OpenReview (API v2 notes): being written; see the framework in imports.sources."""

from django.core.exceptions import ValidationError

DATA_FILE_EXTENSIONS = frozenset({".json"})


def preview(*, run, progress) -> dict:
    raise ValidationError("OpenReview import is not ready yet.")


def apply(*, run, user, progress) -> dict:
    raise ValidationError("OpenReview import is not ready yet.")
