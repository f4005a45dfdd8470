from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


class Review(models.Model):
    """One reviewer's assessment of one submission, against one criteria-set version."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    class Recommendation(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    assignment = models.OneToOneField(
        "reviews.Assignment", on_delete=models.CASCADE, related_name="review"
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # Optimistic locking: every save names the revision it edited.
    revision = models.PositiveIntegerField(default=1)
    summary = models.TextField(_("summary"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    main_gaps = models.TextField(_("main gaps"), blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)
    recommendation = models.CharField(
        _("invite the submitters to the workshop?"),
        max_length=5,
        choices=Recommendation.choices,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=5),
                name="review_confidence_1_to_5",
            )
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"Review {self.code}"


class CriterionScore(models.Model):
    class Tag(models.TextChoices):
        ALIGNED = "aligned", _("Aligned")
        GAP = "gap", _("Gap")
        REFINE = "refine", _("Criterion needs refinement")

    class YesNo(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    # The criterion row belongs to one set version: the score keeps the version it was
    # given under even after the set is edited.
    criterion = models.ForeignKey(
        "criteria.Criterion", on_delete=models.PROTECT, related_name="scores"
    )
    level = models.SmallIntegerField(_("level"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    na_reason = models.TextField(_("why not applicable"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    evidence = models.CharField(_("evidence (section or page)"), max_length=300, blank=True)
    tag = models.CharField(_("tag"), max_length=8, choices=Tag.choices, blank=True)
    feedback_clear = models.CharField(
        _("is the criterion clear?"), max_length=3, choices=YesNo.choices, blank=True
    )
    feedback_applicable = models.CharField(
        _("is it applicable to this evaluation?"), max_length=3, choices=YesNo.choices, blank=True
    )
    feedback_suggestion = models.TextField(_("suggested change to the criterion"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="unique_score"),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | Q(level__isnull=True),
                name="score_na_has_no_level",
            ),
        ]
        indexes = [models.Index(fields=["criterion", "level"])]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.level}"


class ReviewVersion(models.Model):
    """A submitted state of a review, frozen as JSON."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="unique_review_version")
        ]

    def __str__(self) -> str:
        return f"{self.review} v{self.number}"


class WorkshopInvitation(models.Model):
    """An invitation to the in-person workshop, answered through a signed link (RSVP)."""

    class Kind(models.TextChoices):
        SUBMITTER = "submitter", _("Submitter")
        REVIEWER = "reviewer", _("Reviewer")

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="event_invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_invitations"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.SET_NULL, null=True, blank=True
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.INVITED)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    dietary_needs = models.TextField(_("dietary requirements"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="unique_event_invitation")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workshop} ({self.state})"
