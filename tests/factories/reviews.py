import factory

from reviews.models import ReviewerApplication, ReviewerExpertise, ReviewerTie
from submissions.models import RiskArea

from .core import OrganisationFactory, UserFactory, WorkshopFactory


class ReviewerApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerApplication

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)
    statement = "Ten years of red-teaming language models for CBRN uplift."
    affiliation = "Independent"
    cv_link = "https://example.org/cv"
    languages = factory.LazyFunction(lambda: ["en"])
    max_reviews = 5


class ReviewerExpertiseFactory(factory.django.DjangoModelFactory):
    """A risk-area row by default; pass `risk_area=None, method=...` for a method."""

    class Meta:
        model = ReviewerExpertise

    application = factory.SubFactory(ReviewerApplicationFactory)
    risk_area = factory.LazyFunction(lambda: RiskArea.objects.get(code="cbrn"))
    method = None
    level = ReviewerExpertise.Level.EXPERIENCED


class ReviewerTieFactory(factory.django.DjangoModelFactory):
    """A tie to an organisation by default; pass `organisation=None, provider=...`."""

    class Meta:
        model = ReviewerTie

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    provider = None
    tie_type = ReviewerTie.TieType.EMPLOYMENT
