"""Charts for the PDFs: matplotlib -> SVG, embedded as images with a text alternative.

Legible in greyscale: series differ by hatching and lightness, never by colour alone, and
every figure prints its numbers. Rendered once per report, with text kept as SVG text
(smaller files, selectable in the PDF). Import this module only where a report is built:
matplotlib is a slow import.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.patches import Patch, Rectangle  # noqa: E402

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "svg.fonttype": "none",
        "svg.hashsalt": "portal-reports",  # stable element ids: same data, same file
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

INK = "#1a1a1a"


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    face: str
    hatch: str


def _svg(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def stacked_bars(
    *,
    categories: Sequence[str],
    series: Sequence[Series],
    values: Sequence[Sequence[int]],  # values[series][category]
    totals_label: Sequence[str],
    y_label: str,
) -> str:
    """Vertical bars per category, stacked by series, each total printed above its bar."""
    figure, axes = plt.subplots(figsize=(6.2, 2.3))
    bottoms = [0] * len(categories)
    positions = range(len(categories))
    for index, item in enumerate(series):
        heights = values[index]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            color=item.face,
            edgecolor=INK,
            linewidth=0.6,
            hatch=item.hatch,
            width=0.62,
            label=item.label,
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    top = max(bottoms) if bottoms and max(bottoms) else 1
    for position, (total, label) in enumerate(zip(bottoms, totals_label, strict=True)):
        axes.text(position, total + top * 0.03, label, ha="center", va="bottom", color=INK)
    axes.set_ylim(0, top * 1.22)
    axes.set_xticks(list(positions), categories)
    axes.set_ylabel(y_label)
    axes.tick_params(colors=INK)
    axes.legend(
        handles=[
            Patch(facecolor=s.face, edgecolor=INK, hatch=s.hatch, label=s.label) for s in series
        ],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
    )
    return _svg(figure)


def heatmap(
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    suppressed: Sequence[Sequence[bool]],
    low: float,
    high: float,
    value_format: str,
    suppressed_label: str,
    empty_label: str,
    colour_label: str,
) -> str:
    """Rows x columns of values on a light-to-dark grey scale, each value printed in its
    cell; suppressed cells hatched and labelled, empty cells blank with a dash."""
    width = min(7.0, 1.6 + 0.62 * len(columns))
    height = 0.9 + 0.3 * len(rows)
    figure, axes = plt.subplots(figsize=(width, height))
    cmap = plt.get_cmap("Greys")
    span = (high - low) or 1
    for r, row_values in enumerate(values):
        for c, value in enumerate(row_values):
            if suppressed[r][c]:
                axes.add_patch(
                    Rectangle(
                        (c - 0.5, r - 0.5),
                        1,
                        1,
                        facecolor="white",
                        edgecolor="#808080",
                        hatch="////",
                        linewidth=0.4,
                    )
                )
                axes.text(
                    c,
                    r,
                    suppressed_label,
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color=INK,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
                )
            elif value is None:
                axes.add_patch(
                    Rectangle(
                        (c - 0.5, r - 0.5),
                        1,
                        1,
                        facecolor="white",
                        edgecolor="#c0c0c0",
                        linewidth=0.4,
                    )
                )
                axes.text(c, r, empty_label, ha="center", va="center", color=INK)
            else:
                # Never the darkest end: keeps printed numbers readable on every cell.
                shade = 0.08 + 0.72 * (value - low) / span
                face = cmap(shade)
                axes.add_patch(
                    Rectangle(
                        (c - 0.5, r - 0.5), 1, 1, facecolor=face, edgecolor="white", linewidth=0.8
                    )
                )
                text_colour = "white" if shade > 0.5 else INK
                axes.text(
                    c,
                    r,
                    format(value, value_format),
                    ha="center",
                    va="center",
                    color=text_colour,
                    fontweight="bold",
                )
    axes.set_xlim(-0.5, len(columns) - 0.5)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    # Long risk-area names wrap onto short lines instead of running off the page.
    labels = [textwrap.fill(column, 16) for column in columns]
    axes.set_xticks(range(len(columns)), labels, rotation=30, ha="right", fontsize=7)
    axes.set_yticks(range(len(rows)), rows)
    axes.tick_params(length=0, colors=INK)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(colour_label, loc="left", fontsize=7.5, color=INK)
    return _svg(figure)
