"""The figures of the aggregate pages: a number to two decimals or a dash read out as "not
available", and the disagreement marker. Filters, not includes: the overview renders 550
cells a page, and an include per cell cost more than the rest of the page."""

import functools

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value) -> SafeString:
    """`value` to two decimals, in the language's number format; a dash when None."""
    if value is None:
        return format_html(
            '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>',
            _("not available"),
        )
    return _two_decimals(value, get_language())


@functools.lru_cache(maxsize=4096)
def _two_decimals(value: float, language: str | None) -> SafeString:
    # Means and shares of levels 0-4 take few distinct values; floatformat (Decimal,
    # localisation) was a third of the page. `language` keys the cache: the separator.
    return floatformat(value, 2)


@register.simple_tag
def disagreement_marker() -> SafeString:
    """The badge of a criterion whose reviewers are two levels apart or more."""
    return format_html(
        '<span class="badge text-bg-warning ms-1"><span aria-hidden="true">≥2</span>'
        '<span class="visually-hidden">{}</span></span>',
        _("reviewers disagree by two levels or more"),
    )


@register.simple_tag
def mean_cells(cells) -> SafeString:
    """A submission's row of cells: the mean level per criterion, marked when its reviewers
    disagree. One tag for the row's eleven cells, fifty rows a page."""
    marker = disagreement_marker()
    return format_html_join(
        "",
        '<td class="text-end">{}{}</td>',
        ((figure(cell.mean), marker if cell.disagreement else "") for cell in cells),
    )
