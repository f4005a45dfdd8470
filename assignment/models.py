"""Automatic assignment: reviewers' bids, solver runs and the pairs a run proposes.

A run never touches Assignment rows itself: it stores ProposedPair rows and a summary, and
only `assignment.services.runs.assignment_run_publish` turns a proposal into assignments.
"""

# Imported under another name: AssignmentRun has a field called `settings`.
from django.conf import settings as django_settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code
from portal.models.jobs import BackgroundJob, job_file_delete_on_commit


class Bid(models.Model):
    """How much a reviewer wants to review one submission (or that they cannot)."""

    class Value(models.TextChoices):
        EAGER = "eager", _("Eager")
        WILLING = "willing", _("Willing")
        NOT_WILLING = "not_willing", _("Not willing")
        # Also recorded as a ConflictRecord (action BID), which is what conflict checks read.
        CONFLICT = "conflict", _("Conflict of interest")

    workshop = models.ForeignKey("portal.Workshop", on_delete=models.CASCADE, related_name="bids")
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="bids"
    )
    reviewer = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bids"
    )
    value = models.CharField(_("bid"), max_length=12, choices=Value.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table keeps the name it had in the reviews app (moved without a rewrite).
        db_table = "reviews_bid"
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [
            models.UniqueConstraint(fields=["submission", "reviewer"], name="unique_bid_pair"),
            models.CheckConstraint(
                condition=Q(value__in=["eager", "willing", "not_willing", "conflict"]),
                name="bid_value_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "reviewer"], name="reviews_bid_worksho_883de2_idx")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} / {self.submission}: {self.get_value_display()}"


class AssignmentRun(models.Model):
    """One solve of the assignment problem for a workshop, and its outcome.

    `settings` holds the RunSettings the run was started with (assignment.matching.options);
    `summary` holds what the preview shows (objective, LP bound, affinity and load
    statistics, coverage, unfilled slots, explanations), written when the run is done.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="assignment_runs"
    )
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    error = models.TextField(_("error"), blank=True)
    settings = models.JSONField(_("settings"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "reviews_assignmentrun"
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="assignment_run_progress"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]),
                name="assignment_run_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "state"], name="reviews_ass_worksho_14e652_idx")
        ]

    def __str__(self) -> str:
        return f"Assignment run {self.code} ({self.get_state_display()})"


class ProposedPair(models.Model):
    """One (submission, reviewer) pair of a run's proposal."""

    class Origin(models.TextChoices):
        SOLVER = "solver", _("Solver")
        STAFF = "staff", _("Added by staff")
        IMPORTED = "imported", _("Imported")

    run = models.ForeignKey(AssignmentRun, on_delete=models.CASCADE, related_name="pairs")
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="+"
    )
    reviewer = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("affinity"))
    # Why the pair scores as it does: shared risk areas and methods (codes), the bid, the
    # text similarity and term, the reviewer's best-matching documents and shared terms,
    # and the expertise overlap (see assignment.matching.affinity.AffinityModel.why).
    why = models.JSONField(default=dict)
    # The pair was an assignment already when the run started.
    kept = models.BooleanField(default=False)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.SOLVER)

    class Meta:
        db_table = "reviews_proposedpair"
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "submission", "reviewer"], name="unique_proposed_pair"
            )
        ]
        indexes = [models.Index(fields=["run", "reviewer"], name="reviews_pro_run_id_64d1ef_idx")]

    def __str__(self) -> str:
        return f"{self.reviewer} -> {self.submission} ({self.score:.3f})"


def instance_export_upload_to(instance: "InstanceExport", filename: str) -> str:
    # A random name: served only by a view that checks permission.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"matcher-files/{new_code(24)}.{extension}"


class InstanceExport(BackgroundJob):
    """openreview-matcher files of a workshop's instance (scores, constraints, maximum
    loads, or all three in a ZIP), built by the Celery worker: at 10,000 submissions and
    5,000 reviewers the instance (affinities over every text) is a job, not a page."""

    class Kind(models.TextChoices):
        SCORES = "scores", _("Scores CSV")
        CONSTRAINTS = "constraints", _("Constraints CSV")
        MAX_LOADS = "max_loads", _("Maximum loads CSV")
        ALL = "all", _("All three (ZIP)")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="instance_exports"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reviewer_key = models.CharField(max_length=10, default="email")
    # The run whose settings the instance uses ("" for the defaults): a code, so that the
    # export outlives a deleted run.
    run_code = models.CharField(max_length=16, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=instance_export_upload_to, blank=True, max_length=200)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("matcher files export")
        verbose_name_plural = _("matcher files exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["workshop", "-created_at"], name="instance_export_ws_idx"),
        ]

    def __str__(self) -> str:
        return f"Matcher files {self.code} ({self.kind}, {self.state})"


@receiver(post_delete, sender=InstanceExport, dispatch_uid="instance_export_delete_file")
def _instance_export_delete_file(sender, instance: InstanceExport, **kwargs) -> None:
    """A deleted export takes its file along: a newer export of the same files, the
    workshop's deletion."""
    job_file_delete_on_commit(instance.file, using=kwargs.get("using"))
