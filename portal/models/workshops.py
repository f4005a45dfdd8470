import zoneinfo
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


class Workshop(models.Model):
    """A call for evaluations, its review period and the workshop it leads to."""

    class Phase(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for submissions")
        REVIEWING = "reviewing", _("Reviewing")
        WORKSHOP = "workshop", _("Workshop")
        SUMMARY_PUBLISHED = "summary_published", _("Summary published")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("Deadlines are checked in this time zone."),
    )
    event_date = models.DateField(_("event date"), null=True, blank=True)
    submission_opens_at = models.DateTimeField(_("submissions open"))
    submission_closes_at = models.DateTimeField(_("submissions close"))
    review_deadline = models.DateTimeField(_("review deadline"))
    anonymous_review = models.BooleanField(
        _("anonymous review"),
        default=True,
        help_text=_(
            "Reviewers do not see who submitted, and files reach them without PDF metadata."
        ),
    )

    class ReviewVisibility(models.TextChoices):
        NEVER = "never", _("Never")
        AFTER_OWN = "after_own", _("After submitting their own review")
        ALWAYS = "always", _("Always")

    review_visibility = models.CharField(
        _("reviewers see each other's reviews"),
        max_length=10,
        choices=ReviewVisibility.choices,
        default=ReviewVisibility.AFTER_OWN,
    )
    reviewer_names_visible = models.BooleanField(
        _("show reviewer names to other reviewers"),
        default=False,
        help_text=_("Otherwise reviewers appear as “Reviewer A”, “Reviewer B”, ..."),
    )
    justification_min_length = models.PositiveSmallIntegerField(
        _("minimum length of a justification"), default=20
    )
    reminder_days = models.CharField(
        _("reminders before the review deadline (days)"),
        max_length=40,
        default="7,2",
        help_text=_("Comma-separated, e.g. 7,2. Each reminder is sent once per deadline."),
    )
    reviews_released_at = models.DateTimeField(
        _("reviews released to submitters"), null=True, blank=True
    )
    summary_published_at = models.DateTimeField(_("summary published"), null=True, blank=True)
    phase_override = models.CharField(
        _("phase override"),
        max_length=20,
        choices=Phase.choices,
        blank=True,
        help_text=_("Leave empty to derive the phase from the dates."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What AI Office staff set on a workshop: the staff form's fields, and what the audit
    # log compares when one is saved.
    STAFF_FIELDS = (
        "title",
        "description",
        "venue",
        "event_date",
        "timezone",
        "submission_opens_at",
        "submission_closes_at",
        "review_deadline",
        "anonymous_review",
        "review_visibility",
        "reviewer_names_visible",
        "justification_min_length",
        "reminder_days",
        "phase_override",
    )

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-submission_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_closes_at__gt=F("submission_opens_at")),
                name="workshop_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(review_deadline__gte=F("submission_closes_at")),
                name="workshop_review_after_close",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def derived_phase(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.summary_published_at and self.summary_published_at <= now:
            return self.Phase.SUMMARY_PUBLISHED
        if now < self.submission_opens_at:
            return self.Phase.DRAFT
        if now < self.submission_closes_at:
            return self.Phase.OPEN
        if now < self.review_deadline:
            return self.Phase.REVIEWING
        return self.Phase.WORKSHOP

    def phase(self, now: datetime | None = None) -> str:
        return self.phase_override or self.derived_phase(now)

    @property
    def current_phase(self) -> str:
        return self.phase()

    def get_current_phase_display(self) -> str:
        return self.Phase(self.phase()).label

    @property
    def reminder_day_list(self) -> list[int]:
        days = []
        for part in self.reminder_days.split(","):
            part = part.strip()
            if part.isdigit():
                days.append(int(part))
        return sorted(set(days), reverse=True)

    def is_open_for_submissions(self, now: datetime | None = None) -> bool:
        return self.phase(now) == self.Phase.OPEN
