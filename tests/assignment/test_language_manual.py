"""Assigning by hand stays possible whatever the reviewer's languages, but the staff page
of a submission's reviewers warns when the reviewer does not review in the documents'
language."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reviews.models import Assignment
from tests.factories import (
    CompleteSubmissionFactory,
    ReviewerApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WARNING = "Does not review in Polish"


def page_url(submission) -> str:
    return reverse("reviews:staff_submission_reviewers", args=[submission.code])


def approve(workshop, name, languages):
    user = UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org")
    return ReviewerApplicationFactory(
        workshop=workshop, user=user, state="approved", languages=languages
    )


@pytest.fixture
def polish(workshop):
    return CompleteSubmissionFactory(
        workshop=workshop, state="eligible", title="Ocena po polsku", language="pl"
    )


def test_the_search_marks_reviewers_who_do_not_read_the_documents_language(
    client, staff, polish, workshop
):
    approve(workshop, "Piotr Reader", ["en", "pl"])
    approve(workshop, "Paula English", [])
    client.force_login(staff)

    response = client.get(page_url(polish), {"q": "p"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The documents of this evaluation are in Polish." in page
    assert page.count("No: does not review in Polish") == 1
    candidates = {str(r): r.reads_language for r in response.context["candidates"]}
    assert candidates == {"Paula English": False, "Piotr Reader": True}
    labels = dict(response.context["assign_form"].fields["reviewer"].choices)
    paula = next(label for label in labels.values() if "Paula" in str(label))
    piotr = next(label for label in labels.values() if "Piotr" in str(label))
    assert "does not review in Polish" in paula
    assert "does not review in Polish" not in piotr


def test_assigning_a_reviewer_without_the_language_works_and_warns(
    client, staff, polish, workshop, django_capture_on_commit_callbacks
):
    paula = approve(workshop, "Paula English", ["en"])
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:staff_assignment_add", args=[polish.code]), {"reviewer": paula.code}
        )

    assert response.status_code == 302
    assert Assignment.objects.get().reviewer == paula.user
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        "Paula English does not review in Polish, the language of this evaluation's documents."
        in texts
    )
    page = client.get(page_url(polish)).content.decode()
    assert page.count(WARNING) == 1


def test_a_reader_is_assigned_without_a_warning(client, staff, polish, workshop):
    piotr = approve(workshop, "Piotr Reader", ["pl"])
    client.force_login(staff)

    response = client.post(
        reverse("reviews:staff_assignment_add", args=[polish.code]), {"reviewer": piotr.code}
    )

    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Piotr Reader was assigned and told by email."]
    assert WARNING not in client.get(page_url(polish)).content.decode()


def test_an_english_evaluation_warns_about_nobody(client, staff, workshop):
    english = CompleteSubmissionFactory(workshop=workshop, state="eligible", language="en")
    approve(workshop, "Paula Polish", ["pl"])
    approve(workshop, "Pat Nothing", [])
    client.force_login(staff)

    page = client.get(page_url(english), {"q": "pa"}).content.decode()

    assert "does not review in" not in page
    assert "The documents of this evaluation are in" not in page
