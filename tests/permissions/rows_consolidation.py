"""The consolidated assessment of a submission (reviews app).

Who sees what:
- staff name the lead on the submission's Reviewers page: its members get 403 (they see
  the submission), everyone else 404;
- an assessment: staff, its lead and, once circulated, the submission's reviewers who may
  open their assignment; 404 for everyone else (the declined, conflicted and unassigned
  reviewers and the submitters included);
- only the lead edits and circulates a draft, only the other reviewers answer a circulated
  one, only staff finalise it: 403 for whoever sees it but may not.
"""

from tests.permissions.matrix import REDIRECT, STAFF, Row, each, signed_in

MEMBERS = ("evaluator", "org_admin")


def _seen(outcome, *, staff, others=404, anonymous=None):
    """The reviewer gets `outcome`, staff `staff`, everyone else signed in `others`."""
    row = signed_in(others, reviewer=outcome, **each(STAFF, staff))
    if anonymous is not None:
        row["anonymous"] = anonymous
    return row


def _draft(w):
    return {"code": w.consolidation.code}


def _circulated(w):
    return {"code": w.circulated_consolidation.code}


def _draft_form(w):
    return {"revision": w.consolidation.revision, f"c{w.criterion.pk}_level": "2"}


ROWS = [
    Row(
        "reviews:staff_consolidation_lead",
        kwargs=lambda w: {"code": w.submission.code},
        get=signed_in(404, **each(MEMBERS, 403), **each(STAFF, 405)),
        post=signed_in(404, **each(MEMBERS, 403), **each(STAFF, REDIRECT)),
        data=lambda w: {"lead": "me"},
    ),
    Row(
        "reviews:consolidation_detail",
        state="draft, led by the reviewer",
        kwargs=_draft,
        get=_seen(200, staff=200),
        post=_seen(REDIRECT, staff=403),
        data=_draft_form,
    ),
    Row(
        "reviews:consolidation_detail",
        state="circulated, led by staff",
        kwargs=_circulated,
        get=_seen(200, staff=200),
        post=_seen(403, staff=403),
        data=lambda w: {"revision": w.circulated_consolidation.revision},
    ),
    # JSON: a signed-out autosave answers 401 (the script says so), not a login redirect.
    Row(
        "reviews:consolidation_autosave",
        state="draft, led by the reviewer",
        kwargs=_draft,
        get=_seen(405, staff=405, anonymous=401),
        post=_seen(200, staff=403, anonymous=401),
        data=_draft_form,
    ),
    Row(
        "reviews:consolidation_circulate",
        state="draft, led by the reviewer",
        kwargs=_draft,
        get=_seen(405, staff=403),
        post=_seen(REDIRECT, staff=403),
    ),
    Row(
        "reviews:consolidation_concur",
        state="circulated, led by staff",
        kwargs=_circulated,
        get=_seen(405, staff=403),
        post=_seen(REDIRECT, staff=403),
        data=lambda w: {"agrees": "no", "dissent_note": "One level too high."},
    ),
    Row(
        "reviews:consolidation_finalise",
        state="circulated, led by staff",
        kwargs=_circulated,
        get=_seen(403, staff=405),
        post=_seen(403, staff=REDIRECT),
    ),
]
