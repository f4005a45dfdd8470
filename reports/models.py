"""Post-workshop reports: staff's written inputs (summary, criterion notes, chosen quotes)
and the report jobs that the Celery worker turns into files.

The job row, not Celery's result backend, is the source of truth for a report: the page
reads its state and progress, and a re-delivered task reads it to decide whether there is
anything left to do (see portal.jobs and reports.jobs.worker).
"""

import logging

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from portal.ids import new_code
from portal.models.jobs import BackgroundJob

logger = logging.getLogger(__name__)


def report_upload_to(instance: "ReportJob", filename: str) -> str:
    # A random name: the file is only ever served by a view that checks permission, but a
    # guessable path would still leak how many reports exist and whose they are.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"reports/{new_code(24)}.{extension}"


class ReportJob(BackgroundJob):
    class Kind(models.TextChoices):
        PUBLIC_SUMMARY = "public_summary", _("Public summary (PDF)")
        INTERNAL_EDITION = "internal_edition", _("Internal edition (PDF)")
        FEEDBACK = "feedback", _("Feedback report for an organisation (PDF)")
        SCORES_CSV = (
            "scores_csv",
            _("Data tables: scores, submissions, reviewers, attendees (CSV in a ZIP)"),
        )
        SCORES_XLSX = (
            "scores_xlsx",
            _("Data tables: scores, submissions, reviewers, attendees (XLSX)"),
        )
        ARCHIVE_JSON = "archive_json", _("Workshop archive (JSON)")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="report_jobs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Feedback reports only: the organisation whose members may download it once released.
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    params = models.JSONField(default=dict, blank=True)
    # sha256 of the canonical JSON of kind-specific params (organisation included), so that
    # two clicks on "generate" find the same active job.
    params_hash = models.CharField(max_length=64)
    # state, progress, attempts, heartbeat, times and error: BackgroundJob's (portal.jobs).
    file = models.FileField(upload_to=report_upload_to, blank=True, max_length=200)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # The counts the report was built from (evaluations, reviewers, reviews, criteria-set
    # version, generated_at), shown beside the download.
    snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        # The tables keep the names they had in the reviews app (moved without a rewrite).
        db_table = "reviews_reportjob"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "kind", "params_hash"],
                condition=Q(state__in=["queued", "running"]),
                name="unique_active_report_job",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_max"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(kind="feedback"),
                name="report_release_feedback_only",
            ),
        ]
        indexes = [
            models.Index(
                fields=["workshop", "kind", "-created_at"], name="reviews_rep_worksho_14db57_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} ({self.state})"


@receiver(post_delete, sender=ReportJob, dispatch_uid="report_job_delete_file")
def _report_job_delete_file(sender, instance: ReportJob, **kwargs) -> None:
    """A deleted job takes its file along, but only once the deletion is committed: a
    rolled-back deletion must still find its file. Covers every way a row goes (staff's
    delete, the retention task, a deleted workshop's cascade)."""
    name = instance.file.name
    if not name:
        return
    storage = instance.file.storage

    def delete_file() -> None:
        try:
            storage.delete(name)
        except OSError:
            # The row is gone either way; a file left behind is only wasted space.
            logger.warning("Could not delete report file %s", name, exc_info=True)

    transaction.on_commit(delete_file, using=kwargs.get("using"))


class WorkshopSummary(models.Model):
    """What staff write for the public summary, in Markdown (rendered safely)."""

    workshop = models.OneToOneField(
        "portal.Workshop", on_delete=models.CASCADE, related_name="report_summary"
    )
    executive_summary_md = models.TextField(_("executive summary"), blank=True)
    insights_md = models.TextField(_("workshop insights"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        db_table = "reviews_workshopsummary"

    def __str__(self) -> str:
        return f"Summary of {self.workshop}"


class CriterionNote(models.Model):
    """Notes on one criterion from the workshop, keyed by code so that they carry over
    between versions of the criteria set."""

    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="criterion_notes"
    )
    criterion_code = models.CharField(_("criterion"), max_length=20)
    notes_md = models.TextField(_("notes and agreed refinements"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        db_table = "reviews_criterionnote"
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "criterion_code"], name="unique_criterion_note"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code} notes"


class QuoteSelection(models.Model):
    """A reviewer's justification that staff chose to quote, anonymised, in the summary."""

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="quote_selections"
    )
    score = models.OneToOneField(
        "reviews.CriterionScore", on_delete=models.CASCADE, related_name="quote_selection"
    )
    position = models.PositiveSmallIntegerField(default=0)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    selected_at = models.DateTimeField(auto_now_add=True)
    # What the summary prints instead of the reviewer's justification (shortened, or with
    # an identifying detail removed); empty: the justification as written. The reviewer's
    # text itself is never changed.
    edited_text = models.TextField(_("text printed in the summary"), blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: every edit names the revision it started from.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "reviews_quoteselection"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Quote {self.code}"


class FeedbackRemark(models.Model):
    """Staff's remarks to one submitting organisation, printed in its feedback report."""

    workshop = models.ForeignKey(
        "portal.Workshop", on_delete=models.CASCADE, related_name="feedback_remarks"
    )
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.CASCADE, related_name="feedback_remarks"
    )
    remarks_md = models.TextField(_("remarks"), blank=True)
    # Optimistic locking: every edit names the revision it started from (0: no remark yet).
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        db_table = "reviews_feedbackremark"
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "organisation"], name="unique_feedback_remark"
            )
        ]

    def __str__(self) -> str:
        return f"Remarks to {self.organisation}"
