"""No page of the permission matrix has two elements with the same id (a label would point
at the other one's input, a summary link would jump to the wrong place).

Every GET row that answers 200 to some persona is rendered once, as the persona who would
use it (staff first, then evaluators, then reviewers), and parsed with html.parser.
"""

import pytest
from django.test import Client

from tests.helpers import close_response
from tests.html_ids import duplicate_ids
from tests.permissions.test_matrix import GET_ROWS, _url
from tests.permissions.world import PERSONAS

PREFERENCE = ("staff", "evaluator", "org_admin", "reviewer", "superuser")
ORDER = PREFERENCE + tuple(p for p in PERSONAS if p not in PREFERENCE)


def _persona(row) -> str | None:
    return next((p for p in ORDER if row.get.get(p) == 200), None)


HTML_ROWS = [row for row in GET_ROWS if _persona(row) is not None]


def test_the_rows_cover_the_main_pages():
    names = {row.name for row in HTML_ROWS}
    assert {"portal:dashboard", "submissions:edit", "assignment:runs"} <= names


@pytest.fixture
def client_as(world, settings, db):
    settings.MEDIA_ROOT = world.media_root

    def signed_in(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        return client

    return signed_in


@pytest.mark.parametrize("row", HTML_ROWS, ids=[row.id for row in HTML_ROWS])
def test_no_page_has_duplicate_ids(row, world, client_as):
    persona = _persona(row)
    response = client_as(persona).get(_url(row, world))
    assert response.status_code == 200, f"{row.name} as {persona}: {response.status_code}"
    if not response.get("Content-Type", "").startswith("text/html"):
        close_response(response)
        return
    html = response.content.decode()
    assert duplicate_ids(html) == [], f"{row.name} as {persona}"
