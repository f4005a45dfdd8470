"""The shared mechanisms every app uses: stale-edit refusal, service errors on forms, the
workshop lookup."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.test import RequestFactory

from portal import lookups
from portal.concurrency import StaleEditError, check_revision, lock_for_edit
from portal.forms import add_service_errors
from portal.models import Workshop
from reviews.models import Review
from tests.factories import ReviewFactory, WorkshopFactory


def test_check_revision_refuses_another_revision_and_says_which():
    check_revision(expected=3, current=3)
    with pytest.raises(StaleEditError) as caught:
        check_revision(expected=3, current=4, current_value="their text")
    assert caught.value.current == 4
    assert caught.value.current_value == "their text"


@pytest.mark.django_db
def test_lock_for_edit_returns_the_row_at_its_revision_and_refuses_a_stale_one():
    review = ReviewFactory()
    with transaction.atomic():
        assert lock_for_edit(Review.objects, pk=review.pk, revision=review.revision) == review
        with pytest.raises(StaleEditError):
            lock_for_edit(Review.objects, pk=review.pk, revision=review.revision - 1)


class _Form(forms.Form):
    title = forms.CharField()


def test_add_service_errors_puts_messages_on_their_fields_or_on_top():
    form = _Form(data={"title": "x"})
    form.is_valid()
    elsewhere: list[str] = []
    error = ValidationError(
        {"title": ["Too short."], "deadline": ["Past."], "levels": ["Five levels."]}
    )
    add_service_errors(form, error, divert={"levels": elsewhere})
    assert form.errors["title"] == ["Too short."]
    assert form.non_field_errors() == ["Past."]
    assert elsewhere == ["Five levels."]

    plain = _Form(data={"title": "x"})
    plain.is_valid()
    add_service_errors(plain, ValidationError("The call is closed."))
    assert plain.non_field_errors() == ["The call is closed."]


@pytest.mark.django_db
def test_workshop_lookup_hides_draft_workshops_from_non_staff(outsider, staff):
    draft = WorkshopFactory(phase_override=Workshop.Phase.DRAFT)
    request = RequestFactory().get("/")
    request.user = outsider
    with pytest.raises(Http404):
        lookups.workshop(request, workshop_code=draft.code)
    request.user = staff
    assert lookups.workshop(request, workshop_code=draft.code) == draft
