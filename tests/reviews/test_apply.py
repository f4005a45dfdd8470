from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import Workshop
from reviews.models import ReviewerApplication, ReviewerExpertise
from tests.factories import WorkshopFactory, make_pdf

pytestmark = pytest.mark.django_db

STATEMENT = "I led the cyber-offence evaluations of three frontier models."


def apply_url(workshop) -> str:
    return reverse("reviews:application_apply", args=[workshop.code])


def form_data(**overrides) -> dict:
    data = {
        "statement": STATEMENT,
        "affiliation": "Institute for Model Safety",
        "cv_link": "https://example.org/~ada/cv",
        "languages": ["fr", "en"],
        "max_reviews": "4",
        "area_cbrn": "3",
        "area_cyber_offence": "1",
        "method_red_teaming": "2",
    }
    data.update(overrides)
    return data


def test_apply_happy_path_stores_application_and_expertise(client, applicant, workshop):
    client.force_login(applicant)
    cv = SimpleUploadedFile("Ada CV.pdf", make_pdf(), content_type="application/pdf")

    response = client.post(apply_url(workshop), form_data(cv_upload=cv))

    application = ReviewerApplication.objects.get(workshop=workshop, user=applicant)
    assert response.status_code == 302
    assert response.url == reverse("reviews:application_detail", args=[application.code])
    assert application.state == ReviewerApplication.State.PENDING
    assert application.statement == STATEMENT
    assert application.languages == ["en", "fr"]
    assert application.max_reviews == 4
    assert application.cv_original_name == "Ada CV.pdf"
    assert application.cv_size == len(make_pdf())
    assert len(application.cv_sha256) == 64
    assert application.cv_file.name.startswith(f"reviewer-cvs/{application.code}/")
    assert "Ada" not in application.cv_file.name
    rows = {
        (row.risk_area.code if row.risk_area else row.method.code, row.level)
        for row in ReviewerExpertise.objects.filter(application=application).select_related(
            "risk_area", "method"
        )
    }
    assert rows == {("cbrn", 3), ("cyber_offence", 1), ("red_teaming", 2)}


def test_apply_with_link_only_needs_no_upload(client, applicant, workshop):
    client.force_login(applicant)
    response = client.post(apply_url(workshop), form_data())
    assert response.status_code == 302
    application = ReviewerApplication.objects.get(user=applicant)
    assert application.cv_file.name in ("", None)
    assert application.cv_link == "https://example.org/~ada/cv"


def test_apply_refused_cv_keeps_the_rest_of_the_form(client, applicant, workshop):
    client.force_login(applicant)
    fake = SimpleUploadedFile("cv.pdf", b"this is not a PDF at all", content_type="application/pdf")

    response = client.post(apply_url(workshop), form_data(cv_upload=fake))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["cv_upload"]
    assert "cv.pdf" in form.errors["cv_upload"][0]
    content = response.content.decode()
    assert STATEMENT in content
    assert 'value="Institute for Model Safety"' in content
    assert form["area_cbrn"].value() == "3"
    assert form["languages"].value() == ["fr", "en"]
    assert ReviewerApplication.objects.count() == 0


def test_apply_refused_extension_is_explained(client, applicant, workshop):
    client.force_login(applicant)
    exe = SimpleUploadedFile("cv.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(apply_url(workshop), form_data(cv_upload=exe))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["cv_upload"]
    assert ReviewerApplication.objects.count() == 0


def test_apply_other_field_error_asks_to_choose_the_pdf_again(client, applicant, workshop):
    client.force_login(applicant)
    cv = SimpleUploadedFile("cv.pdf", make_pdf(), content_type="application/pdf")
    response = client.post(apply_url(workshop), form_data(cv_upload=cv, affiliation=""))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["affiliation"]
    assert response.context["reselect_cv"] is True


def test_apply_without_any_cv_is_refused(client, applicant, workshop):
    client.force_login(applicant)
    response = client.post(apply_url(workshop), form_data(cv_link=""))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["cv_link"]
    assert ReviewerApplication.objects.count() == 0


def test_apply_without_any_expertise_is_refused(client, applicant, workshop):
    client.force_login(applicant)
    data = form_data(area_cbrn="", area_cyber_offence="", method_red_teaming="")
    response = client.post(apply_url(workshop), data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["__all__"]
    assert ReviewerApplication.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_reviews", "0"), ("max_reviews", "51"), ("area_cbrn", "4"), ("languages", ["xx"])],
)
def test_apply_out_of_range_values_are_refused(client, applicant, workshop, field, value):
    client.force_login(applicant)
    response = client.post(apply_url(workshop), form_data(**{field: value}))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert ReviewerApplication.objects.count() == 0


def test_apply_statement_length_is_bounded(client, applicant, workshop):
    client.force_login(applicant)
    response = client.post(apply_url(workshop), form_data(statement="x" * 5001))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["statement"]


def test_apply_twice_redirects_to_the_existing_application(client, application):
    client.force_login(application.user)
    response = client.post(apply_url(application.workshop), form_data())
    assert response.status_code == 302
    assert response.url == reverse("reviews:application_detail", args=[application.code])
    assert ReviewerApplication.objects.count() == 1


def test_apply_again_after_withdrawal_reopens_the_application(client, application):
    application.state = ReviewerApplication.State.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save()
    client.force_login(application.user)

    response = client.get(apply_url(application.workshop))
    assert response.status_code == 200
    assert response.context["form"]["statement"].value() == application.statement

    response = client.post(apply_url(application.workshop), form_data())
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ReviewerApplication.State.PENDING
    assert application.withdrawn_at is None
    assert ReviewerApplication.objects.count() == 1


def test_apply_refused_once_the_summary_is_published(client, applicant):
    workshop = WorkshopFactory(phase_override=Workshop.Phase.SUMMARY_PUBLISHED)
    client.force_login(applicant)
    assert client.get(apply_url(workshop)).status_code == 403
    assert client.post(apply_url(workshop), form_data()).status_code == 403
    assert ReviewerApplication.objects.count() == 0


def test_apply_to_a_draft_call_is_404_for_everyone_but_staff(client, applicant, staff):
    draft = WorkshopFactory(submission_opens_at=timezone.now() + timedelta(days=3))
    client.force_login(applicant)
    assert client.get(apply_url(draft)).status_code == 404
    client.force_login(staff)
    # Staff can see the draft but nobody can apply to it yet.
    assert client.get(apply_url(draft)).status_code == 403


def test_apply_is_allowed_while_reviewing(client, applicant):
    workshop = WorkshopFactory(phase_override=Workshop.Phase.REVIEWING)
    client.force_login(applicant)
    assert client.get(apply_url(workshop)).status_code == 200


def test_apply_page_renders_grid_with_legends(client, applicant, workshop):
    client.force_login(applicant)
    response = client.get(apply_url(workshop))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<legend" in content
    assert 'name="area_cbrn"' in content
    assert 'name="method_red_teaming"' in content
    assert 'enctype="multipart/form-data"' in content
    assert "style=" not in content
    assert "<script>" not in content
