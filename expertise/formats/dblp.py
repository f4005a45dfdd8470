"""DBLP exports in XML: a person's page (`<dblpperson><r><article>...`), or records under a
`<dblp>` root as in DBLP's own dump.

Parsed with defusedxml: an uploaded file may declare entities that expand to gigabytes
("billion laughs") or read files of the server (external entities); both are refused.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from expertise.formats.base import Entry, EntryCounter, ImportProblem, make_entry

_RECORDS = {
    "article",
    "inproceedings",
    "proceedings",
    "book",
    "incollection",
    "phdthesis",
    "mastersthesis",
    "data",
}
_VENUE_TAGS = ("journal", "booktitle", "series", "publisher", "school")


def _text(element: Element | None) -> str:
    # A title may hold markup (<i>, <sub>): its text is all of it.
    return "".join(element.itertext()).strip() if element is not None else ""


def _record(element: Element) -> Entry:
    title = _text(element.find("title"))
    # DBLP ends every title with a full stop.
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    venue = next(
        (_text(element.find(tag)) for tag in _VENUE_TAGS if element.find(tag) is not None), ""
    )
    links = [_text(ee) for ee in element.findall("ee")]
    doi_link = next((link for link in links if "doi.org/" in link), "")
    return make_entry(
        title=title,
        year=_text(element.find("year")),
        venue=venue,
        doi=doi_link,
        url=next((link for link in links if link != doi_link), doi_link),
    )


def _records(root: Element):
    if root.tag == "dblpperson":
        for r in root.findall("r"):
            yield from (child for child in r if child.tag in _RECORDS)
    elif root.tag == "dblp":
        yield from (child for child in root if child.tag in _RECORDS)
    else:
        raise ImportProblem(
            _(
                "The file is XML, but not a DBLP export (it starts with <%(tag)s>, not "
                "<dblpperson>). Check that you chose the right format."
            )
            % {"tag": root.tag[:50]}
        )


def parse_dblp(data: bytes) -> list[Entry]:
    try:
        root = fromstring(data)
    except DefusedXmlException:
        raise ImportProblem(
            _(
                "The file declares XML entities or refers to other files. The portal does not "
                "accept these in an upload (they can be used to attack a server)."
            )
        ) from None
    except ParseError as error:
        line, column = error.position
        raise ImportProblem(
            _("The file is not valid XML (line %(line)d, column %(column)d).")
            % {"line": line, "column": column + 1}
        ) from None
    except LookupError:  # an encoding Python does not know, named in the XML declaration
        raise ImportProblem(
            _("The file names a character encoding the portal cannot read. Save it as UTF-8.")
        ) from None
    counter = EntryCounter()
    entries = []
    for element in _records(root):
        counter.add()
        entries.append(_record(element))
    return entries
