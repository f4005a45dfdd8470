"""Merging tagged PDFs (WeasyPrint's PDF/UA-1) into one tagged PDF with pypdf.

pypdf copies pages, their contents and annotations, but not the logical structure, the
named destinations or the outlines; those are joined here:

- one StructTreeRoot whose Document element holds each part's top-level elements in
  order, each element's /P pointing into the merged tree;
- one ParentTree (marked content -> element): each part's keys, the pages'
  /StructParents and the annotations' /StructParent, shifted past the keys of the parts
  before; ParentTreeNextKey after the last; the parts' RoleMaps;
- table header IDs (/ID, /Headers) made unique: WeasyPrint numbers them per part;
- named destinations, so internal links keep working (a name that two parts both use is
  renamed in the later part, together with that part's links);
- the outlines (bookmarks) of every part, one after the other at the top level;
- /Lang, /MarkInfo /Marked, /ViewerPreferences (DisplayDocTitle), the XMP metadata
  (which declares PDF/UA: pdfuaid) and the document information of the first part.

Pages, annotations, destinations and outlines are cloned with pypdf, whose per-reader id
map copies each object once. Structure elements are many (some 480,000 in a
1,000-evaluation edition) and are written straight to bytes through an id map of their
own (`pdfwrite.StructureCopy`), again once each: an element reached from both /K and
the ParentTree is one object. The result is written with object streams
(`pdfwrite.write_compact`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
    create_string_object,
)

from reports.editions.pdfwrite import StructureCopy, write_compact


def merge_tagged_pdfs(parts: Sequence[tuple[bytes, int]]) -> tuple[bytes, int]:
    """The merged PDF and its page count; ValueError if a page was lost or a part is not
    tagged."""
    writer = PdfWriter()
    merge = _TaggedMerge(writer)
    expected = 0
    for index, (content, pages) in enumerate(parts):
        reader = PdfReader(io.BytesIO(content))
        if len(reader.pages) != pages:
            raise ValueError(f"A part has {len(reader.pages)} pages, expected {pages}.")
        merge.add(reader, index=index)
        # Nothing of a finished part is cloned again, but pypdf keeps every reader (its
        # map of merged pages refers to them): drop the id map and the parsed objects,
        # half the merge's memory (a 1,000-evaluation edition has 51 parts).
        writer.reset_translation(reader)
        reader.resolved_objects.clear()
        expected += pages
    merge.finish(PdfReader(io.BytesIO(parts[0][0])))
    content = write_compact(writer)
    merged = len(PdfReader(io.BytesIO(content)).pages)
    if merged != expected:
        raise ValueError(f"The merged PDF has {merged} pages, expected {expected}.")
    return content, merged


class _TaggedMerge:
    """The merged document's structure tree, destinations and outlines, part by part."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.tree = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.tree_ref = self._add(self.tree)
        self.document = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/Document"),
                NameObject("/P"): self.tree_ref,
                NameObject("/K"): ArrayObject(),
            }
        )
        self.document_ref = self._add(self.document)
        self.nums = ArrayObject()
        self.next_key = 0
        self.role_map = DictionaryObject()
        self.destinations: dict[str, PdfObject] = {}
        self.outline = DictionaryObject({NameObject("/Count"): NumberObject(0)})
        self.outline_ref = self._add(self.outline)

    def _add(self, obj: PdfObject) -> IndirectObject:
        return self.writer._add_object(obj)  # noqa: SLF001 - pypdf has no public way to add a new object

    def add(self, reader: PdfReader, *, index: int) -> None:
        root = reader.root_object
        if "/StructTreeRoot" not in root:
            raise ValueError(f"Part {index + 1} is not tagged: it cannot join a tagged PDF.")
        # Pages first: the structure elements refer to them and to their annotations.
        pages = [(page, self._add_page(page, self.next_key)) for page in reader.pages]
        self._add_structure(root["/StructTreeRoot"], pages, index=index)
        self._add_destinations(root, [new for _page, new in pages], index=index)
        self._add_outline(root)

    def _add_page(self, page: PageObject, offset: int) -> PageObject:
        new = self.writer.add_page(page)  # leaves /StructParents out: set it, shifted
        if "/StructParents" in page:
            new[NameObject("/StructParents")] = NumberObject(page["/StructParents"] + offset)
        for annotation in _resolved(new, "/Annots", ()):
            annotation = annotation.get_object()
            if "/StructParent" in annotation:
                annotation[NameObject("/StructParent")] = NumberObject(
                    annotation["/StructParent"] + offset
                )
        return new

    def _add_structure(
        self, tree: DictionaryObject, pages: list[tuple[PageObject, PageObject]], *, index: int
    ) -> None:
        copy = StructureCopy(self.writer, pages, id_prefix=f"p{index}-" if index else "")
        top = _kids(tree)
        copy.known[tree.indirect_reference.idnum] = self.tree_ref
        # WeasyPrint writes one Document element; its children join the merged one, and
        # what pointed at the part's Document points at the merged one: its children,
        # and the NonStruct elements of the running headers and page numbers, which
        # WeasyPrint gives that parent without listing them in its /K (so do we).
        if len(top) == 1 and top[0].get_object().get("/S") == "/Document":
            copy.known[top[0].idnum] = self.document_ref
            top = _kids(top[0].get_object())
        offset = self.next_key
        self.document["/K"].extend(copy.reference(kid) for kid in top)
        keys = []
        for key, value in _tree_leaves(tree["/ParentTree"], "/Nums"):
            keys.append(int(key))
            self.nums.append(NumberObject(int(key) + offset))
            resolved = value.get_object()
            if isinstance(resolved, ArrayObject):
                self.nums.append(ArrayObject(copy.reference(item) for item in resolved))
            else:
                self.nums.append(copy.reference(value))
        copy.finish()
        self.next_key = offset + int(
            _resolved(tree, "/ParentTreeNextKey", max(keys, default=-1) + 1)
        )
        for role, standard in _resolved(tree, "/RoleMap", {}).items():
            self.role_map.setdefault(NameObject(role), standard.clone(self.writer))

    def _add_destinations(
        self, root: DictionaryObject, new_pages: list[PageObject], *, index: int
    ) -> None:
        names = _resolved(_resolved(root, "/Names", {}), "/Dests", None)
        if names is None:
            return
        renamed = {}
        for name, destination in _tree_leaves(names, "/Names"):
            name = str(name)
            if name in self.destinations:
                renamed[name] = f"{name}~{index}"
            self.destinations[renamed.get(name, name)] = destination.clone(self.writer)
        if not renamed:
            return
        for page in new_pages:
            for annotation in _resolved(page, "/Annots", ()):
                annotation = annotation.get_object()
                target = str(_resolved(annotation, "/Dest", ""))
                if target in renamed:
                    annotation[NameObject("/Dest")] = TextStringObject(renamed[target])

    def _add_outline(self, root: DictionaryObject) -> None:
        outlines = _resolved(root, "/Outlines", None)
        if outlines is None or "/First" not in outlines.get_object():
            return
        outlines = outlines.get_object()
        # /Parent is set below: cloned, it would copy the part's outline root too.
        first = outlines.raw_get("/First").clone(self.writer, ignore_fields=["/Parent"])
        if "/Last" in self.outline:
            last = self.outline.raw_get("/Last")
            last.get_object()[NameObject("/Next")] = first
            first.get_object()[NameObject("/Prev")] = last
        else:
            self.outline[NameObject("/First")] = first
        self.outline[NameObject("/Last")] = _adopt_outline(first, parent=self.outline_ref)
        self.outline[NameObject("/Count")] = NumberObject(
            self.outline["/Count"] + int(_resolved(outlines, "/Count", 0))
        )

    def finish(self, first: PdfReader) -> None:
        catalog = self.writer.root_object
        self.tree[NameObject("/K")] = self.document_ref
        self.tree[NameObject("/ParentTree")] = self._add(
            DictionaryObject({NameObject("/Nums"): self.nums})
        )
        self.tree[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)
        if self.role_map:
            self.tree[NameObject("/RoleMap")] = self.role_map
        catalog[NameObject("/StructTreeRoot")] = self.tree_ref
        catalog[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(True)}
        )
        if "/First" in self.outline:
            catalog[NameObject("/Outlines")] = self.outline_ref
        if self.destinations:
            flat = ArrayObject()
            # A name tree's keys are sorted as byte strings.
            for name in sorted(
                self.destinations, key=lambda n: create_string_object(n).original_bytes
            ):
                flat.extend((TextStringObject(name), self.destinations[name]))
            catalog[NameObject("/Names")] = DictionaryObject(
                {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): flat})}
            )
        source = first.root_object
        for key in ("/Lang", "/ViewerPreferences", "/Metadata"):
            if key in source:
                catalog[NameObject(key)] = source.raw_get(key).clone(self.writer)
        if first.metadata:
            self.writer.add_metadata(
                {key: value for key, value in first.metadata.items() if isinstance(value, str)}
            )


def _resolved(node, key: str, default):
    """node[key] with references followed (`get` would hand back a reference)."""
    return node[key] if key in node else default  # noqa: SIM401 - pypdf get() returns the reference unresolved


def _kids(node: DictionaryObject) -> list:
    """The /K entry of a structure node as a list (one object or an array)."""
    if "/K" not in node:
        return []
    kids = node["/K"]
    return list(kids) if isinstance(kids, ArrayObject) else [node.raw_get("/K")]


def _tree_leaves(node: PdfObject, leaves_key: str) -> list[tuple[PdfObject, PdfObject]]:
    """The (key, value) pairs of a number tree (/Nums) or a name tree (/Names), in order;
    values as stored (references stay references, to be copied)."""
    node = node.get_object()
    pairs = []
    if leaves_key in node:
        flat = node[leaves_key]
        pairs.extend((flat[i], flat[i + 1]) for i in range(0, len(flat), 2))
    for kid in _resolved(node, "/Kids", ()):
        pairs.extend(_tree_leaves(kid, leaves_key))
    return pairs


def _adopt_outline(first: IndirectObject, *, parent: IndirectObject) -> IndirectObject:
    """Set /Parent along a chain of outline items and their children; returns the last
    item of the chain."""
    item = first
    while True:
        node = item.get_object()
        node[NameObject("/Parent")] = parent
        if "/First" in node:
            _adopt_outline(node.raw_get("/First"), parent=item)
        if "/Next" not in node:
            return item
        item = node.raw_get("/Next")
