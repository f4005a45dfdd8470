"""Charts for the PDFs: matplotlib -> SVG, embedded as images with a text alternative.

Legible in greyscale: series differ by hatching and lightness, never by colour alone, and
every figure prints its numbers. Rendered once per report, with text kept as SVG text
(smaller files, selectable in the PDF). Import this module only where a report is built:
matplotlib is a slow import.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")  # for any pyplot use in the process: no display on a worker

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

# Figures are made without pyplot: nothing to close, no global list of open figures.
matplotlib.rcParams.update(
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
_TEXT_TO_PATH = TextToPath()


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    face: str
    hatch: str


def svg_url(figure: Figure, *, bbox: Bbox | str = "tight") -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches=bbox, metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


class StackedBars:
    """Vertical bars per category, stacked by series, each total printed above its bar,
    with a y axis of whole numbers and a legend: one chart per criterion of a report.

    Written as SVG directly, not through matplotlib: a report draws one per criterion, and
    matplotlib's layout machinery cost more than a tenth of the 1,000-evaluation summary's
    build for a figure this plain. Text is measured in the font the SVG names (DejaVu
    Sans, as `text_width` measures it), so nothing is clipped or overlaps. Hatches are
    SVG patterns: lightness and hatching tell the series apart in greyscale.
    """

    _PLOT_WIDTH, _PLOT_HEIGHT, _FONT = 300.0, 128.0, 10.0
    _HATCHES = {
        "///": '<path d="M-1 1 L1 -1 M0 6 L6 0 M5 7 L7 5" stroke="{ink}" stroke-width="0.6"/>',
        "xxx": (
            '<path d="M-1 1 L1 -1 M0 6 L6 0 M5 7 L7 5 M-1 5 L1 7 M0 0 L6 6 M5 -1 L7 1" '
            'stroke="{ink}" stroke-width="0.6"/>'
        ),
    }

    def __init__(self, *, categories: Sequence[str], series: Sequence[Series], y_label: str):
        self.categories = list(categories)
        self.series = list(series)
        self.y_label = y_label

    def _y_ticks(self, top: float) -> list[int]:
        return [
            int(tick)
            for tick in MaxNLocator(nbins=5, integer=True).tick_values(0, top)
            if 0 <= tick <= top
        ]

    def svg(self, *, values: Sequence[Sequence[int]], totals_label: Sequence[str]) -> str:
        """The chart of `values[series][category]`, with `totals_label` over the bars."""
        font, plot_w, plot_h = self._FONT, self._PLOT_WIDTH, self._PLOT_HEIGHT
        totals = [sum(column) for column in zip(*values, strict=True)] or [0]
        top = (max(totals) or 1) * 1.22
        ticks = self._y_ticks(top)
        tick_width = max((text_width(str(t), size=font) for t in ticks), default=0)
        left = 4 + font + 6 + tick_width + 6  # y label, gap, tick labels, tick marks
        plot_top = font + 6  # room for the tallest bar's total
        bottom = plot_top + plot_h
        legend_x = left + plot_w + 14
        legend_w = 22 + max((text_width(s.label, size=font) for s in self.series), default=0)
        width = legend_x + legend_w + 4
        height = bottom + 6 + font + 6

        def y_of(value: float) -> float:
            return bottom - plot_h * value / top

        slot = plot_w / max(len(self.categories), 1)
        bar_w = slot * 0.62
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.1f}" height="{height:.1f}" '
            f'viewBox="0 0 {width:.1f} {height:.1f}" font-family="DejaVu Sans" '
            f'font-size="{font:g}" fill="{INK}"><defs>'
        ]
        for name, hatch in enumerate(self._HATCHES.values()):
            out.append(
                f'<pattern id="h{name}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f"{hatch.format(ink=INK)}</pattern>"
            )
        out.append("</defs>")
        hatch_ids = {key: f"h{index}" for index, key in enumerate(self._HATCHES)}

        def box(x: float, y: float, w: float, h: float, item: Series) -> str:
            shape = f'x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}"'
            drawn = f'<rect {shape} fill="{item.face}" stroke="{INK}" stroke-width="0.6"/>'
            if item.hatch in hatch_ids:
                drawn += f'<rect {shape} fill="url(#{hatch_ids[item.hatch]})"/>'
            return drawn

        for tick in ticks:
            y = y_of(tick)
            out.append(
                f'<line x1="{left - 4:.2f}" y1="{y:.2f}" x2="{left:.2f}" y2="{y:.2f}" '
                f'stroke="{INK}" stroke-width="0.8"/><text x="{left - 6:.2f}" '
                f'y="{y + font * 0.35:.2f}" text-anchor="end">{tick}</text>'
            )
        middle = plot_top + plot_h / 2
        out.append(
            f'<text transform="translate({4 + font * 0.8:.2f} {middle:.2f}) rotate(-90)" '
            f'text-anchor="middle">{escape(self.y_label)}</text>'
        )
        for index, category in enumerate(self.categories):
            x = left + slot * index + (slot - bar_w) / 2
            stacked = 0
            for item, heights in zip(self.series, values, strict=True):
                height_value = heights[index]
                if height_value:
                    y = y_of(stacked + height_value)
                    out.append(box(x, y, bar_w, y_of(stacked) - y, item))
                stacked += height_value
            centre = x + bar_w / 2
            out.append(
                f'<text x="{centre:.2f}" y="{y_of(stacked) - 3:.2f}" text-anchor="middle">'
                f"{escape(totals_label[index])}</text>"
                f'<text x="{centre:.2f}" y="{bottom + 4 + font:.2f}" text-anchor="middle">'
                f"{escape(category)}</text>"
            )
        out.append(
            f'<path d="M{left:.2f} {plot_top:.2f} V{bottom:.2f} H{left + plot_w:.2f}" '
            f'fill="none" stroke="{INK}" stroke-width="0.8"/>'
        )
        for index, item in enumerate(self.series):
            y = plot_top + index * (font + 6)
            out.append(box(legend_x, y, 14, font * 0.7, item))
            out.append(
                f'<text x="{legend_x + 20:.2f}" y="{y + font * 0.7:.2f}">'
                f"{escape(item.label)}</text>"
            )
        out.append("</svg>")
        return "data:image/svg+xml;base64," + base64.b64encode("".join(out).encode()).decode()


@functools.cache
def text_width(text: str, *, size: float) -> float:
    """Width of `text` at `size` points, in points, as matplotlib draws it in SVG."""
    properties = FontProperties(family="DejaVu Sans", size=size)
    width, _height, _descent = _TEXT_TO_PATH.get_text_width_height_descent(
        text, properties, ismath=False
    )
    return width
