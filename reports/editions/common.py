"""Shared pieces of the PDF editions: number formatting, suppression labels, HTML -> PDF."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from reports.data import Cell
from reports.editions.pdfmerge import merge_tagged_pdfs
from reviews.models import CriterionScore

TAG_LABELS = {
    CriterionScore.Tag.ALIGNED: CriterionScore.Tag.ALIGNED.label,
    CriterionScore.Tag.GAP: CriterionScore.Tag.GAP.label,
    CriterionScore.Tag.REFINE: CriterionScore.Tag.REFINE.label,
}
# One PDF/UA-1 document per WeasyPrint pass: tagged, with /Lang from <html lang>.
PDF_VARIANT = "pdf/ua-1"


def number(value: float | None, places: int = 2) -> str:
    """As the staff pages show it (`floatformat`: rounded half up, localised)."""
    if value is None:
        return "–"
    return floatformat(value, places)


def percent(share: float | None) -> str:
    if share is None:
        return "–"
    return _("%(value)s %%") % {"value": floatformat(share * 100, 0)}


def fewer_than(min_group: int) -> str:
    return _("fewer than %(count)d") % {"count": min_group}


def cell_text(cell: Cell, *, places: int = 2, share: bool = False) -> str:
    if cell.suppressed:
        return fewer_than(cell.min_group)
    if cell.empty:
        return "–"
    return percent(cell.value) if share else number(cell.value, places)


def html_to_pdf(html: str, *, tagged: bool = True) -> tuple[bytes, int]:
    """A PDF of `html` and its page count: tagged PDF/UA-1 (with /Lang from <html lang>),
    also for the parts of a merged edition (`merge_pdfs` joins their structure trees).
    Fetches nothing from outside: only data: URLs (the embedded charts) are allowed, so
    text written by staff cannot make the worker request an address."""
    from weasyprint import HTML  # noqa: PLC0415 -- heavy: loaded by report workers only
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 -- as above

    fetcher = URLFetcher(allowed_protocols={"data"}, timeout=5)
    document = HTML(string=html, url_fetcher=fetcher).render()
    pages = len(document.pages)
    if tagged:
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True), pages
    return document.write_pdf(), pages


def merge_pdfs(parts: Sequence[tuple[bytes, int]]) -> tuple[bytes, int]:
    """Concatenate tagged PDFs into one tagged PDF (structure tree, links, bookmarks and
    metadata joined: see `pdfmerge`) and check that no page was lost on the way."""
    return merge_tagged_pdfs(parts)
