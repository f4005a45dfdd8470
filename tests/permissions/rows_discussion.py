"""The reviewers' discussion of a submission.

Who sees what:
- the thread: staff, and the submission's reviewers (not declined, not conflicted, cleared
  for it); everyone else signed in gets 404, the submitters included. A reviewer gets 403
  while the workshop's rule keeps other reviewers' work from them (before their own
  review is submitted, by default);
- a comment: editing is its author's (403 for staff), removing its author's and staff's,
  its history staff's (403 for the reviewer who sees the comment); a comment for the AI
  Office only is 404 to reviewers.
"""

from tests.permissions.matrix import OK, STAFF, Row, each, signed_in


def _seen_by(reviewer=None, staff=None, others=404):
    outcomes = {}
    if reviewer is not None:
        outcomes["reviewer"] = reviewer
    if staff is not None:
        outcomes.update(each(STAFF, staff))
    return signed_in(others, **outcomes)


def _thread(attribute):
    return lambda w: {"code": getattr(w, attribute).code}


def _comment(attribute):
    def kwargs(w):
        comment = getattr(w, attribute)
        return {"code": comment.submission.code, "comment_code": comment.code}

    return kwargs


def _comment_form(w):
    return {"body": "Agreed on C2.", "readers": "reviewers"}


def _edit_form(w):
    return {"body": "I read C1 differently now.", "revision": w.discussion_comment.revision}


ROWS = [
    Row(
        "discussion:thread",
        state="before own review",
        kwargs=_thread("submission"),
        get=_seen_by(reviewer=403, staff=200),
        post=_seen_by(reviewer=403, staff=OK),
        data=_comment_form,
    ),
    Row(
        "discussion:thread",
        state="own review submitted",
        kwargs=_thread("released_submission"),
        get=_seen_by(reviewer=200, staff=200),
        post=_seen_by(reviewer=OK, staff=OK),
        data=_comment_form,
    ),
    Row(
        "discussion:subscription",
        state="before own review",
        kwargs=_thread("submission"),
        get=_seen_by(reviewer=403, staff=200),
        post=_seen_by(reviewer=403, staff=OK),
    ),
    Row(
        "discussion:subscription",
        state="own review submitted",
        kwargs=_thread("released_submission"),
        get=_seen_by(reviewer=200, staff=200),
        post=_seen_by(reviewer=OK, staff=OK),
    ),
    Row(
        "discussion:comment_edit",
        kwargs=_comment("discussion_comment"),
        get=_seen_by(reviewer=200, staff=403),
        post=_seen_by(reviewer=OK, staff=403),
        data=_edit_form,
    ),
    Row(
        "discussion:comment_edit",
        state="AI Office only",
        kwargs=_comment("discussion_staff_comment"),
        # Its author is "staff"; the superuser is staff too, but not its author.
        get=_seen_by(staff=403) | {"staff": 200},
        post=_seen_by(staff=403) | {"staff": OK},
        data=lambda w: {"body": "Note, edited.", "revision": 1},
    ),
    Row(
        "discussion:comment_remove",
        kwargs=_comment("discussion_comment"),
        get=_seen_by(reviewer=200, staff=200),
        post=_seen_by(reviewer=OK, staff=OK),
    ),
    Row(
        "discussion:comment_history",
        kwargs=_comment("discussion_comment"),
        get=_seen_by(reviewer=403, staff=200),
    ),
    Row(
        "discussion:comment_history",
        state="AI Office only",
        kwargs=_comment("discussion_staff_comment"),
        get=_seen_by(staff=200),
    ),
]
