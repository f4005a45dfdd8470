"""Text files (CSV, JSON, plain text): UTF-8 without NUL bytes, checked chunk by chunk."""

import codecs
from typing import NoReturn

from django.utils.translation import gettext as _

from submissions.files.kinds import refuse


class TextCheck:
    """Checks, chunk by chunk, that bytes are UTF-8 text without NUL bytes.

    An incremental decoder carries a character split across two chunks over to the next,
    so a chunk boundary inside a multi-byte character is not mistaken for bad UTF-8.
    """

    def __init__(self, *, name: str, extension: str) -> None:
        self.name = name
        self.extension = extension
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self.lines_before = 0  # newlines in the bytes fed so far, for the line number
        self.first = True

    def feed(self, data: bytes, *, final: bool = False) -> None:
        if self.first:
            self.first = False
            if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # Excel's "Unicode text" export: text, but not UTF-8; say so rather than
                # calling its NUL bytes binary data.
                self._not_utf8(line=1)
            data = data.removeprefix(codecs.BOM_UTF8)
        if b"\x00" in data:
            raise refuse(
                _(
                    "“%(name)s” does not match its extension (%(extension)s): "
                    "it contains binary data, not text."
                ),
                "binary",
                name=self.name,
                extension=self.extension,
            )
        pending = len(self.decoder.getstate()[0])
        bad_at = None
        try:
            # The decoded text is dropped at once: only whether it decodes matters.
            self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            # exc.start counts from the start of the bytes held over from the last chunk.
            bad_at = max(0, exc.start - pending)
        if bad_at is not None:
            self._not_utf8(line=self.lines_before + data.count(b"\n", 0, bad_at) + 1)
        self.lines_before += data.count(b"\n")

    def _not_utf8(self, *, line: int) -> NoReturn:
        raise refuse(
            _(
                "“%(name)s” is not UTF-8 text: line %(line)s has bytes that are not "
                "valid UTF-8. Save the file as UTF-8 and upload it again."
            ),
            "not_utf8",
            name=self.name,
            line=line,
        )
