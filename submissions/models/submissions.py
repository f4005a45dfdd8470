from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code
from portal.languages import EU_LANGUAGES

from .taxonomy import Method, Provider, RiskArea


class Submission(models.Model):
    """An evaluation of a general-purpose AI model submitted to a workshop.

    The row is the working copy an organisation edits; every submit freezes it into a
    SubmissionVersion. Metadata follows shared/domain.md section 4.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ELIGIBLE = "eligible", _("Eligible")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class VersionType(models.TextChoices):
        WITH_MITIGATIONS = "with_mitigations", _("With mitigations (as deployed)")
        HELPFUL_ONLY = "helpful_only", _("Helpful-only")
        FINE_TUNED = "fine_tuned", _("Fine-tuned")

    class ReleaseChannel(models.TextChoices):
        API = "api", _("API")
        PRODUCT = "product", _("Product")
        OPEN_WEIGHTS = "open_weights", _("Open weights")

    class AccessLevel(models.TextChoices):
        # Access levels AL1-AL3 (shared/domain.md, [ACCESS]).
        BLACK_BOX = "black_box", _("AL1 black-box")
        GREY_BOX = "grey_box", _("AL2 grey-box")
        WHITE_BOX = "white_box", _("AL3 white-box or weights")

    class Stage(models.TextChoices):
        PRE_DEPLOYMENT = "pre_deployment", _("Pre-deployment")
        POST_MARKET = "post_market", _("Post-market")

    class Artefacts(models.TextChoices):
        PUBLIC = "public", _("Public")
        ON_REQUEST = "on_request", _("On request")
        AI_OFFICE_ONLY = "ai_office_only", _("AI Office only")
        NONE = "none", _("None")

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", _("Public")
        REVIEWERS = "reviewers", _("Reviewers and AI Office")
        AI_OFFICE_ONLY = "ai_office_only", _("AI Office only")

    class Consent(models.TextChoices):
        ATTRIBUTED = "attributed", _("May be cited with attribution")
        ANONYMISED = "anonymised", _("May be cited anonymised")
        NOT_CITED = "not_cited", _("Not to be cited")

    class ProviderTie(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        FUNDING = "funding", _("Funding")
        CONTRACT = "contract", _("Contract")
        EQUITY = "equity", _("Equity")
        NONE = "none", _("None")

    class IneligibleReason(models.TextChoices):
        NOT_RELEVANT = "not_relevant", _("Not relevant to systemic risk under the AI Act")
        INCOMPLETE = "incomplete", _("Incomplete")
        DUPLICATE = "duplicate", _("Duplicate")
        OTHER = "other", _("Other")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.PROTECT, related_name="submissions"
    )
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="submissions"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_submissions",
        verbose_name=_("contact person"),
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    # Optimistic locking: a save must name the revision it edited.
    revision = models.PositiveIntegerField(default=1)

    # Record
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separate with commas.")
    )
    language = models.CharField(
        _("language of the documents"), max_length=10, choices=EU_LANGUAGES, default="en"
    )

    # Model evaluated
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("model provider"),
    )
    model_name = models.CharField(_("model name"), max_length=200, blank=True)
    model_version = models.CharField(_("version or snapshot"), max_length=200, blank=True)
    model_version_date = models.DateField(_("version date"), null=True, blank=True)
    version_type = models.CharField(
        _("version type"), max_length=20, choices=VersionType.choices, blank=True
    )
    release_channel = models.CharField(
        _("release channel"), max_length=20, choices=ReleaseChannel.choices, blank=True
    )

    # Access
    access_level = models.CharField(
        _("access level"), max_length=12, choices=AccessLevel.choices, blank=True
    )
    access_logits = models.BooleanField(_("logits"), default=False)
    access_chain_of_thought = models.BooleanField(_("chain-of-thought"), default=False)
    access_fine_tuning = models.BooleanField(_("fine-tuning"), default=False)
    access_activations = models.BooleanField(_("activations"), default=False)

    # Risk scope and methods
    risk_areas = models.ManyToManyField(
        RiskArea, blank=True, related_name="submissions", verbose_name=_("risk areas")
    )
    threat_scenario = models.TextField(_("threat scenario"), blank=True)
    methods = models.ManyToManyField(
        Method, blank=True, related_name="submissions", verbose_name=_("methods")
    )
    methods_other = models.CharField(_("other methods"), max_length=300, blank=True)
    elicitation = models.TextField(_("elicitation"), blank=True)

    # Timing and results
    evaluation_start = models.DateField(_("evaluation start"), null=True, blank=True)
    evaluation_end = models.DateField(_("evaluation end"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    results_summary = models.TextField(_("results summary"), blank=True)

    # Disclosure
    artefacts = models.CharField(
        _("artefact availability"), max_length=16, choices=Artefacts.choices, blank=True
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.REVIEWERS,
    )
    info_hazard = models.BooleanField(_("contains hazardous information"), default=False)
    summary_consent = models.CharField(
        _("consent for the public summary"), max_length=12, choices=Consent.choices, blank=True
    )
    relevance_statement = models.TextField(_("relevance to systemic risk"), blank=True)
    provider_ties = models.JSONField(_("ties to the model provider"), default=list, blank=True)
    conflict_statement = models.TextField(_("conflict-of-interest details"), blank=True)

    # Lifecycle
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    extended_deadline = models.DateTimeField(_("extended deadline"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for extension"), max_length=300, blank=True)
    ineligible_reason = models.CharField(
        _("reason"), max_length=16, choices=IneligibleReason.choices, blank=True
    )
    screening_note = models.TextField(_("screening note"), blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["workshop", "state"]),
            models.Index(fields=["organisation", "state"]),
            # Staff lists page through a call's submissions in title order.
            models.Index(
                fields=["workshop", "state", "title", "id"], name="submission_title_order"
            ),
            # Lists across states (the aggregates page) page through them in title order.
            models.Index(fields=["workshop", "title", "id"], name="submission_ws_title_order"),
            # The staff list's default order (last changed first), with or without a state:
            # without these, PostgreSQL joined and sorted all 10,000 rows to show 50.
            models.Index(fields=["workshop", "-updated_at", "id"], name="submission_ws_updated"),
            models.Index(
                fields=["workshop", "state", "-updated_at", "id"], name="submission_state_updated"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def deadline(self):
        return self.extended_deadline or self.workshop.submission_closes_at

    @property
    def is_editable_state(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.SUBMITTED)


class Author(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self) -> str:
        return self.name


class SubmissionVersion(models.Model):
    """What was submitted, frozen: the metadata as JSON and the files of that moment."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    metadata = models.JSONField()
    files = models.ManyToManyField("submissions.SubmissionFile", related_name="versions")

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"
