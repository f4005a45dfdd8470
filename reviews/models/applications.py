from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code
from portal.languages import EU_LANGUAGES
from portal.models.fields import HttpsURLField

STATEMENT_MAX_LENGTH = 5000
MAX_REVIEWS_LIMIT = 50


def _cv_storage_name(instance: "ReviewerApplication", filename: str) -> str:
    # Random names outside any public URL; the original name is kept in the row only.
    return f"reviewer-cvs/{instance.code}/{new_code(24)}.bin"


class ReviewerApplication(models.Model):
    """A person's application to review the evaluations submitted to one workshop."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.PROTECT, related_name="reviewer_applications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_applications"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    statement = models.TextField(
        _("statement of expertise"),
        max_length=STATEMENT_MAX_LENGTH,
        help_text=_(
            "Your experience with evaluations of general-purpose AI models: methods, risk "
            "areas, publications."
        ),
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        help_text=_("Your employer or institution, or “independent”."),
    )
    cv_link = HttpsURLField(
        _("link to your CV"),
        max_length=500,
        blank=True,
        help_text=_("For example your page on your institution's website or ORCID."),
    )
    cv_file = models.FileField(_("CV"), upload_to=_cv_storage_name, max_length=300, blank=True)
    cv_original_name = models.CharField(max_length=255, blank=True)
    cv_size = models.BigIntegerField(null=True, blank=True)
    cv_sha256 = models.CharField(max_length=64, blank=True)
    languages = models.JSONField(
        _("review languages"),
        default=list,
        blank=True,
        help_text=_("Codes of the EU official languages the reviewer can review in."),
    )
    max_reviews = models.PositiveSmallIntegerField(
        _("maximum number of reviews"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REVIEWS_LIMIT)],
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # "AI Office only" submissions are never shown to reviewers unless staff cleared them.
    cleared_for_confidential = models.BooleanField(
        _("cleared for “AI Office only” submissions"), default=False
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reviewer application")
        verbose_name_plural = _("reviewer applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="unique_reviewer_application"
            ),
            models.CheckConstraint(
                condition=Q(max_reviews__gte=1, max_reviews__lte=MAX_REVIEWS_LIMIT),
                name="reviewer_application_max_reviews_range",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "approved", "declined", "withdrawn"]),
                name="reviewer_application_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "state"]),
            # The admin's list, newest first (its ordering and the pk after it): without it
            # every application is joined and sorted for the first page.
            models.Index(fields=["-created_at", "-id"], name="reviewer_application_newest"),
            # The staff list pages through a call's applications newest first, all of them or
            # one state's: without these, PostgreSQL sorted all 5,000 to show 25.
            models.Index(fields=["workshop", "-created_at", "id"], name="application_newest"),
            models.Index(
                fields=["workshop", "state", "-created_at", "id"], name="application_state_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.workshop}"

    def get_languages_display(self) -> list[str]:
        names = dict(EU_LANGUAGES)
        return [names.get(code, code) for code in self.languages]


class ReviewerExpertise(models.Model):
    """How well an applicant knows one risk area or one evaluation method."""

    class Level(models.IntegerChoices):
        WORKING = 1, _("Working knowledge")
        EXPERIENCED = 2, _("Experienced practitioner")
        LEADING = 3, _("Leading expert")

    application = models.ForeignKey(
        ReviewerApplication, on_delete=models.CASCADE, related_name="expertise"
    )
    risk_area = models.ForeignKey(
        "submissions.RiskArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.ForeignKey(
        "submissions.Method",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)

    class Meta:
        verbose_name = _("reviewer expertise")
        verbose_name_plural = _("reviewer expertise")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(risk_area__isnull=False, method__isnull=True)
                    | Q(risk_area__isnull=True, method__isnull=False)
                ),
                name="reviewer_expertise_area_xor_method",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="reviewer_expertise_level_range"
            ),
            models.UniqueConstraint(
                fields=["application", "risk_area"],
                condition=Q(risk_area__isnull=False),
                name="unique_reviewer_expertise_risk_area",
            ),
            models.UniqueConstraint(
                fields=["application", "method"],
                condition=Q(method__isnull=False),
                name="unique_reviewer_expertise_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk_area or self.method}: {self.get_level_display()}"


class ReviewerTie(models.Model):
    """A tie between a person and an organisation or a model provider.

    Ties belong to the person, not to one application, and feed the conflict-of-interest
    checks of every workshop they review for. A tie that ended is kept, with `ended_at`, so
    that a past decision can be explained later.
    """

    class TieType(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        FUNDING = "funding", _("Funding")
        CONTRACT = "contract", _("Contract")
        EQUITY = "equity", _("Equity")
        CO_AUTHORSHIP = "co_authorship", _("Co-authorship")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_ties"
    )
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewer_ties",
        verbose_name=_("organisation"),
    )
    provider = models.ForeignKey(
        "submissions.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewer_ties",
        verbose_name=_("model provider"),
    )
    tie_type = models.CharField(_("type of tie"), max_length=16, choices=TieType.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, provider__isnull=True)
                    | Q(organisation__isnull=True, provider__isnull=False)
                ),
                name="reviewer_tie_organisation_xor_provider",
            ),
            # One current tie of a kind per counterpart; an ended one may be declared again.
            models.UniqueConstraint(
                fields=["user", "organisation", "tie_type"],
                condition=Q(ended_at__isnull=True, organisation__isnull=False),
                name="unique_current_tie_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "provider", "tie_type"],
                condition=Q(ended_at__isnull=True, provider__isnull=False),
                name="unique_current_tie_provider",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_tie_type_display()} ({self.counterpart})"

    @property
    def counterpart(self):
        return self.organisation or self.provider

    @property
    def is_current(self) -> bool:
        return self.ended_at is None
