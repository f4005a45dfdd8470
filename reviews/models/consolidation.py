"""The consolidated assessment of one submission: a lead reviewer (or a staff member) drafts
one level, tag and synthesis per criterion from the individual reviews, circulates it to
the other reviewers, who agree or note their dissent, and staff finalise it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code
from reviews.models.reviewing import CriterionScore


class ConsolidatedAssessment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated to the reviewers")
        FINAL = "final", _("Final")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    submission = models.OneToOneField(
        "submissions.Submission", on_delete=models.CASCADE, related_name="consolidation"
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", on_delete=models.PROTECT, related_name="consolidations"
    )
    # A reviewer of the submission or a staff member; empty once their account is erased.
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consolidations_led",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # Optimistic locking: every save names the revision it edited.
    revision = models.PositiveIntegerField(default=1)
    circulated_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consolidations_finalised",
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["lead", "state"])]

    def __str__(self) -> str:
        return f"Consolidated assessment {self.code}"


class ConsolidatedScore(models.Model):
    Tag = CriterionScore.Tag  # the same three tags as an individual review

    assessment = models.ForeignKey(
        ConsolidatedAssessment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        "criteria.Criterion", on_delete=models.PROTECT, related_name="consolidated_scores"
    )
    level = models.SmallIntegerField(_("level"), null=True, blank=True)
    tag = models.CharField(_("tag"), max_length=8, choices=Tag.choices, blank=True)
    synthesis = models.TextField(_("synthesis"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="unique_consolidated_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} / {self.criterion_id}"


class Concurrence(models.Model):
    """A co-reviewer's answer to the circulated assessment: agreement, or a dissent note."""

    assessment = models.ForeignKey(
        ConsolidatedAssessment, on_delete=models.CASCADE, related_name="concurrences"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="concurrences"
    )
    agrees = models.BooleanField(_("I agree"), default=True)
    dissent_note = models.TextField(_("dissent note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "reviewer"], name="unique_concurrence")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.assessment}"
