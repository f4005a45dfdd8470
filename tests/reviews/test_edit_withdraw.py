import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import ReviewerApplication
from tests.factories import make_pdf
from tests.factories.reviews import ReviewerExpertiseFactory

pytestmark = pytest.mark.django_db

State = ReviewerApplication.State


def edit_data(**overrides) -> dict:
    data = {
        "statement": "Updated statement.",
        "affiliation": "New Lab",
        "cv_link": "https://example.org/new-cv",
        "languages": ["de"],
        "max_reviews": "7",
        "method_benchmark": "1",
    }
    data.update(overrides)
    return data


def test_edit_pending_application_replaces_fields_and_expertise(client, application):
    ReviewerExpertiseFactory(application=application, level=3)
    client.force_login(application.user)
    url = reverse("reviews:application_edit", args=[application.code])

    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"]["area_cbrn"].value() == "3"

    response = client.post(url, edit_data())
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.statement == "Updated statement."
    assert application.affiliation == "New Lab"
    assert application.languages == ["de"]
    assert application.max_reviews == 7
    assert [(row.method.code, row.level) for row in application.expertise.all()] == [
        ("benchmark", 1)
    ]


def test_edit_replacing_the_cv_deletes_the_old_file(
    client, application, django_capture_on_commit_callbacks
):
    client.force_login(application.user)
    url = reverse("reviews:application_edit", args=[application.code])
    first = SimpleUploadedFile("one.pdf", make_pdf(), content_type="application/pdf")
    client.post(url, edit_data(cv_upload=first))
    application.refresh_from_db()
    old_name = application.cv_file.name
    storage = application.cv_file.storage
    assert storage.exists(old_name)

    second = SimpleUploadedFile("two.pdf", make_pdf(pages=2), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, edit_data(cv_upload=second))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.cv_original_name == "two.pdf"
    assert application.cv_file.name != old_name
    assert not storage.exists(old_name)
    assert storage.exists(application.cv_file.name)


def test_edit_remove_cv_file_needs_a_link(client, application):
    application.cv_file.save("cv.pdf", SimpleUploadedFile("cv.pdf", make_pdf()), save=True)
    client.force_login(application.user)
    url = reverse("reviews:application_edit", args=[application.code])

    response = client.post(url, edit_data(cv_link="", remove_cv_file="on"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["cv_link"]

    response = client.post(url, edit_data(remove_cv_file="on"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert not application.cv_file


@pytest.mark.parametrize("state", [State.APPROVED, State.DECLINED, State.WITHDRAWN])
def test_edit_after_decision_or_withdrawal_is_forbidden(client, application, state):
    application.state = state
    application.save()
    client.force_login(application.user)
    url = reverse("reviews:application_edit", args=[application.code])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data()).status_code == 403
    application.refresh_from_db()
    assert application.statement != "Updated statement."


def test_availability_can_change_after_approval(client, application):
    application.state = State.APPROVED
    application.save()
    client.force_login(application.user)
    url = reverse("reviews:application_availability", args=[application.code])

    response = client.post(url, {"languages": ["en", "pl"], "max_reviews": "12"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.languages == ["en", "pl"]
    assert application.max_reviews == 12
    assert application.state == State.APPROVED


def test_availability_refuses_out_of_range(client, application):
    client.force_login(application.user)
    url = reverse("reviews:application_availability", args=[application.code])
    response = client.post(url, {"languages": ["en"], "max_reviews": "51"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["max_reviews"]


@pytest.mark.parametrize("state", [State.DECLINED, State.WITHDRAWN])
def test_availability_closed_after_decline_or_withdrawal(client, application, state):
    application.state = state
    application.save()
    client.force_login(application.user)
    url = reverse("reviews:application_availability", args=[application.code])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("state", [State.PENDING, State.APPROVED])
def test_withdraw(client, application, state):
    application.state = state
    application.save()
    client.force_login(application.user)

    response = client.post(reverse("reviews:application_withdraw", args=[application.code]))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.withdrawn_at is not None


@pytest.mark.parametrize("state", [State.DECLINED, State.WITHDRAWN])
def test_withdraw_refused_when_declined_or_already_withdrawn(client, application, state):
    application.state = state
    application.save()
    client.force_login(application.user)
    response = client.post(reverse("reviews:application_withdraw", args=[application.code]))
    assert response.status_code == 403


def test_withdraw_needs_post(client, application):
    client.force_login(application.user)
    response = client.get(reverse("reviews:application_withdraw", args=[application.code]))
    assert response.status_code == 405


def test_applicant_sees_own_status(client, application):
    client.force_login(application.user)
    response = client.get(reverse("reviews:application_detail", args=[application.code]))
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert response.context["can_decide"] is False
    assert "Pending" in response.content.decode()


def test_withdrawn_application_offers_to_apply_again(client, application):
    application.state = State.WITHDRAWN
    application.save()
    client.force_login(application.user)
    response = client.get(reverse("reviews:application_detail", args=[application.code]))
    assert response.context["can_apply_again"] is True
    assert response.context["can_withdraw"] is False
    apply_url = reverse("reviews:application_apply", args=[application.workshop.code])
    assert apply_url in response.content.decode()
