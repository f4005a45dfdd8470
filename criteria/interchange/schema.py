"""The interchange layout: its version, size limit and the fields each level may hold."""

SCHEMA_VERSION = 1
FORMATS = ("json", "yaml")
MAX_SIZE = 1_000_000  # characters; a set of 100 criteria is about 100 kB

SET_KEYS = {"schema", "title", "description", "groups"}
GROUP_KEYS = {"code", "title", "criteria"}
CRITERION_KEYS = {
    "code",
    "title",
    "description",
    "guidance",
    "sources",
    "levels",
    "allow_na",
    "weight",
    "justification_required",
}
LEVEL_KEYS = {"level", "descriptor"}
