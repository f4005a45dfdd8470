"""LaTeX markup in BibTeX values, turned into plain Unicode text: accents (\\"o, {\\'e},
\\c{c}), special letters (\\ss, \\o, \\L), escaped characters, text commands (\\emph{x}
keeps x), dashes, ties and the braces that protect capitals."""

from __future__ import annotations

import re
import unicodedata

# Accent command -> combining mark.
_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_LETTERS = {
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "o": "ø",
    "O": "Ø",
    "ss": "ß",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "textendash": "–",
    "textemdash": "—",
    "ldots": "…",
    "dots": "…",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
}
_GREEK_LOWER = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho"
_GREEK_LOWER += " sigma tau upsilon phi chi psi omega"
_GREEK_UPPER = "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
_SYMBOLS = dict(zip(_GREEK_LOWER.split(), "αβγδεζηθικλμνξπρστυφχψω", strict=True))
_SYMBOLS.update(zip(_GREEK_UPPER.split(), "ΓΔΘΛΞΠΣΥΦΨΩ", strict=True))
_SYMBOLS.update({"varepsilon": "ε", "ell": "ℓ", "infty": "∞", "times": "×", "pm": "±"})

# \" followed by {x}, {\i}, or a single letter; also \c{c} and \v S (a letter command
# followed by a space, then the letter).
_ACCENT = re.compile(
    r"\\(?P<mark>['`^\"~=.])\s*(?:\{\s*(?P<b1>\\[ij]|[^{}\\])\s*\}|(?P<l1>\\[ij](?![A-Za-z])|[A-Za-z]))"
    r"|\\(?P<word>[uvHckrdb])(?:\s*\{\s*(?P<b2>\\[ij]|[^{}\\])\s*\}|\s+(?P<l2>[A-Za-z]))"
)
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*(\{\})?")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_MATH = re.compile(r"(?<!\\)\$")


def _accent(match: re.Match) -> str:
    mark = _ACCENTS[match.group("mark") or match.group("word")]
    base = match.group("b1") or match.group("l1") or match.group("b2") or match.group("l2")
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + mark)


def _command(match: re.Match) -> str:
    name = match.group(1)
    if name in _LETTERS:
        return _LETTERS[name]
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    # \emph, \textit, \url, \mathrm ...: the command goes, its {argument} stays (its
    # braces are removed with the others).
    return ""


def latex_to_text(value: str) -> str:
    if "\\" not in value and "{" not in value and "-" not in value and "~" not in value:
        return value
    text = _ACCENT.sub(_accent, value)
    text = _ESCAPED.sub(lambda m: "\x00" + m.group(1), text)
    text = _COMMAND.sub(_command, text)
    text = text.replace("\\\\", " ").replace("\\", "")
    text = text.replace("---", "—").replace("--", "–")
    text = re.sub(r"(?<!\x00)~", " ", text)
    text = _MATH.sub("", text)
    text = re.sub(r"(?<!\x00)[{}]", "", text)
    return text.replace("\x00", "")
