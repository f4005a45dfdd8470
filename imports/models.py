"""Imports from the systems the AI Office ran its calls on before: OpenReview and EU Survey.

An ImportRun holds what staff uploaded, the dry-run preview (one row per source record:
what would be created, updated, skipped or refused, and why), and, once applied, what was
made. ImportedRecord remembers which portal object each source record became, so that
importing the same export again updates instead of duplicating.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code


def import_upload_to(run: "ImportRun", filename: str) -> str:
    return f"imports/{run.code}/{new_code()}-{filename[-80:]}"


class ImportRun(models.Model):
    class Source(models.TextChoices):
        OPENREVIEW = "openreview", _("OpenReview")
        EUSURVEY = "eusurvey", _("EU Survey")

    class State(models.TextChoices):
        # Files received, preview being computed (a job when large).
        PREVIEWING = "previewing", _("Preparing preview")
        # Preview ready: staff look at it and apply, or discard.
        PREVIEWED = "previewed", _("Preview ready")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="import_runs"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # What the rows become: "submissions", "reviews" (OpenReview replies), or
    # "reviewer_applications" (an EU Survey of reviewer candidates).
    target = models.CharField(max_length=32, default="submissions")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PREVIEWING)
    progress = models.PositiveSmallIntegerField(default=0)
    # The uploaded export (JSON, CSV or XLSX) and an optional ZIP of files.
    data_file = models.FileField(upload_to=import_upload_to, max_length=300)
    data_file_name = models.CharField(max_length=255)
    files_archive = models.FileField(upload_to=import_upload_to, max_length=300, blank=True)
    # Choices staff made in the preview (organisation per row, field and criteria mapping).
    options = models.JSONField(default=dict, blank=True)
    # The preview: {"rows": [{"source_id", "action", "reasons", "summary", ...}], "counts"}.
    preview = models.JSONField(default=dict, blank=True)
    # After apply: {"created": n, "updated": n, "skipped": n, "refused": n}.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Deliveries of the preview or apply job that claimed the run: a job that kills its
    # worker every time (acks_late re-delivers it) fails after IMPORT_JOB_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the preview or apply was last started, and when a job last claimed it (its
    # progress beats go to the cache: imports.jobs). A run still active with no sign of
    # life for IMPORT_JOB_STALLED_MINUTES lost its job (a message lost with the broker, a
    # request that died) and staff may start it again (imports.services.import_run_restart).
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} import {self.code}"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.PREVIEWING, self.State.APPLYING)

    @property
    def counts(self) -> dict:
        return (self.preview or {}).get("counts", {})


class ImportedRecord(models.Model):
    """Source record -> portal object: the key of idempotent re-imports."""

    workshop = models.ForeignKey("portal.Workshop", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16, choices=ImportRun.Source.choices)
    # The note id (OpenReview) or the contribution id (EU Survey).
    source_id = models.CharField(max_length=200)
    # "submission", "review", "reviewer_application", "imported_review_text".
    kind = models.CharField(max_length=32)
    # The portal object's code (opaque id), not a foreign key: one table for every kind.
    object_code = models.CharField(max_length=16)
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "source", "kind", "source_id"], name="imported_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.source_id} -> {self.kind} {self.object_code}"


class SurveyMapping(models.Model):
    """Which EU Survey column becomes which portal field, saved once per survey.

    A survey is recognised by the alias staff gave it, or by the fingerprint of its set of
    question headers (imports.surveys.headers_fingerprint): the next export of the same
    survey finds its mapping again without anyone naming it.
    """

    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="survey_mappings"
    )
    # What the rows become: "submissions" or "reviewer_applications".
    target = models.CharField(max_length=32)
    alias = models.CharField(
        _("survey alias"),
        max_length=200,
        blank=True,
        help_text=_("The survey's alias or name in EU Survey, if you want to name it."),
    )
    fingerprint = models.CharField(max_length=64)
    # {column header: field name}; columns not listed are ignored.
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "target", "fingerprint"], name="survey_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alias or self.fingerprint[:12]} ({self.target})"


class ImportedReviewText(models.Model):
    """An OpenReview official review, kept as it was written: every one of them, whatever
    else it became, so that staff can always read the original.

    OpenReview signs a review with an anonymous group (".../Submission12/Reviewer_abcd"):
    the person behind it is unknown. When staff map the review's fields onto criteria, the
    review also becomes a portal Review (`review`), written by a placeholder account per
    signature, so that the old call's levels count in progress, aggregates and reports like
    any other review; the placeholder is inactive, so it can never log in, receive mail or
    be assigned (imports.sources.openreview explains). Without a mapping the text alone
    is kept: a Review without levels would count as reviewed while saying nothing.
    """

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey("portal.Workshop", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="imported_reviews"
    )
    source = models.CharField(max_length=16, choices=ImportRun.Source.choices)
    # The anonymous signature, e.g. "Org/2026/Workshop/Submission12/Reviewer_abcd".
    signature = models.CharField(max_length=300, blank=True)
    # The note's content as {"field": value}, values unwrapped from {"value": ...}.
    content = models.JSONField(default=dict)
    # {"<criterion code>": level} from the fields staff mapped; empty when unmapped.
    scores = models.JSONField(default=dict, blank=True)
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(null=True, blank=True)
    # The portal Review it became when its fields were mapped onto criteria; a review
    # deleted in the portal since leaves the text.
    review = models.ForeignKey(
        "reviews.Review", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submission", "written_at", "pk"]

    def __str__(self) -> str:
        return f"Imported review {self.code} of {self.submission_id}"
