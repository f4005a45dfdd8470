"""Lookups for `portal.permissions.permission_required`: the thread (404 for whoever is
neither staff nor one of the submission's reviewers) and a comment in it."""

from discussion import selectors
from discussion.models import Comment
from discussion.selectors import Thread


def thread(request, code: str) -> Thread:
    return selectors.thread_get_for_user(code=code, user=request.user)


def comment(request, code: str, comment_code: str) -> Comment:
    """A comment the reader may see in the thread; it carries the thread (`.thread`)."""
    found_thread = thread(request, code)
    found = selectors.comment_get(thread=found_thread, user=request.user, code=comment_code)
    found.thread = found_thread
    return found
