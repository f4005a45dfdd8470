"""File names safe to show and to offer as download names, whatever the client sent."""

import re
import unicodedata

FILENAME_MAX_LENGTH = 150
_EXTENSION_MAX_LENGTH = 16
# Characters Windows refuses in file names: a download named with them would be renamed
# by the browser, or refused.
_WINDOWS_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))


def sanitise_filename(name: str) -> str:
    """A file name safe to display and to offer as a download name; never empty."""
    # NFC first, so that "é" typed as e + combining accent counts as one character.
    name = unicodedata.normalize("NFC", name)
    # All of category C: controls (NUL, ESC, newlines), format characters (the bidi
    # overrides that make "exe.pdf" display as "fdp.exe"), surrogates, unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    # A browser may send the whole client path, with either kind of separator.
    name = re.split(r"[/\\]", name)[-1]
    name = name.translate(_WINDOWS_RESERVED)
    name = " ".join(name.split())
    # A leading dot hides the file on Unix; trailing dots and spaces are dropped by
    # Windows, which would change the extension the user sees.
    name = name.lstrip(". ").rstrip(". ")
    if len(name) > FILENAME_MAX_LENGTH:
        name = _shorten(name)
    return name or "file"


def _shorten(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) <= _EXTENSION_MAX_LENGTH:
        keep = FILENAME_MAX_LENGTH - len(extension) - 1
        return f"{stem[:keep].rstrip('. ')}.{extension}"
    return name[:FILENAME_MAX_LENGTH].rstrip(". ")
