"""Criteria sets as JSON or YAML files: export, and import with line-precise errors.

The layout (the same as criteria/default_set.py)::

    schema: 1
    title: ...
    description: ...
    groups:
      - code: A
        title: ...
        criteria:
          - code: REL-1
            title: ...
            description: ...
            guidance: ...
            sources: ...
            levels:
              - {level: 0, descriptor: ...}
            allow_na: false
            weight: 1
            justification_required: true

Export followed by import and export again gives the same text: keys are written in a fixed
order, weights as numbers without trailing zeros, and text with LF line ends.

Every error names the line it is about. Syntax errors come from the parsers (JSON's
`lineno`, YAML's marks). For the meaning of the content, both parsers here build mappings
that remember the line each mapping and each key starts on.
"""

from criteria.interchange.export import content_from_set, dump
from criteria.interchange.parsing import parse
from criteria.interchange.schema import FORMATS, MAX_SIZE, SCHEMA_VERSION

__all__ = ["FORMATS", "MAX_SIZE", "SCHEMA_VERSION", "content_from_set", "dump", "parse"]
