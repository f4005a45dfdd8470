"""The aggregate pages' number filter: floatformat's rounding and each language's separator,
also when a value was formatted before in another language."""

from django.template.defaultfilters import floatformat
from django.utils import translation

from reviews.selectors.aggregates import score_stats
from reviews.templatetags.aggregate_tags import figure, mean_cells


def test_figure_rounds_half_up_in_each_languages_format():
    with translation.override("en"):
        english = [figure(0.125), figure(2.675), figure(2.0), figure(8 / 3)]
    with translation.override("da"):
        danish = [figure(0.125), figure(2.675), figure(2.0), figure(8 / 3)]
        assert danish == [floatformat(v, 2) for v in (0.125, 2.675, 2.0, 8 / 3)]

    assert english == ["0.13", "2.68", "2.00", "2.67"]
    assert danish == ["0,13", "2,68", "2,00", "2,67"]


def test_figure_of_nothing_is_a_dash_read_out():
    with translation.override("en"):
        assert figure(None) == (
            '<span aria-hidden="true">–</span><span class="visually-hidden">not available</span>'
        )


def test_mean_cells_mark_disagreement():
    with translation.override("en"):
        html = mean_cells([score_stats([1, 3]), score_stats([]), score_stats([2, 2])])

    assert html.count("<td") == 3
    assert html.startswith('<td class="text-end">2.00<span class="badge text-bg-warning ms-1">')
    assert html.count("badge") == 1
    assert html.endswith('<td class="text-end">2.00</td>')
