"""The Django admin's pages that the portal configures."""

import pytest
from django.urls import reverse

from portal.models import OutgoingEmail

pytestmark = pytest.mark.django_db

# Deleting a workshop: session, user, MFA, the workshop, its submissions counted.
QUERIES_WORKSHOP_DELETE_REFUSED = 5
# Without submissions: the same four, the count, then one query per kind of related object
# (the collector), whatever their number.
QUERIES_WORKSHOP_DELETE_COUNTS = 27


def test_outgoing_email_cannot_be_added_in_the_admin(client, superuser):
    """Every field of an outbox row is read-only in the admin, so its add form saved an
    empty row and answered 500; the outbox is written by the mail service alone."""
    client.force_login(superuser)

    page = client.get(reverse("admin:portal_outgoingemail_add"))
    post = client.post(reverse("admin:portal_outgoingemail_add"), {})

    assert (page.status_code, post.status_code) == (403, 403)
    assert OutgoingEmail.objects.count() == 0


# --- deleting a workshop -------------------------------------------------------------------


def _delete_url(workshop) -> str:
    return reverse("admin:portal_workshop_delete", args=[workshop.pk])


@pytest.mark.parametrize("size", [3, 30])
def test_workshop_with_submissions_is_not_deleted_and_the_page_says_why(
    client, superuser, django_assert_num_queries, size
):
    """Django's page listed every protected submission, a query or more each (about 4,000
    queries for a call of 10,000); it now counts them in one query and refuses."""
    from portal.models import Workshop  # noqa: PLC0415 -- test-local
    from tests.factories import SubmissionFactory, WorkshopFactory  # noqa: PLC0415 -- test-local

    workshop = WorkshopFactory(title="Brussels 2027")
    SubmissionFactory.create_batch(size, workshop=workshop, state="eligible")
    client.force_login(superuser)

    with django_assert_num_queries(QUERIES_WORKSHOP_DELETE_REFUSED):
        page = client.get(_delete_url(workshop))
    refused = client.post(_delete_url(workshop), {"post": "yes"})

    content = page.content.decode()
    assert page.status_code == 200
    assert f"“Brussels 2027” has {size} submissions." in content
    assert "would destroy the submitters' and evaluators' work" in content.replace("&#x27;", "'")
    assert "Yes, I’m sure" not in content
    assert refused.status_code == 200
    assert Workshop.objects.filter(pk=workshop.pk).exists()


@pytest.mark.parametrize("size", [3, 30])
def test_workshop_with_protected_objects_shows_their_counts(
    client, superuser, django_assert_num_queries, size
):
    """Reviewer applications protect their workshop too: counted per kind, not listed."""
    from portal.models import Workshop  # noqa: PLC0415 -- test-local
    from tests.factories import (  # noqa: PLC0415 -- test-local
        ReviewerApplicationFactory,
        WorkshopFactory,
    )

    workshop = WorkshopFactory(title="Mistaken draft")
    ReviewerApplicationFactory.create_batch(size, workshop=workshop)
    client.force_login(superuser)

    with django_assert_num_queries(QUERIES_WORKSHOP_DELETE_COUNTS):
        page = client.get(_delete_url(workshop))

    content = page.content.decode()
    assert page.status_code == 200
    assert f"<li>Reviewer applications: {size}</li>" in content
    assert "Yes, I’m sure" not in content
    assert client.post(_delete_url(workshop), {"post": "yes"}).status_code == 200
    assert Workshop.objects.filter(pk=workshop.pk).exists()


def test_workshop_without_dependants_shows_counts_and_is_deleted(client, superuser):
    from portal.models import Workshop  # noqa: PLC0415 -- test-local
    from tests.factories import WorkshopFactory  # noqa: PLC0415 -- test-local

    workshop = WorkshopFactory(title="Mistaken draft")
    client.force_login(superuser)

    page = client.get(_delete_url(workshop))

    content = page.content.decode()
    assert page.status_code == 200
    assert "<li>Workshops: 1</li>" in content
    assert "Yes, I’m sure" in content
    assert client.post(_delete_url(workshop), {"post": "yes"}).status_code == 302
    assert not Workshop.objects.filter(pk=workshop.pk).exists()
