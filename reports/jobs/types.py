"""What the parts of a report job share: the result a builder returns, and the signal that
an attempt lost its claim. A module of its own, so that the builders, editions and exports
(which produce a BuildResult) and the worker side (which stores it) import it from below
instead of from each other."""

from __future__ import annotations

from dataclasses import dataclass

from portal.jobs import JobSuperseded

__all__ = ["BuildResult", "JobSuperseded"]


@dataclass
class BuildResult:
    content: bytes
    file_name: str
    content_type: str
    snapshot: dict
    page_count: int | None = None
