"""`make run`'s demo data: idempotent, and enough for every role's pages and the API."""

from io import StringIO

import pytest
from django.core.management import call_command

from expertise.models import Publication
from reviews.models import ReviewerApplication
from submissions.models import Submission

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_data_is_made_once_and_the_logins_printed_each_time():
    first = _seed()
    second = _seed()
    assert first == second
    assert "staff@demo.example.eu / demo-portal-2026" in first
    assert "reviewer2@demo.example.eu / demo-portal-2026" in first
    titles = dict(Submission.objects.values_list("title", "state"))
    assert titles == {
        "Biological uplift from a frontier model's protocol troubleshooting": "eligible",
        "Autonomous replication and adaptation: a task suite and its results": "eligible",
        "Capture-the-flag evaluation of cyber offence capabilities": "eligible",
        "Persuasion at scale: a randomised study of harmful manipulation": "submitted",
    }
    assert sorted(
        ReviewerApplication.objects.filter(state="approved").values_list("user__email", flat=True)
    ) == ["reviewer2@demo.example.eu", "reviewer3@demo.example.eu"]
    assert Submission.objects.get(title__startswith="Capture").organisation.name == (
        "Sentinel Evaluations BV"
    )
    # The approved reviewers have written something for matching to read, once.
    assert sorted(Publication.objects.values_list("user__email", "year")) == [
        ("reviewer2@demo.example.eu", 2024),
        ("reviewer2@demo.example.eu", 2025),
        ("reviewer3@demo.example.eu", 2025),
        ("reviewer3@demo.example.eu", 2026),
    ]
