"""Request body parsers: DRF's, with every way a body can fail to parse answering 400."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """Every JSON body of this API is an object: a list, number, string or null is refused
    here, once, rather than reaching views and forms that call `.get` on it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json raises RecursionError, not ValueError, for arrays or objects nested a
            # few thousand deep: a body of "[[[[…" would otherwise be a server error.
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        if not isinstance(data, dict):
            raise ParseError(
                f"The body must be a JSON object, not {_json_type(data)}.", code="not_an_object"
            )
        return data


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "a number"
