"""The staff's page comparing a submitted version with the one before it."""

import pytest
from django.urls import reverse

from submissions import services
from submissions.models import Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(complete_draft, evaluator):
    """Version 1 by Ada Author alone; version 2 adds Grace Hopper and a second risk area."""
    services.submission_submit(submission=complete_draft, user=evaluator)
    Author.objects.create(
        submission=complete_draft, name="Grace Hopper", affiliation="Navy Lab", position=1
    )
    complete_draft.risk_areas.add(
        *complete_draft.risk_areas.model.objects.filter(code="cyber_offence")
    )
    services.submission_submit(submission=complete_draft, user=evaluator)
    return complete_draft


def _rows(response) -> dict[str, tuple[str, str]]:
    return {c.label: (c.old, c.new) for c in response.context["diff"]["changes"]}


def test_version_diff_shows_changed_authors_between_versions(client, staff, two_versions):
    client.force_login(staff)

    response = client.get(reverse("submissions:version_diff", args=[two_versions.code, 2]))

    assert response.status_code == 200
    assert _rows(response) == {
        "authors": ("Ada Author (Lab)", "Ada Author (Lab); Grace Hopper (Navy Lab)"),
        "risk areas": ("cbrn", "cbrn, cyber_offence"),
    }
    content = response.content.decode()
    assert (
        '<tr><th scope="row">Authors</th><td class="diff-old">Ada Author (Lab)</td>'
        '<td class="diff-new">Ada Author (Lab); Grace Hopper (Navy Lab)</td></tr>'
    ) in content


def test_version_diff_of_the_first_version_lists_every_field_as_new(client, staff, two_versions):
    client.force_login(staff)

    response = client.get(reverse("submissions:version_diff", args=[two_versions.code, 1]))

    assert response.status_code == 200
    rows = _rows(response)
    assert rows["authors"] == (None, "Ada Author (Lab)")
    assert rows["title"] == (None, two_versions.title)
    assert "First version: everything is new." in response.content.decode()
