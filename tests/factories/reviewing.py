"""Factories for criteria sets, assignments and reviews."""

import factory

from criteria.models import (
    CriteriaSet,
    Criterion,
    CriterionGroup,
    CriterionGroupTranslation,
    CriterionTranslation,
)
from reviews.models import Assignment, CriterionScore, Review

from .core import UserFactory, WorkshopFactory
from .submissions import CompleteSubmissionFactory

LEVELS = [
    {"level": 0, "descriptor": "Absent"},
    {"level": 1, "descriptor": "Weak"},
    {"level": 2, "descriptor": "Partial"},
    {"level": 3, "descriptor": "Meets the Code's expectation"},
    {"level": 4, "descriptor": "State of the art"},
]


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    """A small set: two groups, three criteria (one allows N/A)."""

    class Meta:
        model = CriteriaSet
        skip_postgeneration_save = True

    workshop = factory.SubFactory(WorkshopFactory)
    title = "Proportionality criteria"
    # Every workshop gets the default set as version 1 when it is created; a factory set is
    # the next version.
    version = factory.LazyAttribute(
        lambda o: (
            (
                CriteriaSet.objects.filter(workshop=o.workshop)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
                or 0
            )
            + 1
        )
    )

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        relevance = CriterionGroup.objects.create(
            criteria_set=self, code="A", title="Relevance", position=0
        )
        rigour = CriterionGroup.objects.create(
            criteria_set=self, code="B", title="Rigour", position=1
        )
        for position, (group, code, title, allow_na) in enumerate(
            [
                (relevance, "REL-1", "Systemic-risk relevance", False),
                (rigour, "VAL-1", "Internal validity", False),
                (rigour, "ELI-2", "Mitigation robustness", True),
            ]
        ):
            Criterion.objects.create(
                criteria_set=self,
                group=group,
                code=code,
                title=title,
                description=f"{title}: description.",
                guidance=f"{title}: guidance for reviewers.",
                levels=LEVELS,
                allow_na=allow_na,
                position=position,
            )


def translate_criterion(criterion: Criterion, *, language: str, title: str) -> None:
    """A current translation of `criterion` (and of its group, "<group code> (<language>)"):
    its level descriptors are "<title> — niveau N"."""
    CriterionTranslation.objects.update_or_create(
        criterion=criterion,
        language=language,
        defaults={
            "title": title,
            "description": f"{title}: description ({language}).",
            "guidance": f"{title}: guidance ({language}).",
            "levels": [
                {"level": item["level"], "descriptor": f"{title} — niveau {item['level']}"}
                for item in criterion.levels
            ],
            "source_digest": criterion.source_digest(),
        },
    )
    group = criterion.group
    CriterionGroupTranslation.objects.update_or_create(
        group=group,
        language=language,
        defaults={"title": f"{group.code} ({language})", "source_digest": group.source_digest()},
    )


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    submission = factory.SubFactory(CompleteSubmissionFactory, state="eligible")
    workshop = factory.SelfAttribute("submission.workshop")
    reviewer = factory.SubFactory(UserFactory)
    state = Assignment.State.ACCEPTED


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    assignment = factory.SubFactory(AssignmentFactory)
    criteria_set = factory.LazyAttribute(
        lambda o: (
            CriteriaSet.objects.filter(workshop=o.assignment.workshop).order_by("-version").first()
            or CriteriaSetFactory(workshop=o.assignment.workshop)
        )
    )


class CriterionScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriterionScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.LazyAttribute(lambda o: o.review.criteria_set.criteria.first())
    level = 3
    justification = "The evaluation reports confidence intervals and re-runs."
    tag = CriterionScore.Tag.ALIGNED
