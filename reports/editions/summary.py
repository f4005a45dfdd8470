"""The summary part of the public and internal editions: data -> HTML.

Everything a reader sees is prepared here as text (numbers formatted, suppressed cells
labelled) so that the template only lays it out, and the charts' text alternatives carry
the same numbers as the tables next to them.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.markup import render_markdown
from reports.data import CriterionSection, ReportData
from reports.data.gc_pause import gc_paused
from reports.editions import charts, heatmaps
from reports.editions.common import (
    TAG_LABELS,
    cell_text,
    fewer_than,
    number,
    percent,
)
from reviews.models import CriterionScore

Tag = CriterionScore.Tag


def _series() -> list[charts.Series]:
    # Lightness and hatching both differ, so the four stay apart in greyscale print. Line
    # hatches only: matplotlib writes a dotted hatch as thousands of curves, which made
    # each chart 200 KB and WeasyPrint 2.5 times slower on the 1,000-evaluation summary.
    return [
        charts.Series(Tag.ALIGNED, str(TAG_LABELS[Tag.ALIGNED]), "#f2f2f2", "///"),
        charts.Series(Tag.GAP, str(TAG_LABELS[Tag.GAP]), "#7a7a7a", ""),
        charts.Series(Tag.REFINE, str(TAG_LABELS[Tag.REFINE]), "#c8c8c8", "xxx"),
        charts.Series("", _("Not tagged"), "#ffffff", ""),
    ]


class _DistributionCharts:
    """The distribution charts of one report: one figure per set of levels, reused by
    every criterion on that scale (see `charts.StackedBars`: SVG written directly)."""

    def __init__(self) -> None:
        self.series = _series()
        self.figures: dict[tuple[str, ...], charts.StackedBars] = {}

    def svg(self, section: CriterionSection) -> str:
        categories = tuple(str(level) for level, _label, _tags in section.distribution)
        figure = self.figures.get(categories)
        if figure is None:
            figure = self.figures[categories] = charts.StackedBars(
                categories=categories, series=self.series, y_label=_("Scores")
            )
        return figure.svg(
            values=[
                [tags.get(s.key, 0) for _lv, _lb, tags in section.distribution] for s in self.series
            ],
            totals_label=[str(sum(tags.values())) for _lv, _lb, tags in section.distribution],
        )


def _distribution_chart(section: CriterionSection, figures: _DistributionCharts) -> tuple[str, str]:
    chart = figures.svg(section)
    totals = [sum(tags.values()) for _lv, _lb, tags in section.distribution]
    parts = [
        _("level %(level)s: %(count)d") % {"level": level, "count": total}
        for (level, _label, _tags), total in zip(section.distribution, totals, strict=True)
    ]
    alt = _(
        "Bar chart of the levels given to %(code)s, stacked by tag. Scores per %(levels)s; "
        "N/A: %(na)d."
    ) % {"code": section.criterion.code, "levels": ", ".join(parts), "na": section.stats.na_count}
    return chart, alt


def _refinement_view(refinement, *, min_group: int) -> dict:
    """A decided proposal: support and objections are a group of people like any other,
    so counted only from `min_group` of them (the suppression rule of the summary)."""
    people = refinement.support + refinement.objections
    return {
        "title": refinement.title,
        "kind": refinement.kind,
        "outcome": refinement.outcome,
        "proposed_text": refinement.proposed_text,
        "proposer": refinement.proposer,
        "stances_suppressed": 0 < people < min_group,
        "support": refinement.support,
        "objections": refinement.objections,
    }


def _section_view(
    section: CriterionSection, *, internal: bool, figures: _DistributionCharts
) -> dict:
    stats = section.stats
    view = {
        "anchor": "criterion-" + slugify(section.criterion.code),
        "criterion": section.criterion,
        "suppressed": section.suppressed and not internal,
        "evaluations": section.evaluations,
        "count": stats.count,
        "na_count": stats.na_count,
        "mean": number(stats.mean),
        "median": number(stats.median),
        "sd": number(stats.sd),
        "range": f"{stats.min}–{stats.max}" if stats.count else "–",
        "disagreement_count": section.disagreement_count,
        "fewer_than": fewer_than(section.min_group),
        "notes_html": render_markdown(section.notes_md),
        "refinements": [
            _refinement_view(r, min_group=section.min_group) for r in section.refinements
        ],
        "quotes": [
            {
                "text": quote.text,
                "tag": TAG_LABELS.get(quote.tag, quote.tag),
                "edited": quote.edited,
            }
            for quote in section.quotes
        ],
    }
    if section.alpha_suppressed and not internal:
        view["alpha"] = fewer_than(section.min_group)
    else:
        view["alpha"] = number(section.alpha)
    view["alpha_units"] = section.alpha_units
    view["tags"] = [
        {
            "label": TAG_LABELS[tag],
            "count": stats.tag_counts.get(tag, 0),
            "share": percent(stats.tag_shares.get(tag)),
        }
        for tag in (Tag.ALIGNED, Tag.GAP, Tag.REFINE)
    ]
    view["tagged"] = stats.tagged
    view["distribution"] = [
        {
            "level": level,
            "label": label,
            "total": sum(tags.values()),
            "aligned": tags.get(Tag.ALIGNED, 0),
            "gap": tags.get(Tag.GAP, 0),
            "refine": tags.get(Tag.REFINE, 0),
            "untagged": tags.get("", 0),
        }
        for level, label, tags in section.distribution
    ]
    feedback = section.feedback
    view["feedback"] = feedback
    view["feedback_suppressed"] = feedback.suppressed and not internal
    view["suggestions"] = feedback.suggestions if internal else []
    if not view["suppressed"] and stats.count:
        view["chart"], view["chart_alt"] = _distribution_chart(section, figures)
    return view


def _heatmap_view(data: ReportData) -> dict | None:
    if not data.heatmap or not data.risk_areas:
        return None
    columns = [str(area.label) for area in data.risk_areas]
    codes = [row.criterion.code for row in data.heatmap]
    labels = heatmaps.column_labels(columns, rows=codes)
    step = heatmaps.HEATMAP_MAX_ROWS
    figures = []
    # Many criteria make several figures (one per page) rather than one too tall to print.
    for first in range(0, len(data.heatmap), step):
        part = data.heatmap[first : first + step]
        figures.append(
            heatmaps.heatmap(
                rows=[row.criterion.code for row in part],
                columns=labels.ticks,
                values=[
                    [cell.value if not cell.empty else None for cell in row.cells] for row in part
                ],
                suppressed=[[cell.suppressed for cell in row.cells] for row in part],
                low=0,
                high=4,
                places=2,
                suppressed_label=f"< {data.min_group}",
                empty_label="–",
                colour_label=_("Mean level (0–4), darker is higher"),
            )
        )
    table = [
        {"criterion": row.criterion, "cells": [cell_text(cell) for cell in row.cells]}
        for row in data.heatmap
    ]
    return {
        "charts": figures,
        "alt": _(
            "Heatmap of the mean level per criterion and risk area; the same numbers are in "
            "the table that follows."
        ),
        "legend": labels.legend,
        # The table wraps its headers, so it prints names (the legend explains a gloss left
        # out) even when the chart had to fall back on letters.
        "columns": labels.names,
        "table": table,
    }


@gc_paused()  # the charts
def summary_context(data: ReportData, *, internal: bool) -> dict:
    generated = formats.date_format(data.generated_at, "DATE_FORMAT")
    title = _("Internal edition") if internal else _("Public summary")
    figures = _DistributionCharts()
    return {
        "doc_title": _("%(workshop)s: %(kind)s") % {"workshop": data.workshop.title, "kind": title},
        "kind_label": title,
        "internal": internal,
        "data": data,
        "generated": generated,
        "criteria_set": data.criteria_set,
        "sections": [
            _section_view(section, internal=internal, figures=figures) for section in data.sections
        ],
        "heatmap": _heatmap_view(data),
        "organisation_types": [
            {
                "label": row.label,
                "evaluations": (
                    fewer_than(data.min_group) if row.suppressed else str(row.evaluations)
                ),
                "suppressed": row.suppressed,
                "mean": cell_text(row.mean),
                "aligned": cell_text(row.tag_shares[Tag.ALIGNED], share=True),
                "gap": cell_text(row.tag_shares[Tag.GAP], share=True),
                "refine": cell_text(row.tag_shares[Tag.REFINE], share=True),
            }
            for row in data.organisation_types
        ],
        "executive_summary_html": render_markdown(data.executive_summary_md),
        "insights_html": render_markdown(data.insights_md),
        "fewer_than": fewer_than(data.min_group),
        "new_criteria": [_refinement_view(r, min_group=data.min_group) for r in data.new_criteria],
    }


def summary_html(data: ReportData, *, internal: bool, language: str, **extra) -> str:
    context = summary_context(data, internal=internal)
    context.update({"language": language, "cover": True, "page_total": True, **extra})
    return render_to_string("reports/pdf/summary.html", context)
