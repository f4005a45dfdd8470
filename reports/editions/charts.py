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

from matplotlib import colormaps  # noqa: E402 - the backend is chosen first
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath
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
# The air savefig(bbox_inches="tight") leaves around the drawing, in inches.
_PAD = matplotlib.rcParams["savefig.pad_inches"]


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    face: str
    hatch: str


def _svg(figure: Figure, *, bbox: Bbox | str = "tight") -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches=bbox, metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


class StackedBars:
    """Vertical bars per category, stacked by series, each total printed above its bar,
    with a y axis of whole numbers and a legend: one chart per criterion of a report.

    Written as SVG directly, not through matplotlib: a report draws one per criterion, and
    matplotlib's layout machinery cost more than a tenth of the 1,000-evaluation summary's
    build for a figure this plain. Text is measured in the font the SVG names (DejaVu
    Sans, as `_text_width` measures it), so nothing is clipped or overlaps. Hatches are
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
        from matplotlib.ticker import MaxNLocator  # pure arithmetic: no figure involved

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
        tick_width = max((_text_width(str(t), size=font) for t in ticks), default=0)
        left = 4 + font + 6 + tick_width + 6  # y label, gap, tick labels, tick marks
        plot_top = font + 6  # room for the tallest bar's total
        bottom = plot_top + plot_h
        legend_x = left + plot_w + 14
        legend_w = 22 + max((_text_width(s.label, size=font) for s in self.series), default=0)
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


@dataclass(frozen=True)
class ColumnLabels:
    """What a heatmap prints over its columns, and the legend for what it had to shorten."""

    ticks: list[str]  # over each column, lines separated by "\n"
    names: list[str]  # each column's name without its parenthesised gloss, for tables
    legend: list[tuple[str, str]]  # (printed label, full label), in column order


# Geometry of the heatmap, in inches: the page's text block is 6.9 in wide.
_HEATMAP_WIDTH = 6.7
_CELL_HEIGHT = 0.27
_TICK_SIZE = 7  # pt
_VALUE_SIZE = 7.5  # pt
_MAX_LABEL_LINES = 3
_TEXT_TO_PATH = TextToPath()
# Rows per figure: a taller figure would not fit one A4 page with its title and labels.
HEATMAP_MAX_ROWS = 30


@functools.cache
def _text_width(text: str, *, size: float = _TICK_SIZE) -> float:
    """Width of `text` at `size` (the tick size unless told), in points, as matplotlib
    will draw it in SVG."""
    from matplotlib.font_manager import FontProperties

    properties = FontProperties(family="DejaVu Sans", size=size)
    width, _height, _descent = _TEXT_TO_PATH.get_text_width_height_descent(
        text, properties, ismath=False
    )
    return width


def _row_label_width(rows: Sequence[str]) -> float:
    return 0.15 + max((_text_width(row) for row in rows), default=0) / 72


def _cell_width(rows: Sequence[str], column_count: int) -> float:
    available = _HEATMAP_WIDTH - _row_label_width(rows)
    return max(0.3, min(0.8, available / max(column_count, 1)))


def _wrap(text: str, width: float) -> list[str] | None:
    """`text` in lines no wider than `width` points, broken between words only; None if a
    word alone is wider or it takes more than three lines."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        elif _text_width(word) <= width:
            lines.append(word)
        else:
            return None
    return lines if len(lines) <= _MAX_LABEL_LINES else None


def _key(index: int) -> str:
    """A, B, ... Z, AA, AB, ...: short keys for columns whose names do not fit."""
    key = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        key = chr(ord("A") + remainder) + key
    return key


def column_labels(labels: Sequence[str], *, rows: Sequence[str]) -> ColumnLabels:
    """Labels that fit their columns on at most three horizontal lines (never rotated,
    never overlapping): the name without a parenthesised gloss ("CBRN (chemical, ...)"
    prints as "CBRN"), wrapped to the column's width as measured in the font. If one of
    them still does not fit (many columns, a long name, a longer translation), every
    column gets a letter instead, so the columns read alike. The legend names each
    column whose label is not its full name."""
    width = _cell_width(rows, len(labels)) * 72 - 4  # a little air between columns
    names = [
        (label.split(" (", 1)[0].strip() or label) if label.endswith(")") else label
        for label in labels
    ]
    wrapped = [_wrap(name, width) for name in names]
    if all(wrapped):
        ticks = ["\n".join(lines) for lines in wrapped]
    else:
        ticks = [_key(index) for index in range(len(labels))]
    legend = [
        (tick.replace("\n", " "), label)
        for tick, label in zip(ticks, labels, strict=True)
        if tick.replace("\n", " ") != label
    ]
    return ColumnLabels(ticks=ticks, names=names, legend=legend)


def _relative_luminance(rgb: Sequence[float]) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: Sequence[float], second: Sequence[float]) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours (channels 0-1)."""
    light, dark = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(face: Sequence[float]) -> str:
    """Black or white, whichever contrasts more with `face`: at least 4.58:1 on any grey
    (the two ratios cross at a luminance of 0.18), so WCAG AA holds on every cell."""
    on_black = contrast_ratio(face, (0, 0, 0))
    on_white = contrast_ratio(face, (1, 1, 1))
    return "#000000" if on_black >= on_white else "#ffffff"


def heatmap_figure(
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
):
    """The figure of `heatmap`, for tests that measure where its labels fall."""
    cell_width = _cell_width(rows, len(columns))
    label_lines = max((column.count("\n") + 1 for column in columns), default=1)
    width = _row_label_width(rows) + cell_width * len(columns)
    header = 0.3 + label_lines * _TICK_SIZE * 1.25 / 72
    height = header + _CELL_HEIGHT * len(rows)
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)  # tests draw it to measure where its labels fall
    # The grid fills the figure below the header and right of the row labels, so cells
    # keep their size whatever the number of rows and columns.
    axes = figure.add_axes(
        (
            _row_label_width(rows) / width,
            0,
            cell_width * len(columns) / width,
            _CELL_HEIGHT * len(rows) / height,
        )
    )
    cmap = colormaps["Greys"]
    span = (high - low) or 1
    for r, row_values in enumerate(values):
        for c, value in enumerate(row_values):
            if suppressed[r][c]:
                axes.add_artist(
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
                    fontsize=_VALUE_SIZE,
                    color="#000000",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.2},
                )
            elif value is None:
                axes.add_artist(
                    Rectangle(
                        (c - 0.5, r - 0.5),
                        1,
                        1,
                        facecolor="white",
                        edgecolor="#c0c0c0",
                        linewidth=0.4,
                    )
                )
                axes.text(c, r, empty_label, ha="center", va="center", color="#000000")
            else:
                # Never the darkest end, so the grid lines and hatching stay visible.
                face = cmap(0.08 + 0.72 * (min(max(value, low), high) - low) / span)
                axes.add_artist(
                    Rectangle(
                        (c - 0.5, r - 0.5), 1, 1, facecolor=face, edgecolor="white", linewidth=0.8
                    )
                )
                axes.text(
                    c,
                    r,
                    format(value, value_format),
                    ha="center",
                    va="center",
                    fontsize=_VALUE_SIZE,
                    color=text_colour(face),
                    fontweight="bold",
                )
    axes.set_xlim(-0.5, len(columns) - 0.5)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.xaxis.tick_top()
    axes.set_xticks(range(len(columns)), columns, fontsize=_TICK_SIZE, linespacing=1.1)
    axes.set_yticks(range(len(rows)), rows, fontsize=_TICK_SIZE)
    axes.tick_params(length=0, colors=INK, pad=3)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(colour_label, loc="left", fontsize=7.5, color=INK, pad=6)
    return figure


def heatmap(**kwargs) -> str:
    """Rows x columns of values on a light-to-dark grey scale, each value printed in its
    cell in black or white (whichever contrasts more); suppressed cells hatched and
    labelled, empty cells blank with a dash. Column labels come from `column_labels`.
    Arguments as `heatmap_figure`."""
    figure = heatmap_figure(**kwargs)
    # The crop of bbox_inches="tight" without its pass over the value in every cell: they
    # lie inside the grid, which its tick labels and title enclose. Measured at the SVG
    # backend's 72 dpi, as savefig will draw it.
    dpi = figure.dpi
    figure.set_dpi(72)
    renderer = RendererSVG(*(figure.get_size_inches() * 72), io.StringIO())
    crop = figure.get_tightbbox(renderer, bbox_extra_artists=[]).padded(_PAD)
    figure.set_dpi(dpi)
    return _svg(figure, bbox=crop)
