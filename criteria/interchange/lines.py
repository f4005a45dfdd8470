"""JSON and YAML parsers whose mappings remember the line they (and each key) start on."""

import bisect
import json
from json import decoder as json_decoder
from json import scanner as json_scanner

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Mapping(dict):
    """A parsed mapping that knows where it starts and where each of its keys is."""

    line: int = 0
    key_lines: dict  # key -> every line it appears on (more than one if duplicated)
    duplicates: list  # keys given more than once; both parsers would keep the last

    def line_of(self, key: str) -> int:
        lines = self.key_lines.get(key)
        return lines[-1] if lines else self.line


def line_message(line: int, message: str) -> str:
    return _("line %(line)d: %(message)s") % {"line": line, "message": message}


class _LineIndex:
    def __init__(self, text: str):
        self.starts = [0]
        self.starts.extend(i + 1 for i, char in enumerate(text) if char == "\n")

    def line(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index)


def _json_key_lines(text: str, start: int, end: int, index: _LineIndex) -> dict[str, list[int]]:
    """The lines of the keys of the JSON object text[start:end], at its own depth only."""
    keys: dict[str, list[int]] = {}
    depth = 0
    expecting_key = False
    i = start
    while i < end:
        char = text[i]
        if char == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if depth == 1 and expecting_key:
                keys.setdefault(json.loads(text[i : j + 1]), []).append(index.line(i))
                expecting_key = False
            i = j + 1
            continue
        if char in "{[":
            depth += 1
            expecting_key = depth == 1
        elif char in "}]":
            depth -= 1
        elif char == "," and depth == 1:
            expecting_key = True
        i += 1
    return keys


class _JSONLineDecoder(json.JSONDecoder):
    """json.JSONDecoder whose objects are Mapping with lines.

    The C scanner calls its own object parser, so this one uses the pure-Python scanner,
    which calls `self.parse_object`; the files are small enough for that.
    """

    def __init__(self, text: str):
        super().__init__(object_pairs_hook=self._pairs)
        self._text = text
        self._index = _LineIndex(text)
        self.parse_object = self._parse_object
        self.scan_once = json_scanner.py_make_scanner(self)

    @staticmethod
    def _pairs(pairs):
        mapping = Mapping()
        mapping.duplicates = []
        for key, value in pairs:
            if key in mapping:
                mapping.duplicates.append(key)
            mapping[key] = value
        return mapping

    def _parse_object(self, s_and_end, *args, **kwargs):
        start = s_and_end[1] - 1  # the opening brace
        mapping, end = json_decoder.JSONObject(s_and_end, *args, **kwargs)
        mapping.line = self._index.line(start)
        mapping.key_lines = _json_key_lines(self._text, start, end, self._index)
        return mapping, end


class _YAMLLineLoader(yaml.SafeLoader):
    """A safe loader whose mappings are Mapping with lines, refusing aliases.

    Aliases are refused because a few of them can expand into a huge document (the
    "billion laughs"); criteria files have no use for them.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _YAMLLineLoader, node: yaml.MappingNode) -> Mapping:
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    mapping.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, "keys must be text", key_node.start_mark
            )
        if key in mapping:
            mapping.duplicates.append(key)
        mapping.key_lines.setdefault(key, []).append(key_node.start_mark.line + 1)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_YAMLLineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load(text: str, format: str):
    if format == "json":
        try:
            return _JSONLineDecoder(text).decode(text)
        except json.JSONDecodeError as error:
            raise ValidationError(line_message(error.lineno, error.msg)) from None
    if format == "yaml":
        try:
            return yaml.load(text, Loader=_YAMLLineLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            problem = error.problem or error.context or str(error)
            message = line_message(mark.line + 1, problem) if mark else problem
            raise ValidationError(message) from None
        except yaml.YAMLError as error:
            raise ValidationError(
                _("The file is not valid YAML: %(error)s") % {"error": error}
            ) from None
    raise ValidationError(
        _("Unknown format “%(format)s”: choose JSON or YAML.") % {"format": format}
    )
