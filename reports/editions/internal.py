"""The internal edition (staff only): the summary with nothing suppressed, the reviewers'
suggestions, and an annex per evaluation.

A small workshop's edition is one WeasyPrint pass: one tagged PDF. A large one is
rendered in parts (the summary, then the annex in chunks of evaluations) and merged with
pypdf, checking the merged page count: WeasyPrint holds a whole document's layout in
memory (about 3 MB a page), and a 1,000-evaluation annex would not fit a worker. Page
numbers run on across the parts (each chunk starts where the last ended). Every part is
a tagged PDF/UA-1 and `merge_pdfs` joins their structure trees, links, bookmarks and
metadata, so the merged edition is a tagged PDF as well.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import Organisation
from reports import data as report_data
from reports.data import AnnexEntry
from reports.editions.common import TAG_LABELS, html_to_pdf, merge_pdfs, number
from reports.editions.summary import summary_html
from reports.jobs.types import BuildResult
from reports.models import ReportJob
from submissions.models import RiskArea, Submission

SINGLE_PASS_MAX = 40  # evaluations
# Evaluations per annex part: about 80 pages, a few hundred MB of layout in WeasyPrint.
CHUNK = 20


def _cell(cell) -> str:
    if cell is None:
        return "–"
    level = _("N/A") if cell.not_applicable else ("–" if cell.level is None else str(cell.level))
    tag = TAG_LABELS.get(cell.tag, "")
    return f"{level} · {tag}" if tag else level


def _entry_view(entry: AnnexEntry, areas: dict[int, str]) -> dict:
    info = entry.info
    return {
        "info": info,
        "type_label": Organisation.Type(info.organisation_type).label
        if info.organisation_type in Organisation.Type.values
        else info.organisation_type,
        "confidentiality_label": Submission.Confidentiality(info.confidentiality).label
        if info.confidentiality in Submission.Confidentiality.values
        else info.confidentiality,
        "consent_label": Submission.Consent(info.consent).label
        if info.consent in Submission.Consent.values
        else _("Not given"),
        "risk_areas": [areas[pk] for pk in info.risk_area_ids if pk in areas],
        "disagreement_count": entry.disagreement_count,
        "columns": entry.columns,
        "rows": [
            {
                "code": row.criterion.code,
                "title": row.criterion.title,
                "cells": [_cell(cell) for cell in row.cells],
                "mean": number(row.stats.mean),
                "disagreement": row.stats.disagreement,
                "justifications": [
                    {"label": label, "tag": TAG_LABELS.get(cell.tag, ""), "text": text}
                    for label, cell, text in row.justifications
                ],
            }
            for row in entry.rows
        ],
    }


def internal_edition(*, job: ReportJob, progress, file_stem: str) -> BuildResult:
    params = job.params
    language = translation.get_language()
    progress(3)
    data = report_data.report_data(
        workshop=job.workshop,
        version=params.get("criteria_set_version"),
        include_ai_office_only=params.get("include_ai_office_only", False),
        basis=params.get("basis", report_data.BASIS_INDIVIDUAL),
        # Staff see every figure: nothing is suppressed in their edition.
        min_group=1,
    )
    areas = {area.pk: str(area.label) for area in RiskArea.objects.all()}
    ids = list(data.submissions)  # in title order
    doc_title = _("%(workshop)s: %(kind)s") % {
        "workshop": job.workshop.title,
        "kind": _("Internal edition"),
    }

    def views(chunk_ids):
        entries = report_data.annex_entries(
            rows=data.rows,
            submissions=data.submissions,
            criteria=[section.criterion for section in data.sections],
            criteria_set=data.criteria_set,
            submission_ids=chunk_ids,
            with_names=True,
        )
        return [_entry_view(entry, areas) for entry in entries]

    progress(10)
    if len(ids) <= SINGLE_PASS_MAX:
        html = summary_html(
            data, internal=True, language=language, annex_entries=views(ids), annex_heading=True
        )
        progress(40)
        content, pages = html_to_pdf(html)
    else:
        html = summary_html(
            data,
            internal=True,
            language=language,
            annex_entries=[],
            annex_heading=False,
            page_total=False,
        )
        parts = [html_to_pdf(html)]
        offset = parts[0][1]
        chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
        for index, chunk in enumerate(chunks):
            progress(10 + int(85 * index / len(chunks)))
            annex = render_to_string(
                "reports/pdf/annex.html",
                {
                    "doc_title": doc_title,
                    "language": language,
                    "annex_entries": views(chunk),
                    "annex_heading": index == 0,
                    "page_offset": offset + 1,
                    "page_total": False,
                },
            )
            part = html_to_pdf(annex)
            parts.append(part)
            offset += part[1]
        progress(96)
        content, pages = merge_pdfs(parts)
    snapshot = data.snapshot()
    snapshot["min_group_size"] = 1
    return BuildResult(
        content=content,
        file_name=file_stem + ".pdf",
        content_type="application/pdf",
        snapshot=snapshot,
        page_count=pages,
    )
