import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from reviews.models import ReviewerTie
from reviews.selectors import ties_of_user
from reviews.services import tie_add, tie_end
from submissions.models import Provider
from tests.factories import OrganisationFactory
from tests.factories.reviews import ReviewerTieFactory

pytestmark = pytest.mark.django_db


def test_add_tie_to_an_organisation(client, outsider):
    organisation = OrganisationFactory(name="Frontier Lab")
    client.force_login(outsider)

    response = client.post(
        reverse("reviews:tie_list"),
        {"organisation": organisation.code, "tie_type": "employment", "note": "Until 2025"},
    )

    assert response.status_code == 302
    tie = ReviewerTie.objects.get(user=outsider)
    assert tie.organisation == organisation
    assert tie.provider is None
    assert tie.tie_type == ReviewerTie.TieType.EMPLOYMENT
    assert tie.note == "Until 2025"
    assert tie.ended_at is None


def test_add_tie_to_a_provider(client, outsider):
    provider = Provider.objects.get(name="Mistral AI")
    client.force_login(outsider)

    response = client.post(
        reverse("reviews:tie_list"), {"provider": provider.pk, "tie_type": "funding"}
    )

    assert response.status_code == 302
    tie = ReviewerTie.objects.get(user=outsider)
    assert (tie.provider, tie.organisation, tie.tie_type) == (provider, None, "funding")


@pytest.mark.parametrize("both", [True, False])
def test_add_tie_needs_exactly_one_counterpart(client, outsider, both):
    organisation = OrganisationFactory()
    provider = Provider.objects.get(name="OpenAI")
    data = {"tie_type": "contract"}
    if both:
        data.update(organisation=organisation.code, provider=provider.pk)
    client.force_login(outsider)

    response = client.post(reverse("reviews:tie_list"), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["__all__"]
    assert ReviewerTie.objects.count() == 0


def test_add_same_current_tie_twice_is_refused(client, outsider):
    tie = ReviewerTieFactory(user=outsider)
    client.force_login(outsider)
    response = client.post(
        reverse("reviews:tie_list"),
        {"organisation": tie.organisation.code, "tie_type": tie.tie_type},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["You have already declared this tie."]
    assert ReviewerTie.objects.count() == 1


def test_end_tie_keeps_the_row(client, outsider):
    tie = ReviewerTieFactory(user=outsider)
    client.force_login(outsider)

    response = client.post(reverse("reviews:tie_end", args=[tie.code]))

    assert response.status_code == 302
    tie.refresh_from_db()
    assert tie.ended_at is not None
    assert list(ties_of_user(user=outsider)) == []
    assert list(ties_of_user(user=outsider, active_only=False)) == [tie]
    page = client.get(reverse("reviews:tie_list"))
    assert page.context["current_ties"] == []
    assert page.context["ended_ties"] == [tie]


def test_ended_tie_can_be_declared_again(outsider):
    tie = ReviewerTieFactory(user=outsider)
    tie_end(tie=tie)
    again = tie_add(user=outsider, organisation=tie.organisation, tie_type=tie.tie_type)
    assert list(ties_of_user(user=outsider)) == [again]


def test_end_tie_twice_is_refused(outsider):
    tie = ReviewerTieFactory(user=outsider)
    tie_end(tie=tie)
    with pytest.raises(ValidationError):
        tie_end(tie=tie)


def test_ending_an_ended_tie_through_the_page_is_forbidden(client, outsider):
    tie = ReviewerTieFactory(user=outsider)
    tie_end(tie=tie)
    client.force_login(outsider)
    assert client.post(reverse("reviews:tie_end", args=[tie.code])).status_code == 403


def test_someone_elses_tie_is_404(client, outsider, evaluator, staff):
    tie = ReviewerTieFactory(user=evaluator)
    for person in (outsider, staff):
        client.force_login(person)
        assert client.post(reverse("reviews:tie_end", args=[tie.code])).status_code == 404
    tie.refresh_from_db()
    assert tie.ended_at is None


def test_end_tie_anonymous_goes_to_login(client, outsider):
    tie = ReviewerTieFactory(user=outsider)
    response = client.post(reverse("reviews:tie_end", args=[tie.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_tie_list_shows_only_own_ties(client, outsider, evaluator):
    own = ReviewerTieFactory(user=outsider)
    ReviewerTieFactory(user=evaluator)
    client.force_login(outsider)
    response = client.get(reverse("reviews:tie_list"))
    assert response.context["current_ties"] == [own]


def test_tie_needs_exactly_one_counterpart_in_the_database(outsider):
    with pytest.raises(IntegrityError):
        ReviewerTie.objects.create(user=outsider, tie_type="equity")


def test_ties_of_user_newest_first(outsider):
    first = ReviewerTieFactory(user=outsider)
    second = ReviewerTieFactory(user=outsider)
    assert list(ties_of_user(user=outsider)) == [second, first]
