"""A NUL byte where a code is expected names nothing; it never reaches the database.

SQLite stores a NUL byte, PostgreSQL refuses it in any text parameter: these tests fail
without their fix on PostgreSQL only (DATABASE_URL=postgres://...), and pin the answer on
both.
"""

import pytest
from django.urls import reverse

from assignment.models import Bid
from tests.factories import CompleteSubmissionFactory, ReviewerApplicationFactory, WorkshopFactory
from tests.submissions.test_lifecycle import _form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/a%00b/",
        "/submissions/a%00b/",
        "/staff/workshops/a%00b/progress/",
        "/reviews/bids/a%00b/",
    ],
)
def test_nul_byte_in_the_path_is_not_found(client, staff, path):
    client.force_login(staff)

    response = client.get(path)

    assert response.status_code == 404


def test_bid_with_a_nul_byte_in_its_code_is_refused_as_unknown(client, reviewer):
    workshop = WorkshopFactory()
    ReviewerApplicationFactory(workshop=workshop, user=reviewer, state="approved")
    client.force_login(reviewer)

    response = client.post(
        reverse("assignment:bid_list", args=[workshop.code]),
        {"bid-a\x00b": "eager"},
        headers={"accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == ["This submission is not open for bids."]
    assert not Bid.objects.exists()


def test_removing_a_file_named_with_a_nul_byte_removes_nothing(client, evaluator, organisation):
    draft = CompleteSubmissionFactory(organisation=organisation, contact=evaluator)
    client.force_login(evaluator)

    response = client.post(
        reverse("submissions:edit", args=[draft.code]),
        {**_form_data(draft), "remove_file": "a\x00b"},
    )

    assert response.status_code == 302
    assert draft.files.filter(detached_at__isnull=True).count() == 1
