"""Core pages: home, dashboard, profile, legal pages, workshops, organisations."""

from tests.permissions.matrix import (
    OK,
    REDIRECT,
    STAFF,
    Row,
    each,
    expect,
    signed_in,
    staff_only,
)

ROWS = [
    Row("portal:home", get=signed_in(REDIRECT, anonymous=200)),
    Row("portal:dashboard", get=signed_in(200)),
    Row("portal:privacy", get=expect(200)),
    Row("portal:accessibility", get=expect(200)),
    Row("portal:staff_workshop_list", get=staff_only()),
    Row(
        "portal:organisation_detail",
        kwargs=lambda w: {"code": w.organisation.code},
        get=signed_in(404, **each(("evaluator", "org_admin", *STAFF), 200)),
    ),
    Row(
        "portal:organisation_edit",
        kwargs=lambda w: {"code": w.organisation.code},
        get=signed_in(404, evaluator=403, **each(("org_admin", *STAFF), 200)),
        post=signed_in(404, evaluator=403, **each(("org_admin", *STAFF), OK)),
        data=lambda w: {"name": "Renamed Lab", "type": "research", "country": "BE"},
    ),
]
