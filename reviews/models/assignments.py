from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


class ConflictRecord(models.Model):
    """Staff's word on a reviewer-submission pair, kept as an audit trail.

    Computed conflicts (membership of the submitting organisation, declared ties to it or
    to the model's provider) are derived on the fly by reviews.selectors.conflicts; staff
    add a conflict the rules cannot see (RECORDED) or dismiss a computed one (DISMISSED),
    always with a reason. Rows are never deleted: a decision is reversed by setting
    `revoked_at`.
    """

    class Action(models.TextChoices):
        RECORDED = "recorded", _("Conflict recorded by staff")
        DISMISSED = "dismissed", _("Computed conflict dismissed by staff")
        BID = "bid", _("Declared by the reviewer")

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_records"
    )
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="conflict_records"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["submission", "reviewer"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.reviewer} / {self.submission}"


class Assignment(models.Model):
    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Assigned by staff")
        AUTOMATIC = "automatic", _("Automatic assignment")
        # A review written on the call's earlier platform (OpenReview), imported with its
        # placeholder reviewer: see imports.sources.openreview.
        IMPORTED = "imported", _("Imported")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="assignments"
    )
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ASSIGNED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # Staff can extend the review deadline for one reviewer; otherwise the workshop's applies.
    deadline_override = models.DateTimeField(_("extended deadline"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"], name="unique_assignment_pair"
            )
        ]
        indexes = [
            models.Index(fields=["workshop", "state"]),
            models.Index(fields=["reviewer", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} -> {self.submission}"

    @property
    def deadline(self):
        return self.deadline_override or self.workshop.review_deadline


class ReminderLog(models.Model):
    """One row per reminder sent: the unique key makes a second send for the same deadline
    impossible, whichever worker or beat run tries it."""

    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before", _("Before the deadline")
        LATE = "late", _("Late")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    deadline = models.DateTimeField()
    days_before = models.SmallIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "deadline", "days_before"],
                name="unique_reminder_per_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for {self.assignment}"


class ReviewerRating(models.Model):
    """Staff's rating of a reviewer's work, used to pick reviewers to invite."""

    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="reviewer_ratings"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    note = models.TextField(_("note"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "reviewer"], name="unique_rating"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.rating}"
