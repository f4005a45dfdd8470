"""The internal edition of a large workshop: rendered in parts and merged into one tagged PDF.

SINGLE_PASS_MAX and CHUNK are lowered so that the four evaluations of the scored workshop
make three parts: the summary, then two annex chunks of two evaluations.
"""

import io
import re
from unittest import mock

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from reports.editions import common
from reports.editions.pdfmerge import merge_tagged_pdfs
from reports.models import ReportJob
from tests.reports.conftest import SUBMISSIONS
from tests.reports.helpers import build, keep_copy

ANNEX = "Annex: the evaluations one by one"


@pytest.fixture
def merged(scored_workshop, staff, django_capture_on_commit_callbacks):
    """The merged edition's reader and the readers of the parts it was merged from."""
    parts = []

    def recording_merge(rendered):
        parts.extend(rendered)
        return common.merge_pdfs(rendered)

    with (
        mock.patch("reports.editions.internal.SINGLE_PASS_MAX", 1),
        mock.patch("reports.editions.internal.CHUNK", 2),
        mock.patch("reports.editions.internal.merge_pdfs", recording_merge),
    ):
        job = build(
            django_capture_on_commit_callbacks,
            workshop=scored_workshop["workshop"],
            kind=ReportJob.Kind.INTERNAL_EDITION,
            params={"include_ai_office_only": True},
            user=staff,
        )
    keep_copy(job, "internal-merged-tagged.pdf")
    with job.file.open("rb") as handle:
        # strict: the merge writes its own object streams and cross-reference stream.
        reader = PdfReader(io.BytesIO(handle.read()), strict=True)
    return {
        "job": job,
        "reader": reader,
        "parts": [PdfReader(io.BytesIO(content)) for content, _pages in parts],
    }


def _kids(element: DictionaryObject) -> list:
    if "/K" not in element:
        return []
    kids = element["/K"]
    return list(kids) if isinstance(kids, ArrayObject) else [element.raw_get("/K")]


def _document_reference(reader: PdfReader) -> IndirectObject:
    (document,) = _kids(reader.trailer["/Root"]["/StructTreeRoot"])
    assert document.get_object()["/S"] == "/Document"
    return document


def _document(reader: PdfReader) -> DictionaryObject:
    return _document_reference(reader).get_object()


def _elements(reader: PdfReader) -> dict[int, tuple[DictionaryObject, int | None]]:
    """Every structure element below the Document element: id number -> (element, id
    number of the parent it was reached from)."""
    found = {}
    document = _document_reference(reader)
    stack = [(kid, document.idnum) for kid in _kids(document.get_object())]
    while stack:
        reference, parent = stack.pop()
        if not isinstance(reference, IndirectObject):
            continue
        element = reference.get_object()
        if "/S" not in element:
            continue  # an OBJR (annotation) or MCR
        assert reference.idnum not in found, "an element reached twice"
        found[reference.idnum] = (element, parent)
        stack.extend((kid, reference.idnum) for kid in _kids(element))
    return found


def _parent_tree(reader: PdfReader) -> dict[int, object]:
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def _ancestry(reference: IndirectObject) -> list[int]:
    """Id numbers along the /P chain, from the element itself up to the tree's root."""
    chain = [reference.idnum]
    while "/P" in reference.get_object():
        reference = reference.get_object().raw_get("/P")
        assert reference.idnum not in chain, "a loop of parents"
        chain.append(reference.idnum)
    return chain


def _all_elements(reader: PdfReader) -> set[int]:
    """Elements under /K, and those reached from the ParentTree with their parents:
    WeasyPrint's running headers and page numbers are not listed in the /K tree."""
    found = set(_elements(reader))
    for value in _parent_tree(reader).values():
        for reference in value if isinstance(value, ArrayObject) else [value]:
            found.update(_ancestry(reference)[:-2])  # not the Document, not the root
    return found


def _outline(reader: PdfReader, items=None) -> list[tuple[str, int]]:
    result = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            result.extend(_outline(reader, item))
        else:
            result.append((item.title, reader.get_destination_page_number(item)))
    return result


def _page_text(reader: PdfReader, number: int) -> str:
    return re.sub(r"\s+", " ", reader.pages[number].extract_text())


def test_merged_edition_has_one_structure_tree_keyed_by_every_page_and_link(merged):
    reader, parts = merged["reader"], merged["parts"]

    assert len(parts) == 3
    assert len(_kids(_document(reader))) == sum(len(_kids(_document(p))) for p in parts)
    elements = _elements(reader)
    assert len(elements) == sum(len(_elements(part)) for part in parts)
    # Each element points back at the element it hangs from.
    document = _document_reference(reader)
    for element, parent in elements.values():
        assert element.raw_get("/P").idnum == parent
    assert _document(reader).raw_get("/P").idnum == (
        reader.trailer["/Root"].raw_get("/StructTreeRoot").idnum
    )
    assert document.idnum not in elements

    # The ParentTree: a key per page and per link, the parts' keys shifted.
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    parent_tree = _parent_tree(reader)
    page_keys = [page["/StructParents"] for page in reader.pages]
    annotation_keys = [
        annotation.get_object()["/StructParent"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
    ]
    assert len(page_keys) == len(reader.pages)
    assert len(set(page_keys + annotation_keys)) == len(page_keys) + len(annotation_keys)
    assert set(parent_tree) == set(page_keys + annotation_keys)
    assert tree["/ParentTreeNextKey"] == max(parent_tree) + 1
    assert len(parent_tree) == sum(len(_parent_tree(part)) for part in parts)
    # The ParentTree points at the elements of the merged tree, and no element was
    # copied twice (once from /K, once from the ParentTree).
    document = _document_reference(reader).idnum
    root = reader.trailer["/Root"].raw_get("/StructTreeRoot").idnum
    for key in page_keys:
        assert len(parent_tree[key]) > 0
        for reference in parent_tree[key]:
            assert _ancestry(reference)[-2:] == [document, root]
    for key in annotation_keys:
        assert elements[parent_tree[key].idnum][0]["/S"] == "/Link"
    assert len(_all_elements(reader)) == sum(len(_all_elements(part)) for part in parts)


def test_merged_edition_declares_pdf_ua_and_keeps_header_ids_unique(merged, scored_workshop):
    root = merged["reader"].trailer["/Root"]

    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_data().decode()
    assert 'pdfuaid:part="1"' in xmp
    title = f"{scored_workshop['workshop'].title}: Internal edition"
    assert merged["reader"].metadata.title == title
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp

    # Table header IDs: WeasyPrint numbers them per part; merged, they stay unique.
    ids, headers = [], []
    for element, _parent in _elements(merged["reader"]).values():
        if "/ID" in element:
            ids.append(str(element["/ID"]))
        attributes = element.get("/A")
        if isinstance(attributes, DictionaryObject) and "/Headers" in attributes:
            headers.extend(str(header) for header in attributes["/Headers"])

    assert len(ids) > 0
    assert len(ids) == len(set(ids))
    assert len(headers) > 0
    assert set(headers) <= set(ids)


def test_merged_outline_and_links_point_to_the_pages_with_the_headings(merged):
    reader, parts = merged["reader"], merged["parts"]
    outline = _outline(reader)

    assert len(outline) == sum(len(_outline(part)) for part in parts)
    titles = [title for title, _page in outline]
    annex_titles = [SUBMISSIONS[key][0] for key in ("S2", "S1", "S4", "S3")]  # title order
    assert [title for title in titles if title in annex_titles] == annex_titles
    assert titles.index(ANNEX) < titles.index(annex_titles[0])
    for title in (ANNEX, *annex_titles, "Executive summary", "Method"):
        page = dict(outline)[title]
        assert title in _page_text(reader, page), title
    assert reader.trailer["/Root"]["/Outlines"]["/Count"] == sum(
        part.trailer["/Root"]["/Outlines"]["/Count"] for part in parts
    )

    # Internal links (the contents) still reach their headings.
    destinations = reader.named_destinations
    links = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/Dest" in annotation.get_object()
    ]

    assert len(links) > 0
    targets = {str(link["/Dest"]) for link in links}
    assert targets <= set(destinations)
    method = reader.get_destination_page_number(destinations["method"])
    assert "Method" in _page_text(reader, method)


def test_merging_an_untagged_part_is_refused():
    from weasyprint import HTML

    tagged = HTML(string="<html lang='en'><title>T</title><p>One</p>").write_pdf(
        pdf_variant=common.PDF_VARIANT, pdf_tags=True
    )
    untagged = HTML(string="<html lang='en'><title>T</title><p>Two</p>").write_pdf()

    with pytest.raises(ValueError, match="Part 2 is not tagged"):
        merge_tagged_pdfs([(tagged, 1), (untagged, 1)])


def test_merging_refuses_a_part_with_missing_pages():
    content, pages = common.html_to_pdf("<html lang='en'><title>T</title><p>One</p>")

    with pytest.raises(ValueError, match="A part has 1 pages, expected 2"):
        merge_tagged_pdfs([(content, pages + 1)])
