"""The API's index, schema and documentation (public), and workshops."""

from tests.permissions.api_matrix import STAFF, ApiRow, api_expect, each

EVERYONE = api_expect(200, anonymous=200, staff_nomfa=200)

ROWS = [
    ApiRow("api:root", expect=EVERYONE, scope=None, public=True),
    ApiRow("api:schema", expect=EVERYONE, scope=None, public=True),
    ApiRow("api:docs", expect=EVERYONE, scope=None, public=True),
    ApiRow("api:workshop-list", expect=api_expect(200), scope=None),
    ApiRow(
        "api:workshop-detail",
        kwargs=lambda w: {"workshop_code": w.workshop.code},
        expect=api_expect(200),
        scope=None,
    ),
    ApiRow(
        "api:workshop-detail",
        state="draft workshop",
        kwargs=lambda w: {"workshop_code": w.draft_workshop.code},
        expect=api_expect(404, **each(STAFF, 200)),
        scope=None,
    ),
]
