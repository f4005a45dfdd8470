"""Writing the merged PDF (see `pdfmerge`) as bytes, faster and smaller than pypdf would.

- `StructureCopy`: a part's structure elements written straight to bytes, their
  references renumbered, each once (an element reached from both /K and the ParentTree
  is one object), instead of pypdf's clone, which keeps a dictionary per element;
- `write_compact`: the file with its objects in compressed object streams indexed by a
  cross-reference stream (PDF 1.5), as WeasyPrint writes them.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    create_string_object,
)

_OBJECTS_PER_STREAM = 200


def write_compact(writer: PdfWriter) -> bytes:
    """The PDF with its objects, streams apart, in compressed object streams indexed by a
    cross-reference stream (PDF 1.5), as WeasyPrint writes them. pypdf writes each object
    on its own with a line in a cross-reference table: with the structure elements of a
    1,000-evaluation edition, 76 MB where its parts together have 29 MB; this way 19 MB."""
    objects = writer._objects  # noqa: SLF001 - pypdf has no public list of a writer's objects
    out = io.BytesIO()
    version = max(writer.pdf_header, "%PDF-1.5")
    out.write(version.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
    # idnum -> (type, field 2, field 3) of the cross-reference stream
    entries: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}
    packed = []
    for idnum, obj in enumerate(objects, start=1):
        if obj is None:
            entries[idnum] = (0, 0, 0)
        elif isinstance(obj, StreamObject):
            entries[idnum] = (1, out.tell(), 0)
            out.write(b"%d 0 obj\n" % idnum)
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        else:
            packed.append(idnum)
    next_id = len(objects) + 1
    for start in range(0, len(packed), _OBJECTS_PER_STREAM):
        batch = packed[start : start + _OBJECTS_PER_STREAM]
        bodies, index, position = [], [], 0
        for number, idnum in enumerate(batch):
            body = pdf_bytes(objects[idnum - 1], lambda reference: reference)
            bodies.append(body)
            index.append(b"%d %d" % (idnum, position))
            position += len(body) + 1
            entries[idnum] = (2, next_id, number)
        head = b" ".join(index) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n")
        entries[next_id] = (1, out.tell(), 0)
        out.write(
            b"%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\n"
            b"stream\n" % (next_id, len(batch), len(head), len(data))
        )
        out.write(data + b"\nendstream\nendobj\n")
        next_id += 1
    xref_id = next_id
    entries[xref_id] = (1, out.tell(), 0)
    table = zlib.compress(
        b"".join(struct.pack(">BIH", *entries[idnum]) for idnum in range(xref_id + 1))
    )
    trailer = b"/Root %d 0 R" % writer.root_object.indirect_reference.idnum
    info = writer._info  # noqa: SLF001 - the document information's reference
    if info is not None:
        trailer += b" /Info %d 0 R" % info.indirect_reference.idnum
    out.write(
        b"%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] %s /Filter /FlateDecode /Length %d>>\n"
        b"stream\n" % (xref_id, xref_id + 1, trailer, len(table))
    )
    out.write(table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % entries[xref_id][1])
    return out.getvalue()


class Serialised(PdfObject):
    """An object of the merged PDF already written out."""

    __slots__ = ("data", "indirect_reference")

    def __init__(self, data: bytes, reference: IndirectObject) -> None:
        self.data = data
        self.indirect_reference = reference

    def write_to_stream(self, stream, encryption_key=None) -> None:
        stream.write(self.data)


@functools.cache
def _name_bytes(name: str) -> bytes:
    return NameObject(name).renumber()


def pdf_bytes(obj: PdfObject, reference) -> bytes:
    """`obj` as PDF syntax, each reference replaced by `reference(it)`: what pypdf's
    write_to_stream writes, five times faster for the names, numbers, references, arrays
    and dictionaries that structure elements are made of."""
    kind = type(obj)
    if kind is IndirectObject:
        target = reference(obj)
        return b"%d %d R" % (target.idnum, target.generation)
    if kind is NameObject:
        return _name_bytes(obj)
    if kind is NumberObject:
        return b"%d" % obj
    if isinstance(obj, ArrayObject):
        return b"[" + b" ".join(pdf_bytes(item, reference) for item in list.__iter__(obj)) + b"]"
    if isinstance(obj, DictionaryObject):  # not a stream: streams are referenced
        return (
            b"<<"
            + b" ".join(
                _name_bytes(key) + b" " + pdf_bytes(value, reference)
                for key, value in dict.items(obj)
            )
            + b">>"
        )
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


class StructureCopy:
    """A part's structure elements written straight into the merged PDF as bytes, their
    references renumbered. pypdf's clone builds a dictionary per element, kept until the
    end: for a 1,000-evaluation edition 75 s of CPU instead of 44 s for the whole merge,
    and several times the memory."""

    def __init__(
        self, writer: PdfWriter, pages: list[tuple[PageObject, PageObject]], *, id_prefix: str
    ) -> None:
        self.writer = writer
        self.id_prefix = id_prefix
        # Reader id number -> merged reference: the pages and annotations already
        # copied, the part's roots, and each element once it has a number.
        self.known: dict[int, IndirectObject] = {}
        for page, new in pages:
            self.known[page.indirect_reference.idnum] = new.indirect_reference
            if "/Annots" in page:
                for annotation, copied in zip(page["/Annots"], new["/Annots"], strict=True):
                    if isinstance(annotation, IndirectObject):
                        self.known[annotation.idnum] = copied
        self.pending: list[tuple[IndirectObject, IndirectObject]] = []

    def reference(self, source: PdfObject) -> PdfObject:
        """The merged counterpart of a reference found in the part."""
        if not isinstance(source, IndirectObject):
            return source
        known = self.known.get(source.idnum)
        if known is not None:
            return known
        target = source.get_object()
        if isinstance(target, DictionaryObject) and "/S" in target:
            # A number now, the bytes in finish(): elements refer to each other both ways.
            known = self.writer._add_object(NullObject())  # noqa: SLF001 - no public way to add an object
            self.pending.append((source, known))
        else:
            known = source.clone(self.writer)  # anything else (WeasyPrint writes none today)
        self.known[source.idnum] = known
        return known

    def finish(self) -> None:
        objects = self.writer._objects  # noqa: SLF001 - no public way to replace an object
        while self.pending:
            source, target = self.pending.pop()
            element = source.get_object()
            if self.id_prefix:
                element = self._prefixed(element)
            objects[target.idnum - 1] = Serialised(pdf_bytes(element, self.reference), target)

    def _prefixed(self, element: DictionaryObject) -> DictionaryObject:
        """The element with its table header IDs prefixed: WeasyPrint numbers them per
        part, and they must stay unique in the merged document."""
        if "/ID" not in element and "/A" not in element:
            return element
        element = _raw_copy(element)
        if "/ID" in element:
            element[NameObject("/ID")] = create_string_object(self.id_prefix + str(element["/ID"]))
        if "/A" in element:
            attributes = element["/A"]
            owners = attributes if isinstance(attributes, ArrayObject) else [attributes]
            copies = ArrayObject()
            for owner in owners:
                owner = owner.get_object()
                if isinstance(owner, DictionaryObject) and "/Headers" in owner:
                    owner = _raw_copy(owner)
                    owner[NameObject("/Headers")] = ArrayObject(
                        create_string_object(self.id_prefix + str(header))
                        for header in owner["/Headers"]
                    )
                copies.append(owner)
            element[NameObject("/A")] = copies if isinstance(attributes, ArrayObject) else copies[0]
        return element


def _raw_copy(dictionary: DictionaryObject) -> DictionaryObject:
    """A shallow copy that keeps references as references (DictionaryObject's item access
    would follow them)."""
    return DictionaryObject(dict.items(dictionary))
