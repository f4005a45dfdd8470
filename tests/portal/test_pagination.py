"""One page navigation (templates/portal/_pagination.html) for every paginated list: its
links change the page number and keep every other parameter of the address."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from submissions.models import RiskArea
from tests.factories import OrganisationFactory, SubmissionFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

PAGINATION = "portal/_pagination.html"


def _nav(content: str) -> str:
    return re.search(r'<nav aria-label="Pages">.*?</nav>', content, re.S).group(0)


def test_page_two_of_a_filtered_staff_list_keeps_the_filters(client, staff):
    workshop = WorkshopFactory()
    cbrn = RiskArea.objects.get(code="cbrn")
    for _ in range(51):
        SubmissionFactory(workshop=workshop, state="submitted").risk_areas.add(cbrn)
    SubmissionFactory(workshop=workshop, state="submitted")
    client.force_login(staff)
    url = reverse("submissions:staff_list", args=[workshop.code])

    first = client.get(url, {"risk_area": "cbrn", "sort": "title"})
    second = client.get(url, {"risk_area": "cbrn", "sort": "title", "page": "2"})

    assert re.findall(r'href="([^"]*)"', _nav(first.content.decode())) == [
        "?risk_area=cbrn&amp;sort=title&amp;page=2"
    ]
    assert re.findall(r'href="([^"]*)"', _nav(second.content.decode())) == [
        "?risk_area=cbrn&amp;sort=title&amp;page=1"
    ]
    assert len(second.context["page"].object_list) == 1


def test_page_links_keep_every_other_parameter_and_mark_the_current_page(client, staff):
    OrganisationFactory.create_batch(51, name="Lab")
    client.force_login(staff)

    response = client.get(
        reverse("portal:organisation_list"), {"q": "Lab", "utm_source": "newsletter", "page": "1"}
    )

    nav = _nav(response.content.decode())
    assert re.findall(r'href="([^"]*)"', nav) == ["?q=Lab&amp;utm_source=newsletter&amp;page=2"]
    assert (
        '<li class="page-item active" aria-current="page"><span class="page-link">'
        "Page 1 of 2</span></li>"
    ) in nav


def test_every_paginated_list_uses_the_one_pagination_template():
    templates = Path(settings.BASE_DIR) / "templates"
    drawing_their_own = sorted(
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if 'class="pagination"' in path.read_text() and path != templates / PAGINATION
    )
    assert drawing_their_own == []
    assert not (templates / "reviews" / "_pagination.html").exists()
