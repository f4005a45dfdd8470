"""The Django admin's pages that the portal configures."""

import pytest
from django.urls import reverse

from portal.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_outgoing_email_cannot_be_added_in_the_admin(client, superuser):
    """Every field of an outbox row is read-only in the admin, so its add form saved an
    empty row and answered 500; the outbox is written by the mail service alone."""
    client.force_login(superuser)

    page = client.get(reverse("admin:portal_outgoingemail_add"))
    post = client.post(reverse("admin:portal_outgoingemail_add"), {})

    assert (page.status_code, post.status_code) == (403, 403)
    assert OutgoingEmail.objects.count() == 0
