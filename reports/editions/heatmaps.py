"""The heatmap of the summary (mean level per criterion and risk area): matplotlib -> SVG,
legible in greyscale, every value printed in black or white (whichever contrasts more),
suppressed cells hatched and labelled. Its column labels fit their columns, wrapped on
at most three lines, or are replaced by letters with a legend. Built on `charts`, which
sets matplotlib up: import this only where a report is built."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from reports.editions.charts import INK, svg_url, text_width
from reports.editions.common import number

# The air savefig(bbox_inches="tight") leaves around the drawing, in inches.
_PAD = matplotlib.rcParams["savefig.pad_inches"]

# Geometry of the heatmap, in inches: the page's text block is 6.9 in wide.
_HEATMAP_WIDTH = 6.7
_CELL_HEIGHT = 0.27
_TICK_SIZE = 7  # pt
_VALUE_SIZE = 7.5  # pt
_MAX_LABEL_LINES = 3
# Rows per figure: a taller figure would not fit one A4 page with its title and labels.
HEATMAP_MAX_ROWS = 30


@dataclass(frozen=True)
class ColumnLabels:
    """What a heatmap prints over its columns, and the legend for what it had to shorten."""

    ticks: list[str]  # over each column, lines separated by "\n"
    names: list[str]  # each column's name without its parenthesised gloss, for tables
    legend: list[tuple[str, str]]  # (printed label, full label), in column order


def _text_width(text: str) -> float:
    return text_width(text, size=_TICK_SIZE)


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


def _grid(rows: Sequence[str], columns: Sequence[str]) -> tuple[Figure, object]:
    """A figure sized for the grid, and the axes of the grid itself."""
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
    return figure, axes


def _suppressed_cell(axes, c: int, r: int, label: str) -> None:
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
        label,
        ha="center",
        va="center",
        fontsize=_VALUE_SIZE,
        color="#000000",
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.2},
    )


def _empty_cell(axes, c: int, r: int, label: str) -> None:
    axes.add_artist(
        Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="white", edgecolor="#c0c0c0", linewidth=0.4)
    )
    axes.text(c, r, label, ha="center", va="center", color="#000000")


def _value_cell(axes, c: int, r: int, face: Sequence[float], text: str) -> None:
    axes.add_artist(
        Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=face, edgecolor="white", linewidth=0.8)
    )
    axes.text(
        c,
        r,
        text,
        ha="center",
        va="center",
        fontsize=_VALUE_SIZE,
        color=text_colour(face),
        fontweight="bold",
    )


def _label(axes, rows: Sequence[str], columns: Sequence[str], colour_label: str) -> None:
    axes.set_xlim(-0.5, len(columns) - 0.5)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.xaxis.tick_top()
    axes.set_xticks(range(len(columns)), columns, fontsize=_TICK_SIZE, linespacing=1.1)
    axes.set_yticks(range(len(rows)), rows, fontsize=_TICK_SIZE)
    axes.tick_params(length=0, colors=INK, pad=3)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(colour_label, loc="left", fontsize=7.5, color=INK, pad=6)


def heatmap_figure(
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    suppressed: Sequence[Sequence[bool]],
    low: float,
    high: float,
    places: int,
    suppressed_label: str,
    empty_label: str,
    colour_label: str,
) -> Figure:
    """The figure of `heatmap`, for tests that measure where its labels fall."""
    figure, axes = _grid(rows, columns)
    cmap = colormaps["Greys"]
    span = (high - low) or 1
    for r, row_values in enumerate(values):
        for c, value in enumerate(row_values):
            if suppressed[r][c]:
                _suppressed_cell(axes, c, r, suppressed_label)
            elif value is None:
                _empty_cell(axes, c, r, empty_label)
            else:
                # Never the darkest end, so the grid lines and hatching stay visible.
                face = cmap(0.08 + 0.72 * (min(max(value, low), high) - low) / span)
                _value_cell(axes, c, r, face, number(value, places))
    _label(axes, rows, columns, colour_label)
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
    return svg_url(figure, bbox=crop)
