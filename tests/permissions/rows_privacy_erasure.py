"""Erasure: everyone asks for their own account; only its person withdraws a request; AI
Office staff see every request and decide, never on their own. no_org has a request
waiting for a decision (world.py)."""

from tests.permissions.matrix import OK, REDIRECT, STAFF, Row, each, signed_in, staff_only


def _request(w):
    return {"code": w.erasure_request.code}


# Its person may see it only on their profile: the staff pages answer them 403 (the lookup
# finds their own request), everyone else 404.
def _staff_page(outcome):
    return signed_in(404, no_org=403, **each(STAFF, outcome))


ROWS = [
    # no_org's second request is refused (400, with the reason on the form).
    Row(
        "privacy:erasure_request",
        get=signed_in(200),
        post=signed_in(REDIRECT, no_org=400),
        data=lambda w: {"reason": "", "confirm": "on"},
    ),
    Row(
        "privacy:erasure_withdraw",
        kwargs=_request,
        get=signed_in(404, no_org=405, **each(STAFF, 403)),
        post=signed_in(404, no_org=REDIRECT, **each(STAFF, 403)),
    ),
    Row("privacy:staff_erasure_list", get=staff_only()),
    Row("privacy:staff_erasure_list", state="bad filter", query="state=x", get=staff_only(400)),
    Row("privacy:staff_erasure_detail", kwargs=_request, get=_staff_page(200)),
    Row(
        "privacy:staff_erasure_decide",
        kwargs=_request,
        get=_staff_page(405),
        post=_staff_page(OK),
        data=lambda w: {"decision": "refuse", "reason": "The account is needed."},
    ),
]
