"""What the first bytes of a file say it is: the signatures ("magic numbers") of formats
the portal refuses, and markup a browser would render. The extension is never trusted."""

import codecs
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from submissions.files.kinds import refuse

# Enough for every signature below, including an HTML page after a long preamble of
# whitespace and comments.
HEAD_SIZE = 8 * 1024

_DESCRIPTIONS = {
    "pdf": gettext_lazy("a PDF document"),
    "png": gettext_lazy("a PNG image"),
    "jpeg": gettext_lazy("a JPEG image"),
    "gif": gettext_lazy("a GIF image"),
    "webp": gettext_lazy("a WebP image"),
    "tiff": gettext_lazy("a TIFF image"),
    "zip": gettext_lazy("a ZIP archive or an Office document"),
    "ole": gettext_lazy("an older Microsoft Office document"),
    "gzip": gettext_lazy("a gzip archive"),
    "archive": gettext_lazy("a compressed archive"),
    "elf": gettext_lazy("a Linux program"),
    "pe": gettext_lazy("a Windows program"),
    "macho": gettext_lazy("a macOS program"),
    "html": gettext_lazy("an HTML web page"),
    "svg": gettext_lazy("an SVG image"),
}

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"PK\x07\x08", "zip"),  # a spanned archive
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!\x1a\x07", "archive"),
    (b"\xfd7zXZ\x00", "archive"),
    (b"BZh", "archive"),
    (b"\x28\xb5\x2f\xfd", "archive"),  # zstandard
    (b"\x7fELF", "elf"),
    (b"\xfe\xed\xfa\xce", "macho"),
    (b"\xfe\xed\xfa\xcf", "macho"),
    (b"\xce\xfa\xed\xfe", "macho"),
    (b"\xcf\xfa\xed\xfe", "macho"),
    (b"\xca\xfe\xba\xbe", "macho"),  # universal binary (also a Java class file)
)

# Markup a browser would render (and run scripts in) if the file were ever served as
# HTML. Checked after leading whitespace, a BOM and comments, where browsers still sniff.
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|frameset|meta|title|style|svg)[\s>/]",
    re.IGNORECASE,
)
_MARKUP_PREAMBLE = re.compile(rb"(?:\s|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)


def _detect(head: bytes) -> str | None:
    """What the first bytes say the file is, or None for anything not recognised."""
    for prefix, detected in _PREFIXES:
        if head.startswith(prefix):
            return detected
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"MZ" and len(head) >= 64:
        # "MZ" alone also starts ordinary text; a Windows program has a PE header at the
        # offset stored at 0x3C.
        offset = int.from_bytes(head[60:64], "little")
        if head[offset : offset + 4] == b"PE\x00\x00":
            return "pe"
    text = head.removeprefix(codecs.BOM_UTF8)
    start = _MARKUP_PREAMBLE.match(text)
    match = _MARKUP.match(text, start.end() if start else 0)
    if match:
        return "svg" if match.group(0)[1:4].lower() == b"svg" else "html"
    return None


def check_signature(*, name: str, kind: str, extension: str, head: bytes) -> None:
    detected = _detect(bytes(head))
    if kind == "pdf":
        if detected == "pdf":
            return
        if detected is None:
            raise refuse(
                _("“%(name)s” is not a PDF: its content is not in PDF format."),
                "mismatch",
                name=name,
            )
        raise refuse(
            _("“%(name)s” is not a PDF: its content looks like %(content)s."),
            "mismatch",
            name=name,
            content=str(_DESCRIPTIONS[detected]),
        )
    if detected is not None:
        raise refuse(
            _(
                "“%(name)s” does not match its extension (%(extension)s): "
                "its content looks like %(content)s."
            ),
            "mismatch",
            name=name,
            extension=extension,
            content=str(_DESCRIPTIONS[detected]),
        )
