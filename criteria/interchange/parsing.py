"""Reading a set from JSON or YAML: every problem is reported with its line."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _

from criteria import validation
from criteria.interchange.lines import Mapping, line_message, load
from criteria.interchange.schema import (
    CRITERION_KEYS,
    GROUP_KEYS,
    LEVEL_KEYS,
    MAX_SIZE,
    SCHEMA_VERSION,
    SET_KEYS,
)


class _Problems:
    def __init__(self):
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str, *, criterion: str | None = None) -> None:
        if criterion is not None:
            message = _("criterion %(code)s: %(message)s") % {
                "code": criterion,
                "message": message,
            }
        self.items.append((line, message))

    def raise_if_any(self) -> None:
        if self.items:
            ordered = sorted(self.items, key=lambda item: item[0])
            raise ValidationError([line_message(line, message) for line, message in ordered])


def _describe(value) -> str:
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if value is None:
        return _("empty")
    return repr(value)


class _Checker:
    def __init__(self):
        self.problems = _Problems()

    def mapping(self, value, line: int, allowed: set[str], what: str, criterion=None):
        if not isinstance(value, Mapping):
            self.problems.add(
                line,
                _("%(what)s must be a mapping of fields, not %(found)s")
                % {"what": what, "found": _describe(value)},
                criterion=criterion,
            )
            return None
        for key in value.duplicates:
            self.problems.add(
                value.line_of(key),
                _("field “%(key)s” appears more than once") % {"key": key},
                criterion=criterion,
            )
        for key in value:
            if key not in allowed:
                self.problems.add(
                    value.line_of(key),
                    _("unknown field “%(key)s” (allowed: %(allowed)s)")
                    % {"key": key, "allowed": ", ".join(sorted(allowed))},
                    criterion=criterion,
                )
        return value

    def text(self, mapping, key, *, required=False, criterion=None, default="") -> str:
        if key not in mapping or mapping[key] is None:
            if required:
                self.problems.add(
                    mapping.line,
                    _("field “%(key)s” is missing") % {"key": key},
                    criterion=criterion,
                )
            return default
        value = mapping[key]
        if not isinstance(value, str):
            self.problems.add(
                mapping.line_of(key),
                _("field “%(key)s” must be text, not %(found)s; put it in quotes")
                % {"key": key, "found": _describe(value)},
                criterion=criterion,
            )
            return default
        try:
            # "\u0000" in JSON or "\0" in YAML: PostgreSQL refuses it in text, and the
            # import would end in a server error instead of this message. The value is
            # still returned, so that it is not also reported as missing.
            ProhibitNullCharactersValidator()(value)
        except ValidationError as error:
            for message in error.messages:
                self.problems.add(mapping.line_of(key), message, criterion=criterion)
        return validation.normalise_text(value)

    def flag(self, mapping, key, default: bool, criterion) -> bool:
        if key not in mapping:
            return default
        value = mapping[key]
        if not isinstance(value, bool):
            self.problems.add(
                mapping.line_of(key),
                _("field “%(key)s” must be true or false, not %(found)s")
                % {"key": key, "found": _describe(value)},
                criterion=criterion,
            )
            return default
        return value

    def list_of(self, mapping, key, criterion=None) -> list:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.add(
                mapping.line_of(key),
                _("field “%(key)s” must be a list, not %(found)s")
                % {"key": key, "found": _describe(value)},
                criterion=criterion,
            )
            return []
        return value


def _check(data) -> dict:
    checker = _Checker()
    problems = checker.problems
    top = checker.mapping(data, 1, SET_KEYS, _("the file"))
    if top is None:
        problems.raise_if_any()
    schema = top.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        problems.add(
            top.line_of("schema"),
            _("schema %(found)s is not supported; this portal reads schema %(supported)d")
            % {"found": _describe(schema), "supported": SCHEMA_VERSION},
        )
    title = checker.text(top, "title", required=True)
    if isinstance(top.get("title"), str):
        for message in validation.title_problems(title):
            problems.add(top.line_of("title"), message)
    content = {
        "title": title,
        "description": checker.text(top, "description"),
        "groups": [],
    }
    if "groups" not in top:
        problems.add(top.line, _("field “groups” is missing"))
    group_lines: dict[str, int] = {}
    criterion_lines: dict[str, int] = {}
    for raw_group in checker.list_of(top, "groups"):
        group = checker.mapping(raw_group, top.line_of("groups"), GROUP_KEYS, _("a group"))
        if group is None:
            continue
        code = checker.text(group, "code", required=True)
        code_line = group.line_of("code")
        if isinstance(group.get("code"), str):
            for message in validation.code_problems(code):
                problems.add(code_line, _("group: %(message)s") % {"message": message})
        if code in group_lines:
            problems.add(
                code_line,
                _("group code %(code)s is used twice (first on line %(first)d)")
                % {"code": code, "first": group_lines[code]},
            )
        group_lines.setdefault(code, code_line)
        group_title = checker.text(group, "title", required=True)
        if isinstance(group.get("title"), str):
            for message in validation.title_problems(group_title):
                problems.add(
                    group.line_of("title"),
                    _("group %(code)s: %(message)s") % {"code": code, "message": message},
                )
        if "criteria" not in group:
            problems.add(
                group.line,
                _("group %(code)s: field “criteria” is missing (use [] for none)") % {"code": code},
            )
        criteria = [
            item
            for raw in checker.list_of(group, "criteria")
            if (item := _check_criterion(checker, raw, group, criterion_lines)) is not None
        ]
        content["groups"].append({"code": code, "title": group_title, "criteria": criteria})
    problems.raise_if_any()
    return content


def _check_criterion(checker: _Checker, raw, group: Mapping, seen: dict[str, int]):
    problems = checker.problems
    # Name the criterion in every message about it, as soon as its code is known.
    raw_code = raw.get("code") if isinstance(raw, dict) else None
    label = raw_code.strip() if isinstance(raw_code, str) and raw_code.strip() else None
    item = checker.mapping(
        raw, group.line_of("criteria"), CRITERION_KEYS, _("a criterion"), criterion=label
    )
    if item is None:
        return None
    label = label or "?"
    code = checker.text(item, "code", required=True, criterion=label)
    code_line = item.line_of("code")
    if isinstance(item.get("code"), str):
        for message in validation.code_problems(code):
            problems.add(code_line, message, criterion=label)
    if code in seen:
        problems.add(
            code_line,
            _("criterion code %(code)s is used twice (first on line %(first)d)")
            % {"code": code, "first": seen[code]},
        )
    seen.setdefault(code, code_line)
    title = checker.text(item, "title", required=True, criterion=label)
    if isinstance(item.get("title"), str):
        for message in validation.title_problems(title):
            problems.add(item.line_of("title"), message, criterion=label)

    levels = _check_levels(checker, item, label)
    weight = _check_weight(checker, item, label)

    return {
        "code": code,
        "title": title,
        "description": checker.text(item, "description", criterion=label),
        "guidance": checker.text(item, "guidance", criterion=label),
        "sources": checker.text(item, "sources", criterion=label),
        "levels": levels,
        "allow_na": checker.flag(item, "allow_na", False, label),
        "weight": weight,
        "justification_required": checker.flag(item, "justification_required", True, label),
    }


def _check_levels(checker: _Checker, item, label: str) -> list[dict]:
    problems = checker.problems
    levels = []
    levels_ok = True
    if "levels" not in item:
        problems.add(item.line, _("field “levels” is missing"), criterion=label)
        levels_ok = False
    for raw_level in checker.list_of(item, "levels", criterion=label):
        level = checker.mapping(
            raw_level, item.line_of("levels"), LEVEL_KEYS, _("a level"), criterion=label
        )
        if level is None:
            levels_ok = False
            continue
        number = level.get("level")
        if isinstance(number, bool) or not isinstance(number, int):
            problems.add(
                level.line_of("level"),
                _("each level needs a whole number “level”, found %(found)s")
                % {"found": _describe(number)},
                criterion=label,
            )
            levels_ok = False
            continue
        descriptor = checker.text(level, "descriptor", criterion=label)
        if not descriptor:
            # Reported here rather than by level_problems, to point at the level's own line.
            problems.add(
                level.line_of("descriptor"),
                _("level %(level)d has no descriptor") % {"level": number},
                criterion=label,
            )
        levels.append({"level": number, "descriptor": descriptor})
    if levels_ok:
        for message in validation.level_problems(levels, descriptors=False):
            problems.add(item.line_of("levels"), message, criterion=label)
    return levels


def _check_weight(checker: _Checker, item, label: str) -> Decimal:
    weight = Decimal("1")
    if "weight" in item:
        if isinstance(item["weight"], str):
            parsed, messages = None, [_("the weight must be a number, without quotes")]
        else:
            parsed, messages = validation.parse_weight(item["weight"])
        for message in messages:
            checker.problems.add(item.line_of("weight"), message, criterion=label)
        weight = parsed if parsed is not None else weight
    return weight


def parse(text: str, *, format: str) -> dict:
    """Content in the interchange layout, or ValidationError with one message per problem."""
    if len(text) > MAX_SIZE:
        raise ValidationError(
            _("The file is too large: at most %(max)d characters.") % {"max": MAX_SIZE}
        )
    if not text.strip():
        raise ValidationError(_("The file is empty."))
    try:
        data = load(text, format)
    except RecursionError:
        # Both parsers recurse per nesting level; a criteria set is five levels deep.
        raise ValidationError(_("The file is nested too deeply to be a criteria set.")) from None
    return _check(data)
