"""Garbage collection held off while a report's data or charts are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection while a report's data or charts are made (a few tenths of a
    second). They allocate by the ten thousand (score rows, matplotlib artists), and each
    collection that sets off walks every object of the worker, WeasyPrint's and Django's
    included: 0.1-0.2 s each on the 1,000-evaluation summary. Whatever became garbage is
    collected after, at the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
