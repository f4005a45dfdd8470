"""The feedback report's chart, written as SVG directly: a bulk run draws one per
evaluation, and matplotlib (charts.py) cost a fifth of each feedback report, besides
half a second and about 40 MB to import in each worker process. Same conventions as
charts.py: legible in greyscale (shape, never colour alone), every value printed, embedded
as a data: URL with a text alternative beside it in the template.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reports.editions.common import number

INK = "#1a1a1a"  # as charts.INK, without importing matplotlib


def dot_comparison(
    *,
    rows: Sequence[str],
    first: Sequence[float | None],
    second: Sequence[float | None],
    first_label: str,
    second_label: str,
    low: float,
    high: float,
) -> str:
    """Two values per row on one scale: a filled circle and a hollow diamond (shape, not
    colour, tells them apart), each value printed beside its marker."""
    width, left, right, top, row_height = 620, 60, 30, 14, 30
    plot = width - left - right
    height = top + row_height * len(rows) + 62

    def x_of(value: float) -> float:
        return left + plot * (value - low) / ((high - low) or 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans" font-size="10" fill="{INK}">'
    ]
    axis_y = top + row_height * len(rows)
    for tick in range(int(low), int(high) + 1):
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{axis_y}" '
            'stroke="#dddddd" stroke-width="0.8"/>'
            f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="middle">{tick}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + plot}" y2="{axis_y}" stroke="{INK}"/>'
    )
    for index, (label, a, b) in enumerate(zip(rows, first, second, strict=True)):
        middle = top + row_height * index + row_height / 2
        parts.append(
            f'<text x="{left - 8}" y="{middle + 3.5:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        if a is not None:
            x, y = x_of(a), middle - 5
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.6" fill="{INK}"/>'
                f'<text x="{x + 7:.1f}" y="{y + 3.2:.1f}" font-size="8">{number(a)}</text>'
            )
        if b is not None:
            x, y = x_of(b), middle + 5
            parts.append(
                f'<path d="M{x:.1f} {y - 4.2:.1f} L{x + 4.2:.1f} {y:.1f} L{x:.1f} {y + 4.2:.1f} '
                f'L{x - 4.2:.1f} {y:.1f} Z" fill="white" stroke="{INK}" stroke-width="1.3"/>'
                f'<text x="{x + 7:.1f}" y="{y + 3.2:.1f}" font-size="8">{number(b)}</text>'
            )
    # The legend under the axis, one line per marker, so long labels never clip.
    legend_x, legend_y = left, axis_y + 32
    parts.append(
        f'<circle cx="{legend_x}" cy="{legend_y}" r="3.6" fill="{INK}"/>'
        f'<text x="{legend_x + 10}" y="{legend_y + 3.5}" font-size="9">{escape(first_label)}</text>'
        f'<path d="M{legend_x} {legend_y + 11.8} L{legend_x + 4.2} {legend_y + 16} L{legend_x} '
        f'{legend_y + 20.2} L{legend_x - 4.2} {legend_y + 16} Z" fill="white" stroke="{INK}" '
        f'stroke-width="1.3"/><text x="{legend_x + 10}" y="{legend_y + 19.5}" font-size="9">'
        f"{escape(second_label)}</text></svg>"
    )
    return "data:image/svg+xml;base64," + base64.b64encode("".join(parts).encode()).decode()
