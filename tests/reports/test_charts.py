"""The charts of the PDFs: the heatmap's labels fit and never overlap at any size, its
numbers are readable on every shade, and the chart carries its values as text."""

import base64
import itertools
import re

import pytest
from matplotlib import pyplot as plt

from reports.data import report_data
from reports.editions import charts, heatmaps
from reports.editions.summary import summary_context

SCALE = {
    "low": 0,
    "high": 4,
    "places": 2,
    "suppressed_label": "< 3",
    "empty_label": "–",
    "colour_label": "Mean level (0–4), darker is higher",
}
RISK_AREAS = [
    "CBRN (chemical, biological, radiological, nuclear)",
    "Loss of control",
    "Cyber offence",
    "Harmful manipulation",
    "Public health",
    "Safety",
    "Public security",
    "Fundamental rights",
    "Society as a whole",
]


def _figure(*, rows: int, columns: list[str]):
    codes = [f"C{index:02d}" for index in range(rows)]
    labels = heatmaps.column_labels(columns, rows=codes)
    values = [[(r + c) % 5 for c in range(len(columns))] for r in range(rows)]
    figure = heatmaps.heatmap_figure(
        rows=codes,
        columns=labels.ticks,
        values=values,
        suppressed=[[False] * len(columns) for _ in range(rows)],
        **SCALE,
    )
    figure.canvas.draw()
    return figure


def _boxes(texts) -> list:
    renderer = texts[0].figure.canvas.get_renderer()
    return [text.get_window_extent(renderer) for text in texts if text.get_text()]


def _overlapping(boxes) -> list:
    return [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


def test_risk_area_names_fit_their_columns_and_a_gloss_goes_to_the_legend():
    labels = heatmaps.column_labels(RISK_AREAS, rows=["C00", "C50"])

    assert labels.ticks == [
        "CBRN",
        "Loss of\ncontrol",
        "Cyber\noffence",
        "Harmful\nmanipulation",
        "Public health",
        "Safety",
        "Public\nsecurity",
        "Fundamental\nrights",
        "Society as a\nwhole",
    ]
    assert labels.names[0] == "CBRN"
    assert labels.legend == [("CBRN", RISK_AREAS[0])]


def test_names_that_do_not_fit_become_letters_with_a_legend():
    columns = [*RISK_AREAS, "Red-teaming and adversarial testing", "Automated evaluations"]

    labels = heatmaps.column_labels(columns, rows=["REL-1"])

    assert labels.ticks == list("ABCDEFGHIJK")
    assert labels.legend == list(zip("ABCDEFGHIJK", columns, strict=True))


@pytest.mark.parametrize(
    ("rows", "columns"),
    [
        (3, RISK_AREAS[:2]),
        (11, RISK_AREAS),  # the benchmark's 1,000-evaluation workshop
        (30, RISK_AREAS),
        (30, [f"Risk area with a long name number {n}" for n in range(20)]),
    ],
)
def test_heatmap_labels_never_overlap(rows, columns):
    figure = _figure(rows=rows, columns=columns)
    axes = figure.axes[0]

    x_boxes = _boxes(axes.get_xticklabels())
    y_boxes = _boxes(axes.get_yticklabels())
    plt.close(figure)

    assert (len(x_boxes), len(y_boxes)) == (len(columns), rows)
    assert _overlapping(x_boxes) == []
    assert _overlapping(y_boxes) == []
    # Each column label stays within its column (plus the gap between columns).
    cell = (axes.get_window_extent().width) / len(columns)
    assert max(box.width for box in x_boxes) <= cell


@pytest.mark.parametrize(
    "columns", [RISK_AREAS, [f"Risk area with a long name number {n}" for n in range(20)]]
)
def test_heatmap_fits_the_page_width(columns):
    figure = _figure(rows=11, columns=columns)
    width, _height = figure.get_size_inches()
    plt.close(figure)

    assert width <= 6.9  # A4 less the margins of the print CSS


def test_numbers_contrast_with_every_shade_of_the_scale():
    greys = plt.get_cmap("Greys")
    black, white = (0, 0, 0), (1, 1, 1)
    faces = [greys(0.08 + 0.72 * step / 100) for step in range(101)]

    ratios = [
        heatmaps.contrast_ratio(face, black if heatmaps.text_colour(face) == "#000000" else white)
        for face in faces
    ]

    assert min(ratios) >= 4.5


def test_heatmap_prints_its_values_as_text():
    svg = heatmaps.heatmap(
        rows=["REL-1", "VAL-1"],
        columns=["CBRN", "Cyber\noffence"],
        values=[[2.6667, None], [None, 1.5]],
        suppressed=[[False, True], [False, False]],
        **SCALE,
    )
    text = base64.b64decode(svg.removeprefix("data:image/svg+xml;base64,")).decode()

    for value in ("2.67", "1.50", "&lt; 3", "–", "REL-1", "CBRN", "Cyber", "offence"):
        assert value in text


def test_many_criteria_make_several_heatmaps(scored_workshop, monkeypatch):
    monkeypatch.setattr(heatmaps, "HEATMAP_MAX_ROWS", 2)
    data = report_data(workshop=scored_workshop["workshop"])

    heatmap = summary_context(data, internal=False)["heatmap"]

    assert len(heatmap["charts"]) == 2  # REL-1 and VAL-1, then ELI-2
    assert heatmap["columns"] == ["CBRN", "Cyber offence"]
    assert heatmap["legend"] == [("CBRN", RISK_AREAS[0])]
    assert [row["cells"] for row in heatmap["table"]] == [
        ["2.67", "fewer than 3"],
        ["fewer than 3", "fewer than 3"],
        ["fewer than 3", "fewer than 3"],
    ]


def _view_box(svg: str) -> list[float]:
    text = base64.b64decode(svg.removeprefix("data:image/svg+xml;base64,")).decode()
    return [float(n) for n in text.split('viewBox="', 1)[1].split('"', 1)[0].split()]


def _svg_text(svg: str) -> str:
    return base64.b64decode(svg.removeprefix("data:image/svg+xml;base64,")).decode()


@pytest.mark.parametrize("scale", [1, 7, 41, 1000, 2_000_000])
def test_bar_charts_print_their_totals_and_fit_their_box(scale):
    """Every total over its bar, every category and legend entry, y ticks in whole
    numbers up to the tallest bar, and nothing drawn outside the SVG's box, whatever
    the scale (the tick labels' width changes the layout)."""
    import xml.etree.ElementTree as ET

    series = [
        charts.Series("aligned", "Aligned with the criterion", "#f2f2f2", "///"),
        charts.Series("gap", "Gap", "#7a7a7a", ""),
        charts.Series("refine", "Criterion needs refinement", "#c8c8c8", "xxx"),
    ]
    chart = charts.StackedBars(categories=["0", "1", "2"], series=series, y_label="Scores")
    values = [[scale, 2 * scale, 0], [0, scale, 3 * scale], [scale, 0, 0]]
    totals = [str(sum(column)) for column in zip(*values, strict=True)]

    root = ET.fromstring(_svg_text(chart.svg(values=values, totals_label=totals)))

    ns = {"s": "http://www.w3.org/2000/svg"}
    texts = [t.text for t in root.iterfind(".//s:text", ns)]
    for expected in [*totals, "0", "1", "2", "Scores", *(item.label for item in series)]:
        assert expected in texts
    ticks = [int(t) for t in texts if t and t.isdigit() and int(t) % scale == 0]
    assert max(ticks) <= 3 * scale * 1.22
    width, height = (float(root.get(name)) for name in ("width", "height"))
    for rect in root.iterfind(".//s:rect", ns):
        x, y = float(rect.get("x")), float(rect.get("y"))
        assert x >= 0 and x + float(rect.get("width")) <= width
        assert y >= 0 and y + float(rect.get("height")) <= height
    # Hatched series are filled with their pattern (greyscale: not by colour alone).
    fills = {rect.get("fill") for rect in root.iterfind(".//s:rect", ns)}
    assert {"url(#h0)", "url(#h1)"} <= fills


def test_bar_heights_are_proportional_to_the_values():
    series = [charts.Series("gap", "Gap", "#7a7a7a", "")]
    chart = charts.StackedBars(categories=["0", "1"], series=series, y_label="Scores")
    svg = _svg_text(chart.svg(values=[[10, 30]], totals_label=["10", "30"]))

    heights = [
        float(h)
        for h in re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"', svg)
    ]

    assert heights[1] == pytest.approx(3 * heights[0], rel=0.01)


@pytest.mark.parametrize(
    "rows, columns",
    [(11, RISK_AREAS), (2, RISK_AREAS[:2]), (30, [f"Risk area number {n}" for n in range(20)])],
)
def test_the_heatmap_is_cropped_as_savefig_tight_would(rows, columns):
    """The heatmap's crop leaves out the values in its cells (they lie inside the grid):
    the same crop as bbox_inches="tight", which measures every one of them."""
    codes = [f"C{index:02d}" for index in range(rows)]
    arguments = {
        "rows": codes,
        "columns": heatmaps.column_labels(columns, rows=codes).ticks,
        "values": [[(r + c) % 5 or None for c in range(len(columns))] for r in range(rows)],
        "suppressed": [[(r * c) % 5 == 1 for c in range(len(columns))] for r in range(rows)],
        **SCALE,
    }

    cropped = _view_box(heatmaps.heatmap(**arguments))
    tight = _view_box(charts.svg_url(heatmaps.heatmap_figure(**arguments), bbox="tight"))

    assert cropped == pytest.approx(tight, abs=0.01)
