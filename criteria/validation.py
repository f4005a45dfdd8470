"""Rules a criteria set must satisfy, shared by the editor services and the importer.

Each check returns messages without a location; the caller adds one ("line 12: criterion
VAL-1: ...") or puts the message on a form field.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Codes appear in URLs of the editor and in exported files: keep them plain.
CODE_MAX_LENGTH = 20
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TITLE_MAX_LENGTH = 200
WEIGHT_MAX = Decimal("99.99")
MIN_LEVELS = 2


def code_problems(code: str) -> list[str]:
    if not code:
        return [_("the code is empty")]
    if len(code) > CODE_MAX_LENGTH:
        return [
            _("code “%(code)s” is longer than %(max)d characters")
            % {"code": code, "max": CODE_MAX_LENGTH}
        ]
    if not _CODE_RE.fullmatch(code):
        return [
            _(
                "code “%(code)s” may contain only letters, digits, “.”, “_” and “-”, "
                "and must start with a letter or digit"
            )
            % {"code": code}
        ]
    return []


def title_problems(title: str) -> list[str]:
    if not title:
        return [_("the title is empty")]
    if len(title) > TITLE_MAX_LENGTH:
        return [_("the title is longer than %(max)d characters") % {"max": TITLE_MAX_LENGTH}]
    return []


def level_problems(levels: list[dict], *, descriptors: bool = True) -> list[str]:
    """Levels are ascending consecutive whole numbers, at least two, each with a descriptor.

    The importer checks descriptors itself (`descriptors=False`), to name each level's line.
    """
    problems = []
    if len(levels) < MIN_LEVELS:
        problems.append(
            _("needs at least %(min)d levels, has %(count)d")
            % {"min": MIN_LEVELS, "count": len(levels)}
        )
    numbers = [item["level"] for item in levels]
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        problems.append(
            _("levels must be consecutive whole numbers in ascending order (found %(found)s)")
            % {"found": ", ".join(str(n) for n in numbers)}
        )
    for item in levels if descriptors else ():
        if not item["descriptor"].strip():
            problems.append(_("level %(level)d has no descriptor") % {"level": item["level"]})
    return problems


def parse_weight(value) -> tuple[Decimal | None, list[str]]:
    """A weight from a form or a file: a number from 0 to 99.99 with at most two decimals."""
    if isinstance(value, bool):
        return None, [_("the weight must be a number")]
    try:
        weight = Decimal(str(value).strip())
    except InvalidOperation:
        return None, [_("the weight must be a number")]
    if not weight.is_finite():
        return None, [_("the weight must be a number")]
    if weight < 0:
        return None, [_("the weight must be zero or more")]
    if weight > WEIGHT_MAX:
        return None, [_("the weight must be at most %(max)s") % {"max": WEIGHT_MAX}]
    if weight != weight.quantize(Decimal("0.01")):
        return None, [_("the weight may have at most two decimals")]
    return weight.quantize(Decimal("0.01")), []


def normalise_text(value: str) -> str:
    """Browsers send CRLF from text areas; store LF so that exports stay stable."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()
