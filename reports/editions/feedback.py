"""The feedback report to one submitting organisation: its evaluations' scores per criterion
against the cohort, the reviewers' comments (labelled, never named), and staff's remarks."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from portal.markup import render_markdown
from portal.models import Organisation
from reports.data import AnnexEntry, FeedbackData, feedback_data
from reports.editions.common import fewer_than, html_to_pdf, number
from reports.editions.dots import dot_comparison
from reports.jobs.types import BuildResult
from reports.models import ReportJob


def _entry_view(entry: AnnexEntry, data: FeedbackData) -> dict:
    cohort = {item.criterion.pk: item for item in data.cohort}
    rows = []
    for row in entry.rows:
        item = cohort.get(row.criterion.pk)
        suppressed = item is None or item.suppressed or not item.stats.count
        rows.append(
            {
                "criterion": row.criterion,
                "levels": [
                    (
                        _("N/A")
                        if cell is not None and cell.not_applicable
                        else (
                            str(cell.level) if cell is not None and cell.level is not None else "–"
                        )
                    )
                    for cell in row.cells
                ],
                "mean": number(row.stats.mean),
                "mean_value": row.stats.mean,
                "cohort_mean": fewer_than(data.min_group)
                if suppressed
                else number(item.stats.mean),
                "cohort_mean_value": None if suppressed else item.stats.mean,
                "cohort_median": (
                    fewer_than(data.min_group) if suppressed else number(item.stats.median)
                ),
                "disagreement": row.stats.disagreement,
                # Without the tag: submitters never see tags (as in
                # reviews.selectors.visibility, Audience.SUBMITTER).
                "justifications": [
                    {"label": label, "text": text} for label, _cell, text in row.justifications
                ],
            }
        )
    plotted = [r for r in rows if r["mean_value"] is not None or r["cohort_mean_value"] is not None]
    chart = alt = ""
    if plotted:
        chart = dot_comparison(
            rows=[r["criterion"].code for r in plotted],
            first=[r["mean_value"] for r in plotted],
            second=[r["cohort_mean_value"] for r in plotted],
            first_label=_("This evaluation (mean of its reviewers)"),
            second_label=_("All evaluations (mean)"),
            low=0,
            high=4,
        )
        alt = _("Mean level per criterion, this evaluation against all evaluations: %(pairs)s.") % {
            "pairs": "; ".join(
                f"{r['criterion'].code} {r['mean']} / {r['cohort_mean']}" for r in plotted
            )
        }
    return {
        "info": entry.info,
        # Without the tag, as above.
        "consolidated": data.consolidated.get(entry.info.id, []),
        "columns": entry.columns,
        "rows": rows,
        "chart": chart,
        "chart_alt": alt,
        "reviews": [
            {
                "label": label,
                "strengths": review.strengths,
                "main_gaps": review.main_gaps,
                "summary": review.summary,
            }
            for label, review in entry.reviews
        ],
    }


def feedback_html(data: FeedbackData, *, language: str) -> str:
    title = _("Feedback to %(organisation)s") % {"organisation": data.organisation.name}
    return render_to_string(
        "reports/pdf/feedback.html",
        {
            "doc_title": f"{data.workshop.title}: {title}",
            "title": title,
            "data": data,
            "language": language,
            "generated": formats.date_format(data.generated_at, "DATE_FORMAT"),
            "entries": [_entry_view(entry, data) for entry in data.entries],
            "remarks_html": render_markdown(data.remarks_md),
            "cover": True,
            "page_total": True,
        },
    )


def feedback_report(
    *, job: ReportJob, organisation: Organisation, progress, file_stem: str
) -> BuildResult:
    # No progress writes: a bulk run builds a thousand of these, each in well under a
    # second, and every write is a commit. The claim's heartbeat covers the build, and
    # the final write checks that this attempt still holds the job.
    data = feedback_data(
        workshop=job.workshop,
        organisation=organisation,
        version=job.params.get("criteria_set_version"),
    )
    html = feedback_html(data, language=translation.get_language())
    content, pages = html_to_pdf(html)
    return BuildResult(
        content=content,
        file_name=file_stem + ".pdf",
        content_type="application/pdf",
        snapshot=data.snapshot(),
        page_count=pages,
    )
