"""Writing a set as JSON or YAML, in a fixed order so that a round trip is lossless."""

import json
from decimal import Decimal

import yaml

from criteria.interchange.schema import SCHEMA_VERSION


def _weight_out(weight: Decimal) -> int | float:
    weight = Decimal(weight)
    return int(weight) if weight == weight.to_integral_value() else float(weight.normalize())


def content_from_set(criteria_set) -> dict:
    """The set in the interchange layout; `criteria_set` has groups and criteria prefetched."""
    return {
        "schema": SCHEMA_VERSION,
        "title": criteria_set.title,
        "description": criteria_set.description,
        "groups": [
            {
                "code": group.code,
                "title": group.title,
                "criteria": [
                    {
                        "code": criterion.code,
                        "title": criterion.title,
                        "description": criterion.description,
                        "guidance": criterion.guidance,
                        "sources": criterion.sources,
                        "levels": [
                            {"level": int(item["level"]), "descriptor": item["descriptor"]}
                            for item in criterion.levels
                        ],
                        "allow_na": criterion.allow_na,
                        "weight": _weight_out(criterion.weight),
                        "justification_required": criterion.justification_required,
                    }
                    for criterion in group.criteria.all()
                ],
            }
            for group in criteria_set.groups.all()
        ],
    }


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text reads best as a literal block; PyYAML falls back to quoting by itself
    # where a block cannot hold the text exactly (trailing spaces, control characters).
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(content: dict, *, format: str) -> str:
    if format == "json":
        return json.dumps(content, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        return yaml.dump(
            content,
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
        )
    raise ValueError(f"unknown format {format!r}")
