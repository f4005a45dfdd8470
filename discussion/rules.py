"""Who may do what in a submission's discussion. Visibility is the selectors' (a lookup
answers 404 to whoever may not see the thread at all); these rules answer 403 to a reader
who reaches the thread but may not do this now: a reviewer before the workshop's rule lets
them see other reviewers' work, an edit of someone else's comment, a removed comment.

Registered by DiscussionConfig.ready() through `portal.permissions.register`.
"""

import rules

from portal.rules import is_ai_office_staff


@rules.predicate
def thread_open(user, thread) -> bool:
    return thread is not None and thread.open


def _comment_predicate(test, *, name: str) -> rules.Predicate:
    def predicate(user, comment) -> bool:
        thread = getattr(comment, "thread", None)
        return comment is not None and thread is not None and thread.open and test(user, comment)

    return rules.Predicate(predicate, name=name)


is_own_live_comment = _comment_predicate(
    lambda user, comment: comment.author_id == user.pk and comment.removed_at is None,
    name="is_own_live_comment",
)
is_live_comment_staff_may_remove = _comment_predicate(
    lambda user, comment: user.is_ai_office_staff and comment.removed_at is None,
    name="is_live_comment_staff_may_remove",
)

PERMISSIONS = {
    "discussion.read_thread": thread_open,
    "discussion.post_comment": thread_open,
    "discussion.manage_subscription": thread_open,
    "discussion.edit_comment": is_own_live_comment,
    "discussion.remove_comment": is_own_live_comment | is_live_comment_staff_may_remove,
    "discussion.see_comment_history": is_ai_office_staff,
}
