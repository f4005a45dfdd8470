"""Reading publication lists from uploaded files. The portal never fetches them itself."""

from collections.abc import Callable

from expertise.formats.base import MAX_ENTRIES, Entry, ImportProblem
from expertise.formats.bibtex import parse_bibtex
from expertise.formats.dblp import parse_dblp
from expertise.formats.jsonfiles import parse_openreview, parse_orcid

PARSERS: dict[str, Callable[[bytes], list[Entry]]] = {
    "bibtex": parse_bibtex,
    "orcid": parse_orcid,
    "dblp": parse_dblp,
    "openreview": parse_openreview,
}

__all__ = ["MAX_ENTRIES", "PARSERS", "Entry", "ImportProblem"]
