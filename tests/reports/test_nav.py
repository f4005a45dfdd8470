"""The aggregates navigation has a Reports tab, current on every staff reports page."""

import pytest
from django.urls import reverse

from tests.factories import WorkshopFactory


@pytest.fixture
def workshop(db):
    return WorkshopFactory()


def _reports_tab(workshop, *, current: bool) -> str:
    index = reverse("reports:index", args=[workshop.code])
    if current:
        return f'<a class="nav-link active" aria-current="page" href="{index}">Reports</a>'
    return f'<a class="nav-link" href="{index}">Reports</a>'


@pytest.mark.parametrize("name", ["index", "summary_edit", "quotes", "remarks"])
def test_reports_pages_show_the_nav_with_reports_current(client, staff, workshop, name):
    client.force_login(staff)

    body = client.get(reverse(f"reports:{name}", args=[workshop.code])).content.decode()

    assert _reports_tab(workshop, current=True) in body
    assert body.count('aria-current="page"') == 1


def test_aggregates_page_links_to_the_reports(client, staff, workshop):
    client.force_login(staff)

    body = client.get(reverse("reviews:aggregate_overview", args=[workshop.code])).content.decode()

    assert _reports_tab(workshop, current=False) in body
