"""One builder per kind of report: job -> BuildResult (the file's bytes and its snapshot).

Builders read through `reports.data` and report progress through the callback they
are given; the callback also raises `JobSuperseded` when the attempt has lost its claim,
which stops a builder at its next step.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify

from reports import data as report_data
from reports import exports
from reports.editions import common
from reports.editions.feedback import feedback_report
from reports.editions.internal import internal_edition
from reports.editions.summary import summary_html
from reports.jobs.types import BuildResult
from reports.models import ReportJob

Progress = Callable[[int], None]
Kind = ReportJob.Kind


def _file_stem(job: ReportJob, label: str) -> str:
    return f"{slugify(job.workshop.title)[:60] or 'workshop'}-{label}-{job.code}"


def build_public_summary(*, job: ReportJob, progress: Progress) -> BuildResult:
    params = job.params
    progress(5)
    data = report_data.report_data(
        workshop=job.workshop,
        version=params.get("criteria_set_version"),
        include_ai_office_only=params.get("include_ai_office_only", False),
        basis=params.get("basis", report_data.BASIS_INDIVIDUAL),
    )
    progress(25)
    html = summary_html(data, internal=False, language=translation.get_language())
    progress(45)
    content, pages = common.html_to_pdf(html)
    progress(95)
    return BuildResult(
        content=content,
        file_name=_file_stem(job, "public-summary") + ".pdf",
        content_type="application/pdf",
        snapshot=data.snapshot(),
        page_count=pages,
    )


def build_internal_edition(*, job: ReportJob, progress: Progress) -> BuildResult:
    return internal_edition(job=job, progress=progress, file_stem=_file_stem(job, "internal"))


def build_feedback(*, job: ReportJob, progress: Progress) -> BuildResult:
    # Read with the job when it was claimed (report_job_claim).
    organisation = job.organisation
    return feedback_report(
        job=job,
        organisation=organisation,
        progress=progress,
        file_stem=_file_stem(job, f"feedback-{slugify(organisation.name)[:40]}"),
    )


def build_export(*, job: ReportJob, progress: Progress) -> BuildResult:
    return exports.build_export(job=job, progress=progress, file_stem=_file_stem(job, "data"))


BUILDERS: dict[str, Callable[..., BuildResult]] = {
    Kind.PUBLIC_SUMMARY: build_public_summary,
    Kind.INTERNAL_EDITION: build_internal_edition,
    Kind.FEEDBACK: build_feedback,
    Kind.SCORES_CSV: build_export,
    Kind.SCORES_XLSX: build_export,
    Kind.ARCHIVE_JSON: build_export,
}


def build_report(*, job: ReportJob, progress: Progress) -> BuildResult:
    language = job.params.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        return BUILDERS[job.kind](job=job, progress=progress)
